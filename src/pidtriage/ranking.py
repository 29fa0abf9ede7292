"""The order of findings and candidates (DESIGN.md: genetic evidence first, then the patient's phenotype).

A finding's key: its level (positive, inconclusive, negative; decision.finding_level), whether the genotype meets
the inheritance, the kind of finding, the classification points, the patient's clinical picture (IUIS
immunophenotype features agreeing minus contradicting, the suspected IUIS category), ClinVar stars; ties by gene
symbol and position. A P/LP finding is never outranked by a VUS: the level comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from pidtriage.findings import Candidate, GeneFinding
from pidtriage.models import CaseInfo, Finding, Status
from pidtriage.panel.features import match_features, parse_features
from pidtriage.panel.model import PanelGene

__all__ = ["finding_key", "phenotype_match", "rank_candidates"]


_LEVEL_ORDER = {Status.POSITIVE: 0, Status.INCONCLUSIVE: 1, Status.NEGATIVE: 2}
_FINDING_ORDER = {f: i for i, f in enumerate((Finding.DE_NOVO, Finding.AR_COMPOUND_HET, Finding.AR_HOM, Finding.XL_HEMI,
                                              Finding.AD_HET, Finding.XL_HET_FEMALE, Finding.AR_POSSIBLE_COMPOUND_HET,
                                              Finding.AR_SINGLE_HET, Finding.NONE))}  # fmt: skip


def phenotype_match(case: CaseInfo, gene: PanelGene) -> tuple[tuple[str, ...], tuple[str, ...], bool]:
    patient = parse_features(case.immunophenotype) if case.immunophenotype else {}
    best: tuple[list[str], list[str]] = ([], [])
    for d in gene.diseases:
        if patient and d.immunophenotype:
            agree, contra = match_features(patient, parse_features(d.immunophenotype))
            if len(agree) - len(contra) > len(best[0]) - len(best[1]) or (not best[0] and not best[1]):
                best = (agree, contra)
    category = bool(set(case.suspected_category) & set(gene.iuis_tables))
    return tuple(best[0]), tuple(best[1]), category


def finding_key(f: GeneFinding, *, category_points: int) -> tuple[Any, ...]:
    """Ranking: level, then how well the genotype meets the inheritance, the classification points, the
    patient's clinical picture (immunology features agreeing minus contradicting, suspected IUIS category),
    ClinVar stars; ties by gene symbol and position."""
    points = sum(v.classification.points for v in f.variants)
    pheno = max(phenotype_score(v, category_points=category_points) for v in f.variants)
    stars = max((v.av.clinvar.stars or 0) if v.av.clinvar else 0 for v in f.variants)
    first = f.variants[0].av.variant
    return (_LEVEL_ORDER[f.level], 0 if f.meets else 1, _FINDING_ORDER[f.finding], -points, -pheno, -stars,
            f.gene.symbol, first.pos, first.alt)


def phenotype_score(c: Candidate, *, category_points: int) -> int:
    """Immunophenotype features agreeing minus contradicting, plus `triage.category_match_points` when the
    suspected IUIS category is one of the gene's."""
    agree, contra, category = c.phenotype
    return len(agree) - len(contra) + (category_points if category else 0)


def rank_candidates(findings: Sequence[GeneFinding]) -> list[Candidate]:
    """One row per variant, with its best finding, in finding order; rank 1 first."""
    seen: dict[str, Candidate] = {}
    for f in findings:
        for v in f.variants:
            key = f"{v.av.variant.key}:{v.gene.hgnc_id}"
            if key not in seen:
                seen[key] = replace(v, finding=f.finding, moi=f.moi, meets=f.meets, note=f.explanation)
    return [replace(c, rank=i) for i, c in enumerate(seen.values(), start=1)]
