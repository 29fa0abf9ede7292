"""The order of findings and candidates: genetic evidence first, then one calibrated score (DESIGN.md "Ranking").

Findings are ordered by, in this order:

1. their level (positive, inconclusive, negative; decision.finding_level);
2. their tier: a finding with a P/LP variant (automated, or reportable on ClinVar's word) before one without, so
   that a P/LP finding is never outranked by a VUS finding of the same level;
3. the combined score, higher first: the log10 odds that the finding explains the patient's disease,

       score = log10( P_genetic / (1 - P_genetic) ) + log10 LR_phenotype

   P_genetic = g(finding) x product of p_i over the variants the genotype needs (one for a heterozygous variant
   in a dominant gene, a homozygous or hemizygous variant, a de novo; both of a recessive pair):
   - p_i, a variant's probability of pathogenicity from its ACMG/AMP points, by the Bayesian framework the point
     system was derived from (Tavtigian et al. 2018, Genet Med 20:1054; 2020, Hum Mutat 41:1734): prior 0.10 and
     odds of pathogenicity 350^(points/8), so 6 points (LP) is 0.90 and 10 (P) 0.99; a variant reportable on
     ClinVar's word at least 0.99 (Pathogenic) or 0.90 (Likely pathogenic); a deletion or duplication by its CNV
     class (P 0.99, LP 0.90, VUS 0.10, LB 0.01, B 0.001); a variant whose effect could not be judged (splice
     region or near-splice intronic with no splice prediction, synonymous, UTR) times
     `ranking.unjudged_effect_prior`;
   - g(finding): 1 when the genotype meets the gene's inheritance; `ranking.unphased_pair_trans` for an unphased
     pair (the chance two rare heterozygous variants are in trans); `ranking.missed_second_hit` for a single
     heterozygous variant in a recessive gene (the chance the other allele was missed: deletions, deep intronic),
     `ranking.monoallelic_reported` instead when PanelApp reports monoallelic disease for the gene too;
     `ranking.manifesting_heterozygote` for a heterozygous female in an X-linked recessive gene; and
     `ranking.inheritance_not_met` when the family argues against it (an unaffected relative with the genotype);
   LR_phenotype = LR_HPO x LR_immunophenotype x LR_category:
   - LR_HPO: the gene's best disease's likelihood ratio for the patient's HPO terms (phenotype.hpo_fit); 1 when
     the case gives no terms or the gene has no HPO annotation ("phenotype unknown": neutral, never a penalty);
   - LR_immunophenotype: per immunology feature the patient gives and the gene's IUIS entry states,
     (1 - e) / P_bg when they agree and e / P_bg when they contradict, e = `ranking.immunophenotype_error`, P_bg
     the chance that a random panel disease's entry agrees with the patient's value (`immunophenotype_lr`);
   - LR_category: `ranking.category_match_lr` when the suspected IUIS category is one of the gene's, else 1.
4. ties (rare): the kind of finding, the points, the ClinVar stars, then the position. Never the gene symbol.

Candidates (one row per variant) take the order of their best finding (`rank_candidates`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from pidtriage.models import AcmgClass, CaseInfo, Finding, Status, VariantKey
from pidtriage.panel.features import FEATURE_KEYS, match_features, parse_features
from pidtriage.panel.model import PanelGene
from pidtriage.settings import RankingSettings
from pidtriage.triage.findings import Candidate, GeneFinding
from pidtriage.triage.phenotype import HpoContext, PhenotypeMatch

__all__ = ["ImmunoBackground", "finding_key", "finding_score", "immunophenotype_lr",
           "phenotype_log10_lr", "phenotype_match", "rank_candidates", "variant_probability"]


_LEVEL_ORDER = {Status.POSITIVE: 0, Status.INCONCLUSIVE: 1, Status.NEGATIVE: 2}
_FINDING_ORDER = {f: i for i, f in enumerate((Finding.DE_NOVO, Finding.AR_COMPOUND_HET, Finding.AR_HOM, Finding.XL_HEMI,
                                              Finding.AD_HET, Finding.XL_HET_FEMALE, Finding.AR_POSSIBLE_COMPOUND_HET,
                                              Finding.AR_SINGLE_HET, Finding.NONE))}  # fmt: skip
# Tavtigian et al. 2018: prior probability of pathogenicity 0.10, odds of pathogenicity of "very strong" 350
_PRIOR, _ODDS_VERY_STRONG, _POINTS_VERY_STRONG = 0.10, 350.0, 8
_CLINVAR_P = {"Pathogenic": 0.99, "Pathogenic/Likely_pathogenic": 0.99, "Likely_pathogenic": 0.90}
_SV_CLASS_P = {AcmgClass.P: 0.99, AcmgClass.LP: 0.90, AcmgClass.VUS: 0.10, AcmgClass.LB: 0.01, AcmgClass.B: 0.001}


@dataclass(frozen=True)
class ImmunoBackground:
    """For each immunology feature and patient value: the share of the panel's IUIS entries stating the feature
    whose statement agrees with that value (the denominator of the immunophenotype likelihood ratio)."""

    agree_share: Mapping[tuple[str, str], float]

    @classmethod
    def from_genes(cls, genes: Iterable[PanelGene]) -> ImmunoBackground:
        entries = [parse_features(d.immunophenotype) for g in genes for d in g.diseases if d.immunophenotype]
        shares: dict[tuple[str, str], float] = {}
        for key in FEATURE_KEYS:
            stating = [e for e in entries if key in e]
            for value in ("absent", "low", "normal", "high"):
                agreeing = sum(1 for e in stating if match_features({key: {value}}, {key: e[key]})[0])
                shares[(key, value)] = agreeing / len(stating) if stating else 0.5
        return cls(shares)


def immunophenotype_lr(agree: Sequence[str], contradict: Sequence[str], background: ImmunoBackground,
                       error: float) -> float:
    """The module docstring's LR_immunophenotype for the features of one IUIS entry (labels `key=value|...`)."""
    log10 = 0.0
    for labels, p_disease in ((agree, 1.0 - error), (contradict, error)):
        for label in labels:
            key, values = label.split("=", 1)
            share = max(background.agree_share.get((key, v), 0.5) for v in values.split("|"))
            p_bg = share * (1.0 - error) + (1.0 - share) * error
            log10 += math.log10(p_disease / p_bg)
    return log10


def phenotype_match(case: CaseInfo, gene: PanelGene, hpo: HpoContext | None = None, *,
                    background: ImmunoBackground | None = None, settings: RankingSettings | None = None
                    ) -> PhenotypeMatch:
    """The patient's picture against the gene: the IUIS entry whose immunophenotype fits best (its features and
    their log10 likelihood ratio), the category, and the HPO fit when the case has HPO terms."""
    patient = parse_features(case.immunophenotype) if case.immunophenotype else {}
    best: tuple[list[str], list[str]] = ([], [])
    best_lr = None
    error = settings["immunophenotype_error"] if settings else 0.1
    for d in gene.diseases:
        if patient and d.immunophenotype:
            agree, contra = match_features(patient, parse_features(d.immunophenotype))
            lr = (immunophenotype_lr(agree, contra, background, error) if background
                  else float(len(agree) - len(contra)))
            if best_lr is None or lr > best_lr:
                best, best_lr = (agree, contra), lr
    category = bool(set(case.suspected_category) & set(gene.iuis_tables))
    return PhenotypeMatch(tuple(best[0]), tuple(best[1]), category, hpo.fit(gene.hgnc_id) if hpo else None,
                          round(best_lr or 0.0, 4))


def phenotype_log10_lr(p: PhenotypeMatch, settings: RankingSettings) -> float:
    """log10 LR_phenotype of the module docstring."""
    hpo = p.hpo.score if p.hpo else 0.0
    category = math.log10(settings["category_match_lr"]) if p.category else 0.0
    return hpo + p.immunophenotype_log10_lr + category


def variant_probability(c: Candidate, settings: RankingSettings) -> float:
    """p_i of the module docstring."""
    cls = c.classification
    if c.av.structural is not None:
        p = _SV_CLASS_P[cls.acmg_class]
    else:
        odds = _ODDS_VERY_STRONG ** (cls.points / _POINTS_VERY_STRONG) * _PRIOR / (1 - _PRIOR)
        p = odds / (1 + odds)
    if c.reportable and c.av.clinvar is not None:
        p = max(p, _CLINVAR_P.get(c.av.clinvar.significance, 0.90))
    if c.unjudged_effect:
        p *= settings["unjudged_effect_prior"]
    return min(max(p, 1e-6), 1 - 1e-6)


def _genotype_factor(f: GeneFinding, settings: RankingSettings) -> float:
    if f.against:
        return settings["inheritance_not_met"]
    if f.finding == Finding.AR_POSSIBLE_COMPOUND_HET:
        return settings["unphased_pair_trans"]
    if f.finding == Finding.AR_SINGLE_HET:
        return settings["monoallelic_reported" if f.gene.monoallelic_also_reported else "missed_second_hit"]
    if f.finding == Finding.XL_HET_FEMALE and not f.meets:
        return settings["manifesting_heterozygote"]
    return 1.0 if f.meets else settings["inheritance_not_met"]


def finding_score(f: GeneFinding, settings: RankingSettings) -> float:
    """The combined score of the module docstring (log10 odds)."""
    p = _genotype_factor(f, settings)
    for v in f.variants:
        p *= variant_probability(v, settings)
    p = min(max(p, 1e-9), 1 - 1e-9)
    pheno = max(phenotype_log10_lr(v.phenotype, settings) for v in f.variants)
    return round(math.log10(p / (1 - p)) + pheno, 4)


def _tier(f: GeneFinding) -> int:
    return 0 if any(v.classification.acmg_class.is_pathogenic or v.reportable for v in f.variants) else 1


def finding_key(f: GeneFinding, settings: RankingSettings) -> tuple[Any, ...]:
    """The ranking key of the module docstring."""
    points = sum(v.classification.points for v in f.variants)
    stars = max((v.av.clinvar.stars or 0) if v.av.clinvar else 0 for v in f.variants)
    first = f.variants[0].av.variant
    return (_LEVEL_ORDER[f.level], _tier(f), -finding_score(f, settings), _FINDING_ORDER[f.finding], -points,
            -stars, first.chrom, first.pos, first.ref, first.alt)


def rank_candidates(findings: Sequence[GeneFinding], settings: RankingSettings) -> list[Candidate]:
    """One row per variant, with its best finding (and that finding's score), in finding order; rank 1 first."""
    seen: dict[tuple[VariantKey, str], Candidate] = {}
    for f in findings:
        for v in f.variants:
            key = (v.av.variant.key, v.gene.hgnc_id)
            if key not in seen:
                seen[key] = replace(v, finding=f.finding, moi=f.moi, meets=f.meets, note=f.explanation,
                                    score=finding_score(f, settings))
    return [replace(c, rank=i) for i, c in enumerate(seen.values(), start=1)]
