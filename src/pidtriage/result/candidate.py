"""The parts of a case's result that describe one gene or one variant (see pidtriage.result.case_result, which
holds the whole `CaseResult` and names these too): a finding (`FindingResult`), a candidate (`CandidateResult`) with
its phenotype match and per-term HPO evidence, its diseases and its structural call."""

from __future__ import annotations

from dataclasses import dataclass, field

from pidtriage.io.jsonio import omit_none
from pidtriage.models import AcmgClass, Criterion, Finding, QcCheck, Status, VariantKey, Zygosity
from pidtriage.panel.model import Mechanism, Moi

__all__ = ["CandidateResult", "DiseaseResult", "FindingResult", "GeneMane", "HpoFitResult", "HpoTerm", "OmimEntry",
           "PhenotypeMatchResult", "StructuralCallResult", "TermResult"]

_FROZEN = {"frozen": True, "slots": True, "kw_only": True}


@dataclass(**_FROZEN)
class HpoTerm:
    id: str = ""
    label: str = ""


@dataclass(**_FROZEN)
class FindingResult:
    """A gene's genotype under one mode of inheritance: the finding, what it alone makes the case (`level`), its
    variants (keys as in the input) and their classes in this finding."""

    gene: str = ""
    hgnc_id: str = ""
    finding: Finding = Finding.NONE
    moi: Moi = Moi.UNKNOWN
    level: Status = Status.NEGATIVE
    meets_inheritance: bool = False
    explanation: str = ""
    variants: tuple[VariantKey, ...] = ()
    classes: tuple[AcmgClass, ...] = ()
    diseases: tuple[str, ...] = ()
    iuis_tables: tuple[str, ...] = ()
    against: tuple[str, ...] = ()
    first_seen: str | None = omit_none()
    last_changed: str | None = omit_none()


@dataclass(**_FROZEN)
class TermResult:
    """One patient term's likelihood ratio for the gene's best disease (phenotype.TermEvidence)."""

    id: str = ""
    label: str = ""
    observed: bool = True
    match: str = ""
    matched_id: str = ""
    matched_label: str = ""
    disease_frequency: float | None = None
    background_frequency: float = 0.0
    lr: float = 1.0


@dataclass(**_FROZEN)
class HpoFitResult:
    score: float = 0.0
    gene_annotated: bool = False
    disease_id: str = ""
    disease_name: str = ""
    fits: tuple[HpoTerm, ...] = ()
    against: tuple[HpoTerm, ...] = ()
    terms: tuple[TermResult, ...] = ()


@dataclass(**_FROZEN)
class PhenotypeMatchResult:
    """How the patient's picture fits the gene (phenotype.PhenotypeMatch) and its log10 likelihood ratio (`score`)."""

    agree: tuple[str, ...] = ()
    contradict: tuple[str, ...] = ()
    suspected_category: bool = False
    hpo: HpoFitResult | None = None
    immunophenotype_log10_lr: float = 0.0
    score: float = 0.0


@dataclass(**_FROZEN)
class OmimEntry:
    id: str = ""
    label: str = ""


@dataclass(**_FROZEN)
class DiseaseResult:
    """An IUIS entry of the gene: its OMIM phenotype entries (never the gene's MIM number), how they were found,
    inheritance, mechanism and IUIS table."""

    name: str = ""
    omim: tuple[OmimEntry, ...] = ()
    omim_mapping: str = ""
    moi: Moi = Moi.UNKNOWN
    mechanism: Mechanism = Mechanism.UNKNOWN
    iuis_table: str = ""


@dataclass(**_FROZEN)
class GeneMane:
    ensembl: str = ""
    refseq: str = ""


@dataclass(**_FROZEN)
class StructuralCallResult:
    """A deletion or duplication candidate's call (models.StructuralCall): span, exons, CNV points, population."""

    svtype: str = ""
    start: int = 0
    end: int = 0
    size: int = 0
    cn: int | None = None
    caller: str = ""
    vcf: str = ""
    whole_gene: bool = False
    exons: tuple[int, ...] = ()
    exons_uncertain: tuple[int, ...] = ()
    n_exons: int = 0
    cnv_points: float = 0.0
    support: int | None = None
    cipos: tuple[int, int] = (0, 0)
    ciend: tuple[int, int] = (0, 0)
    regions: tuple[str, ...] = ()
    population_af: float | None = None
    population_checked: bool = False


@dataclass(**_FROZEN)
class CandidateResult:
    """One variant in one gene, with its best finding: the call, the annotation, ClinVar and population, the
    ACMG/AMP criteria, the genotype QC, the phenotype match and the ranking score."""

    rank: int = 0
    gene: str = ""
    hgnc_id: str = ""
    chrom: str = ""
    pos: int = 0
    ref: str = ""
    alt: str = ""
    genotype: str = ""
    zygosity: Zygosity = Zygosity.MISSING
    moi: Moi = Moi.UNKNOWN
    finding: Finding = Finding.NONE
    meets_inheritance: bool = False
    finding_note: str = ""
    # the panel calls the gene recessive, PanelApp monoallelic too (PanelGene.monoallelic_also_reported): a single
    # heterozygous variant may be the cause, not only a carrier's
    monoallelic_reported: bool = False
    consequence: str = ""
    consequence_source: str = ""
    dp: int | None = None
    gq: int | None = None
    ad: tuple[int, ...] | None = None
    allele_balance: float | None = None
    hgvs_c: str = ""
    hgvs_p: str = ""
    population_af: float | None = None
    population_found: bool | None = None
    population_faf: float | None = None
    population_grpmax: float | None = None
    population_nhomalt: int | None = None
    population_nhemi: int | None = None
    scores: dict[str, float] = field(default_factory=dict)
    clinvar_significance: str = ""
    clinvar_stars: int | None = None
    clinvar_conditions: str = ""
    clinvar_conflicts: str = ""
    clinvar_variation_id: str = ""
    clinvar_review_status: str = ""
    reportable: bool = False
    reportable_basis: str = ""
    acmg_class: AcmgClass = AcmgClass.VUS
    acmg_points: int = 0
    acmg_criteria: str = ""
    acmg_rules: str = ""
    criteria: tuple[Criterion, ...] = ()
    qc_flags: tuple[str, ...] = ()
    qc_hard_flags: tuple[str, ...] = ()
    qc_checks: tuple[QcCheck, ...] = ()
    genotypes: dict[str, str] = field(default_factory=dict)
    phenotype_match: PhenotypeMatchResult = field(default_factory=PhenotypeMatchResult)
    score: float = 0.0
    variant_probability: float = 0.0
    unjudged_effect: str = ""
    partner_only: bool = False
    diseases: tuple[DiseaseResult, ...] = ()
    transcript: str = ""
    mane_select: bool = False
    mane_refseq: str = ""
    transcript_label: str = ""
    gene_mane: GeneMane = field(default_factory=GeneMane)
    gene_mim: str = ""
    clinvar: str = ""
    structural: StructuralCallResult | None = omit_none()
    first_seen: str | None = omit_none()
    evidence_last_updated: str | None = omit_none()

    @property
    def key(self) -> VariantKey:
        """The variant's key, contig as in the input (as the findings name it)."""
        return VariantKey(self.chrom, self.pos, self.ref, self.alt)

    @property
    def met_codes(self) -> frozenset[str]:
        """The criteria met, by code."""
        return frozenset(c.code for c in self.criteria if c.met)
