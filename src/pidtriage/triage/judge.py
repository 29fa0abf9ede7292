"""From annotated variants to ranked candidates, findings and the case status.

Each proband variant is classified (acmg), qualifies or not (`_qualifies`), passes or fails genotype QC (a hard
failure lists it as a low-quality call, never a finding), and is judged per gene under each of the gene's modes
of inheritance (inheritance/*, each disease entry with its own mechanism). What a finding makes the case, and
the case status, are decided in `pidtriage.triage.decision` (DESIGN.md, "Case status").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial

from pidtriage.acmg.classify import Classification, classify, with_criteria
from pidtriage.acmg.clinvar import clinvar_reportable
from pidtriage.acmg.segregation import bs2_family, pm3
from pidtriage.annotate.consequence import intron_offset, utr_distance
from pidtriage.genome import in_par
from pidtriage.inheritance.dominant import dominant_finding
from pidtriage.inheritance.family import Family, ModelResult, is_de_novo, phase_of_pair
from pidtriage.inheritance.recessive import recessive_findings
from pidtriage.inheritance.xlinked import xlinked_finding
from pidtriage.models import (
    AcmgClass,
    AnnotatedVariant,
    CaseInfo,
    Criterion,
    Finding,
    Outcome,
    Sex,
    Status,
    VariantKey,
    Zygosity,
)
from pidtriage.panel.model import Disease, Moi, PanelGene
from pidtriage.qc.genotype import failure_words, genotype_checks
from pidtriage.result.case_result import Oligogenic
from pidtriage.settings import AcmgThresholds, CaseSettings, RankingSettings
from pidtriage.sv.evidence import sv_checks
from pidtriage.triage.decision import Scope, case_status, finding_level
from pidtriage.triage.findings import Assessment, Candidate, GeneFinding, TriageResult, population_unchecked
from pidtriage.triage.next_steps import second_hit_plausible
from pidtriage.triage.phenotype import HpoContext, PhenotypeMatch
from pidtriage.triage.ranking import (
    ImmunoBackground,
    finding_key,
    phenotype_log10_lr,
    phenotype_match,
    rank_candidates,
)

__all__ = ["triage_case"]


def _qualifies(av: AnnotatedVariant, cls: Classification, min_vus_points: int = 1, reportable: str = "") -> bool:
    """P/LP (automated, or reportable on ClinVar's word) always; a VUS with at least `min_vus_points` only when
    it alters the protein (impact HIGH/MODERATE) or a canonical splice site, or sits in a splice region with a
    SpliceAI prediction meeting PP3. Rare variants whose effect cannot be judged are weighed apart
    (`_unjudged_effect`); variants without a consequence and not P/LP are not candidates."""
    if cls.acmg_class.is_pathogenic or reportable:
        return True
    if cls.acmg_class != "VUS" or av.consequence is None or cls.points < min_vus_points:
        return False
    c = av.consequence
    if c.impact in ("HIGH", "MODERATE"):
        return True
    return any("splice" in t for t in c.so_terms) and _met_in(cls, "PP3")


_SPLICE_REGION = frozenset({"splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant",
                            "splice_polypyrimidine_tract_variant"})  # fmt: skip
_UTR = frozenset({"5_prime_UTR_variant", "3_prime_UTR_variant"})
_RETAINED = frozenset({"start_retained_variant", "stop_retained_variant"})


def _met_in(cls: Classification, code: str) -> bool:
    return any(x.base == code and x.met for x in cls.criteria)


def _unjudged_effect(av: AnnotatedVariant, cls: Classification, max_distance: int) -> str:
    """Why a rare VUS's effect cannot be judged, or "": a splice-region variant (exonic or intronic, synonymous
    ones included), an intronic variant within `max_distance` bp of an exon, a start/stop-retained variant, or a
    UTR variant within `max_distance` bp of the start or stop codon, when no splice prediction was read (PP3 or
    BP4 from SpliceAI would have judged it) and the variant is shown to be rare (PM2 met: without a population
    resource, homozygous intronic polymorphisms near splice sites would all look like candidates). Such a variant is
    a low-prior candidate (ranking.variant_probability), kept when the genotype or the phenotype points to its gene
    (`_keeps_unjudged`)."""
    c = av.consequence
    if c is None or cls.acmg_class != AcmgClass.VUS or _met_in(cls, "PP3") or _met_in(cls, "BP4"):
        return ""
    if not _met_in(cls, "PM2"):
        return ""
    terms = set(c.so_terms)
    offset, utr = intron_offset(c.hgvs_c), utr_distance(c.hgvs_c)
    if terms & _SPLICE_REGION or (offset is not None and offset <= max_distance and "intron_variant" in terms):
        where = f"c. intron offset {offset}" if offset is not None else "splice region"
        return f"{'&'.join(c.so_terms)} ({where}): splice prediction not available"
    if terms & _RETAINED or (terms & _UTR and utr is not None and utr <= max_distance):
        where = f", {utr} bp from the coding sequence" if utr is not None else ""
        return f"{'&'.join(c.so_terms)}{where}: effect not predicted"
    return ""


def _keeps_unjudged(gt_zygosity: Zygosity, gene: PanelGene, pheno_log10_lr: float | None) -> bool:
    """A rare variant of unjudged effect is a candidate when its genotype completes the gene's inheritance alone
    (homozygous in a recessive gene, hemizygous in an X-linked one) and the phenotype does not argue against the
    gene (log10 LR >= 0, or unknown), or when the patient's phenotype fits the gene (log10 LR > 0). It is also
    kept as the possible second hit of a recessive pair (`_with_partners`)."""
    recessive = gene.moi in (Moi.AR, Moi.AD_AR, Moi.UNKNOWN) or gene.moi.is_x_linked
    completes = gt_zygosity in (Zygosity.HOM, Zygosity.HEMI) and recessive
    if completes and (pheno_log10_lr is None or pheno_log10_lr >= 0):
        return True
    return pheno_log10_lr is not None and pheno_log10_lr > 0


def _not_qualifying_reason(av: AnnotatedVariant, cls: Classification, min_vus_points: int) -> str:
    if cls.acmg_class in (AcmgClass.LB, AcmgClass.B):
        return f"dropped: {cls.acmg_class} ({cls.codes or 'no criteria'})"
    if av.consequence is None:
        return "dropped: no consequence annotation and not P/LP"
    if cls.acmg_class == "VUS" and cls.points < min_vus_points:
        return f"dropped: VUS with {cls.points} point(s) < triage.min_vus_points {min_vus_points}"
    return f"dropped: VUS with a {'&'.join(av.consequence.so_terms)} consequence (not protein-altering, no splice prediction)"


def _reportable(av: AnnotatedVariant, cls: Classification, min_stars: int) -> str:
    """The basis on which a variant is reportable: its automated class, or a ClinVar assertion; "" if neither."""
    if cls.acmg_class.is_pathogenic:
        return f"automated ACMG/AMP {cls.acmg_class} ({cls.points} points)"
    return clinvar_reportable(av, cls.criteria, min_stars=min_stars)


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


def _entries(gene: PanelGene, moi: Moi) -> tuple[Disease, ...]:
    """The gene's disease entries a finding under `moi` is judged for (all of them when none fits)."""
    fit = tuple(d for d in gene.diseases if d.moi == moi or d.moi == Moi.AD_AR
                or (moi.is_x_linked and d.moi.is_x_linked))  # fmt: skip
    return fit or gene.diseases


def _diseases_for(gene: PanelGene, moi: Moi) -> str:
    """Which of the gene's diseases (and mechanisms) a finding under `moi` fits, for genes with several."""
    fit = [d for d in gene.diseases if d.moi == moi or (moi in (Moi.AR, Moi.AD) and d.moi == Moi.AD_AR)]
    if not fit or len(fit) == len(gene.diseases):
        return ""
    return "fits " + "; ".join(f"{d.label} ({d.moi}, {d.mechanism})" for d in fit)


Reclassify = Callable[[Candidate, Sequence[Criterion], "tuple[Disease, ...] | None"], Candidate]


def _with_pm3(cands: list[Candidate], family: Family, reclassify: Reclassify) -> list[Candidate]:
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
            crit = pm3(phase_of_pair(c.av, other.av, family), other.classification.acmg_class, other.av.variant.key,
                       other_reportable=bool(other.reportable))
            if crit.outcome == Outcome.MET and (best is None or crit.points > best.points):
                best = crit
        out.append(reclassify(c, [best], None) if best else c)
    return out


def _single_het_advice(c: Candidate) -> str:
    """What a single heterozygous variant in a recessive gene may be: the cause, where PanelApp reports monoallelic
    disease for the gene too; else a carrier, or half of a pair whose other half was not seen."""
    if c.gene.monoallelic_also_reported:
        return ("or the cause on its own: PanelApp also reports disease from a single changed copy of this gene "
                "(monoallelic), though the panel lists it as recessive. Compare the patient with that form, test the "
                "parents (a de novo variant would support it), and look for a second variant")
    p = c.phenotype
    hpo_fits = [label for _, label in p.hpo.fits] if p.hpo and p.hpo.annotated and p.hpo.score > 0 else []
    if second_hit_plausible(c):
        why = (f"the patient's immunology matches ({', '.join(p.agree)})" if p.agree and not p.contradict
               else f"the patient's features fit this gene ({', '.join(hpo_fits[:4])})" if hpo_fits
               else "the suspected IUIS category matches this gene")
        return (f"a second, unseen variant is plausible: {why}. Look for it: CNV analysis (exon deletions), deep "
                "intronic and regulatory variants, RNA studies, and test the parents")
    return ("most likely a carrier: heterozygous carriers of recessive PID variants are common; pursue a second hit "
            "only if the clinical picture fits this gene")


def _model_results(gene: PanelGene, moi: Moi, pool: list[Candidate], family: Family, sex: Sex) -> list[ModelResult]:
    if moi.is_x_linked:
        return [xlinked_finding(c.av, family, sex, gene.moi) for c in pool]
    if moi == Moi.AD:
        return [dominant_finding(c.av, family, fully_penetrant=gene.penetrance == "Complete") for c in pool]
    return recessive_findings([c.av for c in pool], family)


def _gene_findings(gene: PanelGene, cands: list[Candidate], family: Family, sex: Sex, build: str,
                   reclassify: Reclassify) -> list[GeneFinding]:
    """The gene's findings under each of its modes of inheritance, each judged for its own disease entries
    (a frameshift is PVS1 evidence for an AR loss-of-function entry, not for an AD gain-of-function one)."""
    result = []
    mois = _mois(gene, build)
    for moi in mois:
        pool = [reclassify(c, [], _entries(gene, moi)) for c in cands] if len(mois) > 1 else list(cands)
        if moi == Moi.AR:
            pool = _with_pm3(pool, family, reclassify)
        by_key = {c.av.variant.key: c for c in pool}
        for r in _model_results(gene, moi, pool, family, sex):
            vs = tuple(by_key[a.variant.key] for a in r.variants)
            if r.against:
                vs = tuple(v if _met(v, "BS2") else reclassify(v, [bs2_family(r.against)], None) for v in vs)
            note = r.note
            if r.finding == Finding.AR_SINGLE_HET:
                joiner = "; " if gene.monoallelic_also_reported else ": "
                note = f"{note}{joiner}{_single_het_advice(vs[0])}"
            if moi == Moi.AR and _is_pseudoautosomal(gene, build):
                note += " (pseudoautosomal gene: two copies in both sexes)"
            level = finding_level(r.finding, r.meets, [v.evidence() for v in vs],
                                  unaffected_carrier=r.unaffected_carrier)
            if r.meets and all(v.reportable for v in vs) and level == Status.INCONCLUSIVE:
                flags = sorted({x for v in vs for x in v.qc_flags})
                if flags:
                    note += "; calls fail QC (" + ",".join(flags) + "): confirm first"
                if any(population_unchecked(v) for v in vs):
                    note += "; population frequency not checked (no population resource configured): check it first"
            fit = _diseases_for(gene, moi)
            if fit and r.finding != Finding.NONE:
                note += f"; {fit}"
            result.append(GeneFinding(gene, r.finding, moi, vs, r.meets, level, note, r.against))
    return result


def _met(c: Candidate, code: str) -> bool:
    return any(x.base == code and x.met for x in c.classification.criteria)


def _oligogenic(findings: Sequence[GeneFinding], proband: str) -> list[Oligogenic]:
    """Heterozygous qualifying variants in two or more genes of one IUIS subcategory (possible oligogenic
    inheritance; never a positive result)."""
    by_sub: dict[str, dict[str, list[VariantKey]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        for v in f.variants:
            gt = v.av.genotype_of(proband)
            if gt is None or gt.zygosity(haploid_region=v.av.haploid_region) != Zygosity.HET:
                continue
            for sub in f.gene.iuis_subcategories:
                if v.av.variant.key not in by_sub[sub][f.gene.symbol]:
                    by_sub[sub][f.gene.symbol].append(v.av.variant.key)
    return [Oligogenic(subcategory=sub, genes=tuple(sorted(genes)),
                       variants=tuple(k for g in sorted(genes) for k in genes[g]))
            for sub, genes in sorted(by_sub.items()) if len(genes) >= 2]


@dataclass(frozen=True)
class _Judge:
    """How the variants of one case are classified: the ACMG thresholds, the ClinVar stars and the family."""

    acmg: AcmgThresholds
    min_stars: int
    family: Family
    clinvar_configured: bool

    def classify(self, av: AnnotatedVariant, gene: PanelGene, diseases: tuple[Disease, ...] | None = None
                 ) -> Classification:
        if av.structural is not None:  # a deletion or duplication: its CNV points (pidtriage.sv.evidence)
            sv = av.structural
            return Classification(sv.acmg_class, round(sv.points * 10), sv.criteria,
                                  rules_source="ClinGen/ACMG CNV points (Riggs et al. 2020)")
        return classify(av, gene, self.acmg, min_stars=self.min_stars, family=self.family,
                        de_novo=is_de_novo(av, self.family), diseases=diseases,
                        clinvar_configured=self.clinvar_configured)

    def reclassify(self, c: Candidate, extra: Sequence[Criterion], diseases: tuple[Disease, ...] | None) -> Candidate:
        """The candidate judged for some disease entries only, and/or with criteria found later (PM3, BS2). An SV
        call keeps its CNV classification (the SNV criteria are another scale); the finding records the family's
        evidence against it."""
        if c.av.structural is not None:
            return c
        cls = c.classification if diseases is None else self.classify(c.av, c.gene, diseases)
        cls = with_criteria(cls, extra, self.acmg["class_min_points"])
        return replace(c, classification=cls, reportable=_reportable(c.av, cls, self.min_stars))


def triage_case(
    variants: Sequence[AnnotatedVariant],
    *,
    case: CaseInfo,
    family: Family,
    sex: Sex,
    panel_genes: Mapping[str, PanelGene],
    thresholds: CaseSettings,
    scope: Scope | None = None,
    hpo: HpoContext | None = None,
) -> TriageResult:
    """Candidates, findings and status of one case. `scope` (what could be assessed) defaults to a full one;
    `hpo` (the case's HPO terms in context) enters the ranking when the case has terms."""
    build = str(thresholds.get("genome_build", "GRCh38"))
    judge = _Judge(thresholds["acmg"], int(thresholds["resources"]["clinvar"]["min_review_stars"]), family,
                   scope is None or bool(scope.clinvar))
    background = ImmunoBackground.from_genes(panel_genes.values()) if case.immunophenotype else None
    per_gene, assessed, low_quality = _candidates(variants, judge, case, panel_genes, thresholds, hpo, background)
    findings = [f for hgnc, cands in sorted(per_gene.items())
                for f in _gene_findings(panel_genes[hgnc], cands, family, sex, build, judge.reclassify)
                if not all(v.partner_only for v in f.variants)]  # fmt: skip
    findings.sort(key=partial(finding_key, settings=thresholds["ranking"]))
    candidates = rank_candidates(findings, thresholds["ranking"])
    reportable_findings = [f for f in findings if f.level != Status.NEGATIVE]
    lq_keys = tuple(f"{c.gene.symbol} {c.av.variant.key} ({failure_words(c.hard_qc_flags)})" for c in low_quality)
    scope = replace(scope or Scope.unchecked(), low_quality_calls=lq_keys)
    status = case_status([f.level for f in reportable_findings], scope=scope)
    oligo = _oligogenic([f for f in reportable_findings if f.level == Status.INCONCLUSIVE], family.proband)
    for c in candidates:
        key = (c.av.variant.key, c.gene.symbol)
        assessed[key] = replace(assessed[key], reason=(
            f"kept: candidate {c.rank}, {c.finding} ({'meets' if c.meets else 'does not meet'} {c.moi})"))
    return TriageResult(status, reportable_findings, candidates,
                        oligogenic=[] if status == Status.POSITIVE else oligo, assessed=assessed,
                        low_quality=low_quality, scope=scope)


def _candidates(variants: Sequence[AnnotatedVariant], judge: _Judge, case: CaseInfo,
                panel_genes: Mapping[str, PanelGene], thresholds: CaseSettings, hpo: HpoContext | None = None,
                background: ImmunoBackground | None = None
                ) -> tuple[dict[str, list[Candidate]], dict[tuple[VariantKey, str], Assessment], list[Candidate]]:
    """The proband's candidate variants by gene, what was assessed of every variant, and the candidate calls that
    fail hard genotype QC (never findings). A candidate qualifies (`_qualifies`), or is a rare variant of
    unjudged effect whose genotype or phenotype points to its gene (`_unjudged_effect`, `_keeps_unjudged`), or is
    kept as the possible second hit of a recessive gene that has another candidate (`_with_partners`)."""
    min_vus = int(thresholds["triage"]["min_vus_points"])
    max_distance = int(thresholds["triage"]["max_splice_distance"])
    ranking: RankingSettings = thresholds["ranking"]
    per_gene: dict[str, list[Candidate]] = defaultdict(list)
    partners: dict[str, list[Candidate]] = defaultdict(list)
    assessed: dict[tuple[VariantKey, str], Assessment] = {}
    low_quality: list[Candidate] = []
    for av in variants:
        gt = av.genotype_of(judge.family.proband)
        if gt is None or gt.alt_count == 0:
            continue
        gene = panel_genes[av.hgnc_id]
        cls = judge.classify(av, gene)
        reportable = _reportable(av, cls, judge.min_stars)
        key = (av.variant.key, gene.symbol)
        assessed[key] = Assessment(gene.symbol, cls.acmg_class, cls.points, cls.codes,
                                   "&".join(av.consequence.so_terms) if av.consequence else "",
                                   _not_qualifying_reason(av, cls, min_vus))
        pheno = phenotype_match(case, gene, hpo, background=background, settings=ranking)
        unjudged, partner = "", False
        if not _qualifies(av, cls, min_vus, reportable):
            zygosity = gt.zygosity(haploid_region=av.haploid_region)
            unjudged = _unjudged_effect(av, cls, max_distance)
            if unjudged and _keeps_unjudged(zygosity, gene, _phenotype_evidence(pheno, ranking)):
                pass
            elif _may_be_second_hit(av, cls, gene, zygosity, unjudged):
                partner = True
                assessed[key] = replace(assessed[key], reason=assessed[key].reason
                                        + "; kept aside as a possible second hit in a recessive gene")
            else:
                if unjudged:
                    assessed[key] = replace(assessed[key], reason=(f"dropped: rare, {unjudged}; neither the genotype "
                                                                   f"nor the phenotype points to {gene.symbol}"))
                continue
        qc = (sv_checks(av.structural, gt, thresholds["sv"]) if av.structural is not None
              else tuple(genotype_checks(av.variant, gt, thresholds["qc"], haploid=av.haploid_region)))
        cand = Candidate(av, gene, cls, qc, Finding.NONE, gene.moi, False, "", pheno, reportable=reportable,
                         unjudged_effect=unjudged, partner_only=partner)
        if cand.hard_qc_flags:
            flags = ",".join(cand.hard_qc_flags)
            if partner:  # not listed to confirm: it would matter only as the second hit of a pair
                assessed[key] = replace(assessed[key], reason=f"low-quality call ({flags}): not kept as a possible "
                                                              "second hit")
                continue
            low_quality.append(cand)
            assessed[key] = replace(assessed[key], reason=f"low-quality call ({flags}): not a finding; confirm by "
                                                          "another method")
            continue
        (partners if partner else per_gene)[av.hgnc_id].append(cand)
    return _with_partners(per_gene, partners, assessed), assessed, low_quality


def _phenotype_evidence(p: PhenotypeMatch, ranking: RankingSettings) -> float | None:
    """The log10 LR of the patient's HPO terms and immunophenotype for the gene, None when neither could be
    compared (no terms, or a gene without HPO annotation, and no immunology feature its entry states)."""
    hpo_known = p.hpo is not None and p.hpo.annotated
    if not hpo_known and not (p.agree or p.contradict):
        return None
    return phenotype_log10_lr(replace(p, category=False), ranking)


def _may_be_second_hit(av: AnnotatedVariant, cls: Classification, gene: PanelGene, zygosity: Zygosity,
                       unjudged: str) -> bool:
    """A heterozygous VUS in a gene with a recessive mode, whatever its points (seen in the population, no
    prediction), that alters the protein (HIGH/MODERATE impact), touches a splice site, or is a rare variant of
    unjudged effect: it may complete a pair with another candidate of the gene."""
    recessive = gene.moi in (Moi.AR, Moi.AD_AR, Moi.UNKNOWN) or gene.moi.is_x_linked
    c = av.consequence
    damaging = c is not None and (c.impact in ("HIGH", "MODERATE") or any("splice" in t for t in c.so_terms))
    return (recessive and zygosity == Zygosity.HET and cls.acmg_class == AcmgClass.VUS
            and (damaging or bool(unjudged)))  # fmt: skip


def _with_partners(per_gene: dict[str, list[Candidate]], partners: Mapping[str, list[Candidate]],
                   assessed: dict[tuple[VariantKey, str], Assessment]) -> dict[str, list[Candidate]]:
    """A variant that does not qualify alone is always kept as the possible second hit of a recessive gene that
    has another candidate; in a gene without one it is dropped (said in `assessed`)."""
    for hgnc, kept in partners.items():
        for c in kept:
            if per_gene.get(hgnc):
                per_gene[hgnc].append(c)
            else:
                key = (c.av.variant.key, c.gene.symbol)
                assessed[key] = replace(assessed[key], reason=assessed[key].reason.replace(
                    "kept aside as a possible second hit in a recessive gene", "no other candidate in the gene to pair with"))
    return per_gene
