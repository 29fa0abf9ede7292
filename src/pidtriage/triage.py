"""From annotated variants to ranked candidates and the case status (DESIGN.md, "Case status").

positive      P/LP variant(s) whose genotype meets the gene's inheritance (AD het, AR hom or two P/LP in trans,
              XL hemizygous male, de novo in an AD gene), calls passing QC
inconclusive  a VUS meeting the inheritance; a single P/LP het in an AR gene; an unphased pair; a female het in
              an XL gene; a P/LP finding whose calls fail QC
negative      no qualifying variant in the panel genes
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pidtriage.acmg.classify import Classification, classify
from pidtriage.inheritance.dominant import dominant_finding
from pidtriage.inheritance.family import Family, is_de_novo
from pidtriage.inheritance.recessive import recessive_findings
from pidtriage.inheritance.xlinked import xlinked_finding
from pidtriage.models import AnnotatedVariant, CaseInfo, Finding, QcCheck, Sex, Status
from pidtriage.panel.features import match_features, parse_features
from pidtriage.panel.model import Moi, PanelGene
from pidtriage.qc import failed_checks, genotype_checks

__all__ = ["Candidate", "GeneFinding", "TriageResult", "triage_case"]

QUALIFYING = ("P", "LP", "VUS")
PLP = ("P", "LP")


@dataclass(frozen=True, slots=True)
class Candidate:
    av: AnnotatedVariant
    gene: PanelGene
    classification: Classification
    qc: tuple[QcCheck, ...]
    finding: Finding
    moi: str
    meets: bool
    note: str
    phenotype: tuple[tuple[str, ...], tuple[str, ...], bool]  # agreeing features, contradicting, category match
    rank: int = 0

    @property
    def qc_flags(self) -> list[str]:
        return failed_checks(self.qc)


@dataclass(frozen=True, slots=True)
class GeneFinding:
    gene: PanelGene
    finding: Finding
    moi: str
    variants: tuple[Candidate, ...]
    meets: bool
    level: Status  # what this finding alone would make the case
    explanation: str


@dataclass
class TriageResult:
    status: Status
    reason: str
    findings: list[GeneFinding] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    n_variants: int = 0


def _qualifies(av: AnnotatedVariant, cls: Classification) -> bool:
    """P/LP always; a VUS only when it alters the protein or a splice site (impact HIGH/MODERATE, splice region).
    Variants without a consequence and not P/LP are not candidates: intronic and unannotated calls stay out."""
    if cls.acmg_class in PLP:
        return True
    if cls.acmg_class != "VUS" or av.consequence is None:
        return False
    c = av.consequence
    return c.impact in ("HIGH", "MODERATE") or any("splice" in t for t in c.so_terms)


def _phenotype(case: CaseInfo, gene: PanelGene) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    patient = parse_features(case.immunophenotype) if case.immunophenotype else {}
    best: tuple[list[str], list[str]] = ([], [])
    for d in gene.diseases:
        if patient and d.immunophenotype:
            agree, contra = match_features(patient, parse_features(d.immunophenotype))
            if len(agree) - len(contra) > len(best[0]) - len(best[1]) or (not best[0] and not best[1]):
                best = (agree, contra)
    category = bool(set(case.suspected_category) & set(gene.iuis_tables))
    return tuple(best[0]), tuple(best[1]), category


def _level(finding: Finding, meets: bool, classes: Sequence[str], qc_ok: bool) -> Status:
    if finding == Finding.NONE:
        return Status.NEGATIVE
    all_plp = all(c in PLP for c in classes)
    if meets and all_plp and finding in (Finding.AD_HET, Finding.DE_NOVO, Finding.AR_HOM, Finding.AR_COMPOUND_HET,
                                         Finding.XL_HEMI, Finding.XL_HET_FEMALE):
        return Status.POSITIVE if qc_ok else Status.INCONCLUSIVE
    if any(c in QUALIFYING for c in classes):
        return Status.INCONCLUSIVE
    return Status.NEGATIVE


def _mois(gene: PanelGene) -> list[Moi]:
    if gene.moi.is_x_linked:
        return [gene.moi]
    if gene.moi == Moi.AD_AR or gene.moi == Moi.UNKNOWN:
        return [Moi.AD, Moi.AR]
    return [gene.moi]


def _gene_findings(gene: PanelGene, cands: list[Candidate], family: Family, sex: Sex) -> list[GeneFinding]:
    out = []
    by_key = {c.av.variant.key: c for c in cands}
    for moi in _mois(gene):
        if moi.is_x_linked:
            for c in cands:
                f, meets, note = xlinked_finding(c.av, family, sex, gene.moi)
                out.append((f, moi, (c,), meets, note))
        elif moi == Moi.AD:
            for c in cands:
                f, note = dominant_finding(c.av, family)
                out.append((f, moi, (c,), f != Finding.NONE, note))
        else:
            for f, avs, note in recessive_findings([c.av for c in cands], family):
                meets = f in (Finding.AR_HOM, Finding.AR_COMPOUND_HET)
                out.append((f, moi, tuple(by_key[a.variant.key] for a in avs), meets, note))
    result = []
    for f, moi, vs, meets, note in out:
        classes = [v.classification.acmg_class for v in vs]
        qc_ok = all(not v.qc_flags for v in vs)
        level = _level(f, meets, classes, qc_ok)
        if not qc_ok and level == Status.INCONCLUSIVE and all(c in PLP for c in classes) and meets:
            note += "; calls fail QC (" + ",".join(sorted({x for v in vs for x in v.qc_flags})) + "): confirm first"
        result.append(GeneFinding(gene, f, moi.value, vs, meets, level, note))
    return result


_LEVEL_ORDER = {Status.POSITIVE: 0, Status.INCONCLUSIVE: 1, Status.NEGATIVE: 2}
_FINDING_ORDER = {f: i for i, f in enumerate((Finding.DE_NOVO, Finding.AR_COMPOUND_HET, Finding.AR_HOM, Finding.XL_HEMI,
                                              Finding.AD_HET, Finding.XL_HET_FEMALE, Finding.AR_POSSIBLE_COMPOUND_HET,
                                              Finding.AR_SINGLE_HET, Finding.NONE))}  # fmt: skip


def _finding_key(f: GeneFinding) -> tuple[Any, ...]:
    points = sum(v.classification.points for v in f.variants)
    pheno = max((len(v.phenotype[0]) - len(v.phenotype[1]) + (2 if v.phenotype[2] else 0)) for v in f.variants)
    stars = max((v.av.clinvar.stars or 0) if v.av.clinvar else 0 for v in f.variants)
    first = f.variants[0].av.variant
    return (_LEVEL_ORDER[f.level], _FINDING_ORDER[f.finding], -points, -pheno, -stars, f.gene.symbol, first.pos)


def triage_case(
    variants: Sequence[AnnotatedVariant],
    *,
    case: CaseInfo,
    family: Family,
    sex: Sex,
    panel_genes: Mapping[str, PanelGene],
    thresholds: Mapping[str, Any],
) -> TriageResult:
    acmg, qc_t = thresholds["acmg"], thresholds["qc"]
    min_stars = int(thresholds["resources"]["clinvar"]["min_review_stars"])
    per_gene: dict[str, list[Candidate]] = defaultdict(list)
    for av in variants:
        gt = av.genotype_of(family.proband)
        if gt is None or gt.alt_count == 0:
            continue
        gene = panel_genes[av.hgnc_id]
        cls = classify(av, gene, acmg, min_stars=min_stars, de_novo=is_de_novo(av, family), trio=family.is_trio)
        if not _qualifies(av, cls):
            continue
        qc = tuple(genotype_checks(av.variant, gt, qc_t, haploid=av.haploid_region))
        per_gene[av.hgnc_id].append(
            Candidate(av, gene, cls, qc, Finding.NONE, gene.moi.value, False, "", _phenotype(case, gene))
        )
    findings = [f for hgnc, cands in per_gene.items()
                for f in _gene_findings(panel_genes[hgnc], cands, family, sex)]  # fmt: skip
    findings.sort(key=_finding_key)
    candidates = _rank_candidates(findings)
    reportable = [f for f in findings if f.level != Status.NEGATIVE]
    if any(f.level == Status.POSITIVE for f in reportable):
        top = next(f for f in reportable if f.level == Status.POSITIVE)
        reason = f"{top.finding} in {top.gene.symbol}: " + ", ".join(
            f"{v.av.variant.key} ({v.classification.acmg_class})" for v in top.variants)
        status = Status.POSITIVE
    elif reportable:
        top = reportable[0]
        classes = "/".join(v.classification.acmg_class for v in top.variants)
        reason = f"{top.finding} in {top.gene.symbol} ({classes}): {top.explanation}"
        status = Status.INCONCLUSIVE
    else:
        status, reason = Status.NEGATIVE, f"no qualifying variant in the {len(panel_genes)} panel genes"
    return TriageResult(status, reason, reportable, candidates, n_variants=len(variants))


def _rank_candidates(findings: Sequence[GeneFinding]) -> list[Candidate]:
    """One row per variant, with its best finding, in finding order; rank 1 first."""
    from dataclasses import replace

    seen: dict[str, Candidate] = {}
    for f in findings:
        for v in f.variants:
            key = f"{v.av.variant.key}:{v.gene.hgnc_id}"
            if key not in seen:
                seen[key] = replace(v, finding=f.finding, moi=f.moi, meets=f.meets, note=f.explanation)
    return [replace(c, rank=i) for i, c in enumerate(seen.values(), start=1)]
