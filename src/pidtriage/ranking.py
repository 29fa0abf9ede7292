"""The order of findings and candidates (DESIGN.md: genetic evidence first, then the patient's phenotype).

The ranking key of a finding, in this order:

1. its level (positive, inconclusive, negative; decision.finding_level): a P/LP finding is never outranked by a VUS;
2. whether the genotype meets the gene's inheritance;
3. the best ACMG class among its variants (P, LP, VUS, ...);
4. the phenotype score (`phenotype_score`, higher first): within one class, the phenotype orders the findings;
5. the kind of finding (de novo, compound heterozygous, homozygous, ... single heterozygous);
6. the classification points, then ClinVar stars; ties by gene symbol and position.

The phenotype score adds, in one number: the HPO fit (phenotype.hpo_fit, nats; 0 when the case has no HPO terms
or the gene no HPO annotation), one point per IUIS immunophenotype feature agreeing minus one per feature
contradicting (panel.features.match_features), and `triage.category_match_points` when the suspected IUIS
category is one of the gene's. A specific HPO match is worth 3-7 nats, a feature of the immunophenotype 1: the
HPO terms, when given, weigh most.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pidtriage.findings import Candidate, GeneFinding
from pidtriage.models import AcmgClass, CaseInfo, Finding, Status
from pidtriage.panel.features import match_features, parse_features
from pidtriage.panel.model import PanelGene
from pidtriage.phenotype import HpoContext, PhenotypeMatch

__all__ = ["finding_key", "phenotype_match", "phenotype_score", "rank_candidates"]


_LEVEL_ORDER = {Status.POSITIVE: 0, Status.INCONCLUSIVE: 1, Status.NEGATIVE: 2}
_CLASS_ORDER = {c: i for i, c in enumerate((AcmgClass.P, AcmgClass.LP, AcmgClass.VUS, AcmgClass.LB, AcmgClass.B))}
_FINDING_ORDER = {f: i for i, f in enumerate((Finding.DE_NOVO, Finding.AR_COMPOUND_HET, Finding.AR_HOM, Finding.XL_HEMI,
                                              Finding.AD_HET, Finding.XL_HET_FEMALE, Finding.AR_POSSIBLE_COMPOUND_HET,
                                              Finding.AR_SINGLE_HET, Finding.NONE))}  # fmt: skip


def phenotype_match(case: CaseInfo, gene: PanelGene, hpo: HpoContext | None = None) -> PhenotypeMatch:
    """The patient's picture against the gene: the disease entry whose immunophenotype fits best, the category,
    and the HPO fit when the case has HPO terms."""
    patient = parse_features(case.immunophenotype) if case.immunophenotype else {}
    best: tuple[list[str], list[str]] = ([], [])
    for d in gene.diseases:
        if patient and d.immunophenotype:
            agree, contra = match_features(patient, parse_features(d.immunophenotype))
            if len(agree) - len(contra) > len(best[0]) - len(best[1]) or (not best[0] and not best[1]):
                best = (agree, contra)
    category = bool(set(case.suspected_category) & set(gene.iuis_tables))
    return PhenotypeMatch(tuple(best[0]), tuple(best[1]), category, hpo.fit(gene.hgnc_id) if hpo else None)


def phenotype_score(c: Candidate, *, category_points: int) -> float:
    """The phenotype score of the module docstring."""
    p = c.phenotype
    return (p.hpo.score if p.hpo else 0.0) + len(p.agree) - len(p.contradict) + (category_points if p.category else 0)


def finding_key(f: GeneFinding, *, category_points: int) -> tuple[Any, ...]:
    """The ranking key of the module docstring."""
    best_class = min(_CLASS_ORDER[v.classification.acmg_class] for v in f.variants)
    points = sum(v.classification.points for v in f.variants)
    pheno = max(phenotype_score(v, category_points=category_points) for v in f.variants)
    stars = max((v.av.clinvar.stars or 0) if v.av.clinvar else 0 for v in f.variants)
    first = f.variants[0].av.variant
    return (_LEVEL_ORDER[f.level], 0 if f.meets else 1, best_class, -pheno, _FINDING_ORDER[f.finding], -points,
            -stars, f.gene.symbol, first.pos, first.alt)


def rank_candidates(findings: Sequence[GeneFinding]) -> list[Candidate]:
    """One row per variant, with its best finding, in finding order; rank 1 first."""
    seen: dict[str, Candidate] = {}
    for f in findings:
        for v in f.variants:
            key = f"{v.av.variant.key}:{v.gene.hgnc_id}"
            if key not in seen:
                seen[key] = replace(v, finding=f.finding, moi=f.moi, meets=f.meets, note=f.explanation)
    return [replace(c, rank=i) for i, c in enumerate(seen.values(), start=1)]
