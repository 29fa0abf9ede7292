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
from dataclasses import dataclass, field, replace
from typing import Any

from pidtriage.acmg.classify import Classification, classify, with_criteria
from pidtriage.acmg.segregation import pm3
from pidtriage.genome import in_par
from pidtriage.inheritance.dominant import dominant_finding
from pidtriage.inheritance.family import Family, is_de_novo
from pidtriage.inheritance.recessive import phase_of_pair, recessive_findings
from pidtriage.inheritance.xlinked import xlinked_finding
from pidtriage.models import AnnotatedVariant, CaseInfo, Finding, Outcome, QcCheck, Sex, Status, Zygosity
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
    oligogenic: list[dict[str, Any]] = field(default_factory=list)
    # every annotated variant the proband carries, by "chrom:pos:ref:alt:GENE": class, points, kept or why not
    assessed: dict[str, dict[str, Any]] = field(default_factory=dict)


def _qualifies(av: AnnotatedVariant, cls: Classification, min_vus_points: int = 1) -> bool:
    """P/LP always; a VUS with at least `min_vus_points` only when it alters the protein (impact HIGH/MODERATE)
    or a canonical splice site, or sits in a splice region with a SpliceAI prediction meeting PP3. Variants
    without a consequence and not P/LP are not candidates: intronic, synonymous and unannotated calls stay out."""
    if cls.acmg_class in PLP:
        return True
    if cls.acmg_class != "VUS" or av.consequence is None or cls.points < min_vus_points:
        return False
    c = av.consequence
    if c.impact in ("HIGH", "MODERATE"):
        return True
    splice_predicted = any(x.code.startswith("PP3") and x.outcome == Outcome.MET for x in cls.criteria)
    return any("splice" in t for t in c.so_terms) and splice_predicted


def _not_qualifying_reason(av: AnnotatedVariant, cls: Classification, min_vus_points: int) -> str:
    if cls.acmg_class in ("LB", "B"):
        return f"dropped: {cls.acmg_class} ({cls.codes or 'no criteria'})"
    if av.consequence is None:
        return "dropped: no consequence annotation and not P/LP"
    if cls.acmg_class == "VUS" and cls.points < min_vus_points:
        return f"dropped: VUS with {cls.points} point(s) < triage.min_vus_points {min_vus_points}"
    return f"dropped: VUS with a {'&'.join(av.consequence.so_terms)} consequence (not protein-altering, no splice prediction)"


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


def _population_unchecked(c: Candidate) -> bool:
    return any(x.code == "PM2_Supporting" and x.outcome == Outcome.NOT_EVALUATED for x in c.classification.criteria)


def _level(finding: Finding, meets: bool, classes: Sequence[str], qc_ok: bool, frequency_ok: bool) -> Status:
    """What a finding alone makes the case (DESIGN.md "Case status"): positive when P/LP variants meet the
    inheritance; inconclusive for a VUS that meets it, for P/LP that do not fully meet it (a single het in a
    recessive gene, a female het in an X-linked gene, segregation against), and for an unphased pair; a VUS
    that does not meet the inheritance (a single VUS in a recessive gene) is listed but changes nothing."""
    if finding == Finding.NONE or not classes or not all(c in QUALIFYING for c in classes):
        return Status.NEGATIVE
    all_plp = all(c in PLP for c in classes)
    if meets and all_plp:
        return Status.POSITIVE if qc_ok and frequency_ok else Status.INCONCLUSIVE
    if meets or finding == Finding.AR_POSSIBLE_COMPOUND_HET or any(c in PLP for c in classes):
        return Status.INCONCLUSIVE
    return Status.NEGATIVE


def _is_pseudoautosomal(gene: PanelGene, build: str) -> bool:
    loc = gene.location(build)
    return bool(loc and loc.chrom in ("X", "Y") and in_par(loc.chrom, loc.start, build) and in_par(loc.chrom, loc.end, build))


def _mois(gene: PanelGene, build: str) -> list[Moi]:
    """The models a gene is judged under: genes with AD and AR entries (STAT1, AIRE...) under both; X-linked
    genes inside a PAR (CSF2RA) as autosomal recessive, since both sexes have two copies."""
    if gene.moi.is_x_linked:
        return [Moi.AR] if _is_pseudoautosomal(gene, build) else [gene.moi]
    if gene.moi == Moi.AD_AR or gene.moi == Moi.UNKNOWN:
        return [Moi.AD, Moi.AR]
    return [gene.moi]


def _diseases_for(gene: PanelGene, moi: Moi) -> str:
    """Which of the gene's diseases (and mechanisms) a finding under `moi` fits, for genes with several."""
    fit = [d for d in gene.diseases if d.moi == moi or (moi == Moi.AR and d.moi == Moi.AD_AR)
           or (moi == Moi.AD and d.moi == Moi.AD_AR)]  # fmt: skip
    if not fit or len(fit) == len(gene.diseases):
        return ""
    return "fits " + "; ".join(f"{d.label} ({d.moi}, {d.mechanism})" for d in fit)


def _with_pm3(cands: list[Candidate], family: Family) -> list[Candidate]:
    """PM3 for each heterozygous candidate of a recessive gene from the other candidates it pairs with."""
    hets = [c for c in cands if c.av.genotype_of(family.proband) is not None
            and c.av.genotype_of(family.proband).zygosity(haploid_region=c.av.haploid_region) == Zygosity.HET]  # type: ignore[union-attr]
    if len(hets) < 2:
        return cands
    out = []
    for c in cands:
        if c not in hets:
            out.append(c)
            continue
        best = None
        for other in hets:
            if other is c:
                continue
            crit = pm3(phase_of_pair(c.av, other.av, family), other.classification.acmg_class, other.av.variant.key)
            if crit.outcome == Outcome.MET and (best is None or crit.points > best.points):
                best = crit
        out.append(replace(c, classification=with_criteria(c.classification, [best])) if best else c)
    return out


def _single_het_advice(c: Candidate) -> str:
    agree, contra, category = c.phenotype
    fits = (agree and not contra) or category
    if c.classification.acmg_class in PLP and fits:
        why = (f"the patient's immunology matches ({', '.join(agree)})" if agree
               else "the suspected IUIS category matches this gene")
        return (f"a second, unseen variant is plausible: {why}. Look for it: CNV analysis (exon deletions), deep "
                "intronic and regulatory variants, RNA studies, and test the parents")
    return ("most likely a carrier: heterozygous carriers of recessive PID variants are common; pursue a second hit "
            "only if the clinical picture fits this gene")


def _gene_findings(gene: PanelGene, cands: list[Candidate], family: Family, sex: Sex, build: str) -> list[GeneFinding]:
    out: list[tuple[Finding, Moi, tuple[Candidate, ...], bool, str, bool]] = []
    for moi in _mois(gene, build):
        pool = _with_pm3(cands, family) if moi == Moi.AR else cands
        by_key = {c.av.variant.key: c for c in pool}
        if moi.is_x_linked:
            for c in pool:
                f, meets, note = xlinked_finding(c.av, family, sex, gene.moi)
                out.append((f, moi, (c,), meets, note, False))
        elif moi == Moi.AD:
            for c in pool:
                f, meets, note, unaffected_carrier = dominant_finding(c.av, family)
                out.append((f, moi, (c,), meets, note, unaffected_carrier))
        else:
            for f, avs, meets, note in recessive_findings([c.av for c in pool], family):
                vs = tuple(by_key[a.variant.key] for a in avs)
                if f == Finding.AR_SINGLE_HET:
                    note = f"{note}: {_single_het_advice(vs[0])}"
                if _is_pseudoautosomal(gene, build):
                    note += " (pseudoautosomal gene: two copies in both sexes)"
                out.append((f, moi, vs, meets, note, False))
    result = []
    for f, moi, vs, meets, note, unaffected_carrier in out:
        classes = [v.classification.acmg_class for v in vs]
        qc_ok = all(not v.qc_flags for v in vs)
        frequency_ok = not any(_population_unchecked(v) for v in vs)
        level = _level(f, meets, classes, qc_ok, frequency_ok)
        if unaffected_carrier and level == Status.INCONCLUSIVE and not all(c in PLP for c in classes):
            level = Status.NEGATIVE  # a VUS an unaffected parent also carries: listed, not reportable
        if meets and all(c in PLP for c in classes) and level == Status.INCONCLUSIVE:
            if not qc_ok:
                note += "; calls fail QC (" + ",".join(sorted({x for v in vs for x in v.qc_flags})) + "): confirm first"
            if not frequency_ok:
                note += "; population frequency not checked (no population resource configured): check it first"
        fit = _diseases_for(gene, moi)
        if fit and f != Finding.NONE:
            note += f"; {fit}"
        result.append(GeneFinding(gene, f, moi.value, vs, meets, level, note))
    return result


_LEVEL_ORDER = {Status.POSITIVE: 0, Status.INCONCLUSIVE: 1, Status.NEGATIVE: 2}
_FINDING_ORDER = {f: i for i, f in enumerate((Finding.DE_NOVO, Finding.AR_COMPOUND_HET, Finding.AR_HOM, Finding.XL_HEMI,
                                              Finding.AD_HET, Finding.XL_HET_FEMALE, Finding.AR_POSSIBLE_COMPOUND_HET,
                                              Finding.AR_SINGLE_HET, Finding.NONE))}  # fmt: skip


def _finding_key(f: GeneFinding) -> tuple[Any, ...]:
    """Ranking: level, then how well the genotype meets the inheritance, the classification points, the
    patient's clinical picture (immunology features agreeing minus contradicting, suspected IUIS category),
    ClinVar stars; ties by gene symbol and position."""
    points = sum(v.classification.points for v in f.variants)
    pheno = max(_phenotype_score(v) for v in f.variants)
    stars = max((v.av.clinvar.stars or 0) if v.av.clinvar else 0 for v in f.variants)
    first = f.variants[0].av.variant
    return (_LEVEL_ORDER[f.level], 0 if f.meets else 1, _FINDING_ORDER[f.finding], -points, -pheno, -stars,
            f.gene.symbol, first.pos, first.alt)


def _phenotype_score(c: Candidate) -> int:
    agree, contra, category = c.phenotype
    return len(agree) - len(contra) + (2 if category else 0)


def _oligogenic(findings: Sequence[GeneFinding], proband: str) -> list[dict[str, Any]]:
    """Heterozygous qualifying variants in two or more genes of one IUIS subcategory (possible oligogenic
    inheritance; never a positive result)."""
    by_sub: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        for v in f.variants:
            gt = v.av.genotype_of(proband)
            if gt is None or gt.zygosity(haploid_region=v.av.haploid_region) != Zygosity.HET:
                continue
            for sub in f.gene.iuis_subcategories:
                if v.av.variant.key not in by_sub[sub][f.gene.symbol]:
                    by_sub[sub][f.gene.symbol].append(v.av.variant.key)
    return [{"subcategory": sub, "genes": sorted(genes), "variants": [k for g in sorted(genes) for k in genes[g]]}
            for sub, genes in sorted(by_sub.items()) if len(genes) >= 2]


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
    build = str(thresholds.get("genome_build", "GRCh38"))
    min_stars = int(thresholds["resources"]["clinvar"]["min_review_stars"])
    per_gene: dict[str, list[Candidate]] = defaultdict(list)
    assessed: dict[str, dict[str, Any]] = {}
    min_vus = int(thresholds["triage"]["min_vus_points"])
    for av in variants:
        gt = av.genotype_of(family.proband)
        if gt is None or gt.alt_count == 0:
            continue
        gene = panel_genes[av.hgnc_id]
        cls = classify(av, gene, acmg, min_stars=min_stars, family=family, de_novo=is_de_novo(av, family))
        assessed[f"{av.variant.key}:{gene.symbol}"] = {
            "gene": gene.symbol, "acmg_class": cls.acmg_class, "acmg_points": cls.points, "criteria": cls.codes,
            "consequence": "&".join(av.consequence.so_terms) if av.consequence else "",
            "reason": _not_qualifying_reason(av, cls, min_vus)}  # fmt: skip
        if not _qualifies(av, cls, min_vus):
            continue
        qc = tuple(genotype_checks(av.variant, gt, qc_t, haploid=av.haploid_region))
        per_gene[av.hgnc_id].append(
            Candidate(av, gene, cls, qc, Finding.NONE, gene.moi.value, False, "", _phenotype(case, gene))
        )
    findings = [f for hgnc, cands in sorted(per_gene.items())
                for f in _gene_findings(panel_genes[hgnc], cands, family, sex, build)]  # fmt: skip
    findings.sort(key=_finding_key)
    candidates = _rank_candidates(findings)
    reportable = [f for f in findings if f.level != Status.NEGATIVE]
    oligo = _oligogenic([f for f in reportable if f.level == Status.INCONCLUSIVE], family.proband)
    if any(f.level == Status.POSITIVE for f in reportable):
        top = next(f for f in reportable if f.level == Status.POSITIVE)
        reason = f"{top.finding} in {top.gene.symbol}: " + ", ".join(
            f"{v.av.variant.key} ({v.classification.acmg_class})" for v in top.variants)
        status, oligo = Status.POSITIVE, []
    elif reportable:
        top = reportable[0]
        classes = "/".join(v.classification.acmg_class for v in top.variants)
        reason = f"{top.finding} in {top.gene.symbol} ({classes}): {top.explanation}"
        if oligo:
            reason += ("; possible oligogenic explanation (not a diagnosis): heterozygous variants in "
                       + "; ".join(f"{', '.join(o['genes'])} ({o['subcategory']})" for o in oligo))
        status = Status.INCONCLUSIVE
    else:
        status, reason = Status.NEGATIVE, f"no qualifying variant in the {len(panel_genes)} panel genes"
    for c in candidates:
        assessed[f"{c.av.variant.key}:{c.gene.symbol}"]["reason"] = (
            f"kept: candidate {c.rank}, {c.finding} ({'meets' if c.meets else 'does not meet'} {c.moi})")
    return TriageResult(status, reason, reportable, candidates, n_variants=len(variants), oligogenic=oligo,
                        assessed=assessed)


def _rank_candidates(findings: Sequence[GeneFinding]) -> list[Candidate]:
    """One row per variant, with its best finding, in finding order; rank 1 first."""
    seen: dict[str, Candidate] = {}
    for f in findings:
        for v in f.variants:
            key = f"{v.av.variant.key}:{v.gene.hgnc_id}"
            if key not in seen:
                seen[key] = replace(v, finding=f.finding, moi=f.moi, meets=f.meets, note=f.explanation)
    return [replace(c, rank=i) for i, c in enumerate(seen.values(), start=1)]
