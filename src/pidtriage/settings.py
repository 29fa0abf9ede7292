"""The config schema's threshold blocks as types, so that every threshold read is checked by mypy.

The schema (`data/config.schema.yaml`) stays the one source of the keys, defaults, descriptions and sources;
these TypedDicts give the same keys their Python types, and `tests/test_settings.py` checks that the two never
disagree (same keys, same types). Functions that decide take the block they need (`QcThresholds`,
`AcmgThresholds`) instead of an untyped mapping.
"""

from __future__ import annotations

from typing import Any, TypedDict, cast

__all__ = ["AcmgThresholds", "CaseSettings", "CoverageThresholds", "PhenotypeSettings", "QcThresholds",
           "RankingSettings", "TriageThresholds", "case_settings"]


class QcThresholds(TypedDict):
    require_pass: bool
    min_gq: int
    hard_min_gq: int
    min_dp: int
    hard_min_alt_reads: int
    min_het_allele_balance: float
    max_het_allele_balance: float
    hard_min_het_allele_balance: float
    hard_max_het_allele_balance: float
    min_x_calls_for_sex: int
    sex_bin_size: int
    max_male_x_het_fraction: float
    min_female_x_het_fraction: float
    sex_max_x_records: int
    sex_windows: int
    sex_window_size: int
    min_y_calls_for_male: int
    min_y_sites_for_female: int
    max_female_y_depth: float
    max_mendelian_error_rate: float
    min_sites_for_mendelian: int
    max_filtered_fraction: float
    min_calls_for_filter_check: int
    min_ti_tv: float
    min_snvs_for_ti_tv: int
    max_missing_fraction: float
    min_records_for_missing: int


class AcmgThresholds(TypedDict):
    ba1_min_af: float
    bs1_min_af: float
    pm2_max_af: float
    bs2_min_hom: int
    bs2_min_hemi: int
    revel_pp3: list[float]
    revel_bp4: list[float]
    cadd_pp3: list[float]
    cadd_bp4: list[float]
    spliceai_pp3: float
    spliceai_bp4: float
    class_min_points: dict[str, int]
    pvs1_min_removed_fraction: float
    bp7_intron_offset: dict[str, int]
    clinvar_points_by_stars: list[int]


class TriageThresholds(TypedDict):
    max_candidates: int
    min_vus_points: int
    max_splice_distance: int


class RankingSettings(TypedDict):
    """The combined ranking score's numbers (pidtriage.triage.ranking)."""

    unjudged_effect_prior: float
    unphased_pair_trans: float
    missed_second_hit: float
    monoallelic_reported: float
    manifesting_heterozygote: float
    inheritance_not_met: float
    immunophenotype_error: float
    category_match_lr: float


class PhenotypeSettings(TypedDict):
    """The HPO tables and the likelihood-ratio numbers of pidtriage.triage.phenotype."""

    hpo_terms: str
    gene_annotations: str
    unmatched_term_lr: float
    partial_match_factor: float
    related_term_lr: float
    max_partial_match_background: float


class CoverageThresholds(TypedDict):
    exons: str
    min_depth: int
    min_gene_fraction: float


class SvThresholds(TypedDict):
    max_size: int
    last_exon_min_fraction: float
    min_alt_reads: int
    min_gq: int
    common_af: float
    population_overlap: float
    region_overlap: float
    dosage: str
    regions: str


class CaseSettings(TypedDict):
    """What triage needs of the effective config."""

    genome_build: str
    qc: QcThresholds
    acmg: AcmgThresholds
    triage: TriageThresholds
    ranking: RankingSettings
    phenotype: PhenotypeSettings
    sv: SvThresholds
    resources: dict[str, Any]


def case_settings(values: dict[str, Any]) -> CaseSettings:
    """The effective config (already validated against the schema, defaults filled) seen through its types."""
    return cast(CaseSettings, values)
