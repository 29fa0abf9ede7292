"""A case's result as one typed value, `CaseResult`: what triage.json holds, field for field, in its key order.

Built once (pidtriage.result.assemble), written and read only through `to_jsonable` / `from_jsonable`
(pidtriage.io.jsonio), checked against `data/triage.schema.json` before it is written (pidtriage.result.schema).
Every output (report/, the cohort, reanalysis, `pidtriage diff`, pidtriage.results) reads these types, never a
dict by string keys. Vocabularies are enums (Status, Finding, AcmgClass, Strength, Sex, SexCheck, Role, Moi).

The sections, in the document's order:

    CaseResult
      case         CaseSection            who, which VCF, the sheet's phenotype
      phenotype    PhenotypeSection       the HPO terms used and how
      status, no_known_defect, reason
      qc           QcSection              sex check, per-individual call statistics, Mendelian check, warnings
      findings     FindingResult ...      a gene's genotype under one mode of inheritance, with its level
      low_quality_calls, candidates
                   CandidateResult ...    one variant in one gene: call, annotation, criteria, phenotype match
                                          (these two, and their parts, in pidtriage.result.candidate)
      scope        ScopeSection           what could be assessed, and the panel genes that could not
      oligogenic   Oligogenic ...
      next_steps, changes (ChangesSection), coverage (CoverageSection), laboratory, provenance, thresholds,
      structural   StructuralInput        only with SV input

Every field has a default, so that a document of an earlier schema version (a kept run compared by `pidtriage
diff`) reads with the keys it lacks at their defaults.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from pidtriage.io.jsonio import flattened, from_jsonable, omit_empty, omit_none, read_json
from pidtriage.models import (
    AcmgClass,
    Role,
    Sex,
    SexCheck,
    Status,
    VariantKey,
)
from pidtriage.result.candidate import (
    CandidateResult,
    DiseaseResult,
    FindingResult,
    GeneMane,
    HpoFitResult,
    HpoTerm,
    OmimEntry,
    PhenotypeMatchResult,
    StructuralCallResult,
    TermResult,
)

__all__ = ["NOT_ANALYSED", "CandidateResult", "CaseResult", "CaseSection", "Change", "ChangeKind", "ChangesSection", "CoverageSection",
           "DiseaseResult", "FindingResult", "GeneBelow", "GeneMane", "GeneNotAssessed", "HpoFitResult", "HpoTerm",
           "IndividualQc", "Laboratory", "MendelianResult", "Oligogenic", "OmimEntry", "PanelCalls",
           "PhenotypeMatchResult", "PhenotypeSection", "PreviousRun", "Provenance", "QcSection", "ScopeSection",
           "StructuralCallResult", "StructuralInput", "SvCallRow", "SvEffect", "TermResult", "read_result"]

_FROZEN = {"frozen": True, "slots": True, "kw_only": True}


@dataclass(**_FROZEN)
class CaseSection:
    sample_id: str = ""
    vcf: str = ""
    vcf_sample: str = ""
    family_id: str = ""
    father_id: str = ""
    mother_id: str = ""
    sex_reported: Sex = Sex.UNKNOWN
    sex_inferred: Sex = Sex.UNKNOWN
    suspected_category: tuple[str, ...] = ()
    hpo_terms: tuple[str, ...] = ()
    hpo_excluded: tuple[str, ...] = ()
    immunophenotype: str = ""


@dataclass(**_FROZEN)
class PhenotypeSection:
    """The HPO terms as used for ranking (labels from the release), the method, and notes (terms replaced or not
    used, tables missing)."""

    used: bool = False
    method: str = ""
    hpo_release: str = ""
    observed: tuple[HpoTerm, ...] = ()
    excluded: tuple[HpoTerm, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(**_FROZEN)
class PanelCalls:
    """One individual's calls in the panel regions (qc.sample.CallStats)."""

    records: int = 0
    nonref_calls: int = 0
    het: int = 0
    hom_or_hemi: int = 0
    missing: int = 0
    het_hom_ratio: float | None = None
    ti_tv: float | None = None
    filtered_fraction: float | None = None


@dataclass(**_FROZEN)
class IndividualQc:
    sample: str = ""
    role: Role = Role.PROBAND
    sex_reported: Sex = Sex.UNKNOWN
    sex_inferred: Sex = Sex.UNKNOWN
    sex_check: SexCheck = SexCheck.NOT_INFERRED
    sex_evidence: str = ""
    records_in_vcf: int | None = None
    panel: PanelCalls = field(default_factory=PanelCalls)


@dataclass(**_FROZEN)
class MendelianResult:
    evaluated: bool = False
    informative_sites: int = 0
    errors: int = 0
    rate: float | None = None
    explanation: str = ""
    examples: tuple[str, ...] = ()


@dataclass(**_FROZEN)
class QcSection:
    sex_reported: Sex = Sex.UNKNOWN
    sex_inferred: Sex = Sex.UNKNOWN
    sex_evidence: str = ""
    sex_check: SexCheck = SexCheck.NOT_INFERRED
    samples_used: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    records_in_panel_regions: int = 0
    individuals: tuple[IndividualQc, ...] = ()
    mendelian: MendelianResult | None = None
    hard_failures: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


@dataclass(**_FROZEN)
class GeneNotAssessed:
    gene: str = ""
    reason: str = ""
    kind: str = ""  # the reason without its detail: "no calls in the gene", "no records on its chromosome", ...


@dataclass(**_FROZEN)
class ScopeSection:
    """What could be assessed (decision.Scope, but the input path, which `case` names), with its summary: `full`
    or `limited: ...`. A case not analysed has only `summary` (NOT_ANALYSED), `limits` and `assessable`."""

    summary: str = ""
    limits: tuple[str, ...] = ()
    assessable: bool = False
    consequence_source: str = ""
    records_in_panel_regions: int = 0
    records_with_consequence: int = 0
    clinvar: str = ""
    clinvar_date: str = ""
    population: str = ""
    scores: tuple[str, ...] = ()
    genes_total: int = 0
    genes_assessed: int = 0
    coverage_basis: str = ""
    genes_not_assessed: tuple[GeneNotAssessed, ...] = ()
    low_quality_calls: tuple[str, ...] = ()
    build_check: str = ""
    structural: str = omit_empty()  # the SV/CNV VCF assessed; the key only with SV input

    @property
    def analysed(self) -> bool:
        return self.summary != NOT_ANALYSED

    def genes_phrase(self) -> str:
        """"62 of the 505 panel genes" (the genes the input let us assess), or "the 505 panel genes"."""
        if not self.genes_total or self.genes_assessed == self.genes_total:
            return f"the {self.genes_total} panel genes" if self.genes_total else "the panel genes"
        return f"{self.genes_assessed} of the {self.genes_total} panel genes"

    def json_omitted(self) -> Collection[str]:
        return () if self.analysed else _SCOPE_DETAIL

    @staticmethod
    def optional_fields() -> frozenset[str]:
        """The fields a document may leave out (a case not analysed): not required by the schema."""
        return _SCOPE_DETAIL


NOT_ANALYSED = "not analysed"


_SCOPE_DETAIL = frozenset(f for f in ScopeSection.__dataclass_fields__ if f not in ("summary", "limits", "assessable"))


@dataclass(**_FROZEN)
class Oligogenic:
    """Heterozygous qualifying variants in two or more genes of one IUIS subcategory (never a diagnosis)."""

    subcategory: str = ""
    genes: tuple[str, ...] = ()
    variants: tuple[VariantKey, ...] = ()


class ChangeKind(enum.StrEnum):
    """The kinds of change (pidtriage.result.changes): changes.tsv's `kind` column."""

    STATUS = "status"
    FINDING_NEW = "finding_new"
    FINDING_GONE = "finding_gone"
    SECOND_HIT = "second_hit"
    PHASE = "phase"
    CLINVAR = "clinvar"
    ACMG_CLASS = "acmg_class"
    PANEL_GENE = "panel_gene"
    CASE_ADDED = "case_added"
    CASE_REMOVED = "case_removed"


@dataclass(**_FROZEN)
class Change:
    """One change between two analyses of a case, with its cause (pidtriage.result.changes)."""

    kind: ChangeKind = ChangeKind.STATUS
    gene: str = ""
    variant: str = ""  # chrom:pos:ref:alt in the panel's contig naming, ","-joined for a pair; "" for the case
    old: str = ""
    new: str = ""
    cause: str = ""
    detail: str = ""


@dataclass(**_FROZEN)
class PreviousRun:
    triage_json: str = ""
    analysis_date: str = ""
    status: Status = Status.FAILED
    panel: str = ""
    clinvar_date: str = ""
    pidtriage_version: str | None = None


@dataclass(**_FROZEN)
class ChangesSection:
    """What changed since the previous analysis (`previous` None: a first analysis)."""

    previous: PreviousRun | None = None
    summary: str = "first analysis"
    recontact: bool = False
    downgraded: bool = False
    differences: dict[str, str] = field(default_factory=dict)  # source -> "old → new"
    panel_note: str = ""
    items: tuple[Change, ...] = ()


@dataclass(**_FROZEN)
class GeneBelow:
    gene: str = ""
    hgnc_id: str = ""
    fraction: float = 0.0


@dataclass(**_FROZEN)
class CoverageSection:
    """Coverage of the panel genes' exons from the sheet's BAM/CRAM or mosdepth file (pidtriage.qc.depth): not
    provided, measured, or `error` (a file that could not be read: coverage not assessed)."""

    provided: bool = False
    source: str = ""
    method: str | None = omit_none()
    min_depth: int | None = omit_none()
    min_gene_fraction: float | None = omit_none()
    genes_assessed: int | None = omit_none()
    genes_below: tuple[GeneBelow, ...] | None = omit_none()
    genes_without_exon_annotation: tuple[str, ...] | None = omit_none()
    per_gene: dict[str, float] | None = omit_none()
    error: str | None = omit_none()

    @property
    def measured(self) -> bool:
        return self.provided and self.error is None and self.per_gene is not None


@dataclass(**_FROZEN)
class Laboratory:
    name: str = ""
    contact: str = ""
    use_statement: str = ""


@dataclass(**_FROZEN)
class Provenance:
    """Where the result comes from: versions, build, panel, and the resources used (ClinVar, population, and
    each file of the resources' manifest, written as `manifest_<name>`)."""

    pidtriage_version: str = ""
    analysis_date: str = ""
    input_size: int | None = None
    genome_build: str = ""
    build_evidence: str = ""
    panel_name: str = ""
    panel_version: str = ""
    panel_genes: int = 0
    panel_path: str = ""
    clinvar: str | None = omit_none()
    clinvar_date: str | None = omit_none()
    manifest: tuple[tuple[str, str], ...] = flattened("manifest_")
    population: str | None = omit_none()
    population_name: str | None = omit_none()


@dataclass(**_FROZEN)
class SvEffect:
    gene: str = ""
    effect: str = ""
    cnv_points: float = 0.0
    acmg_class: AcmgClass = AcmgClass.VUS
    criteria: str = ""


@dataclass(**_FROZEN)
class SvCallRow:
    """One SV call in the panel regions and what was done with it (scored, or why not), with its effect on each
    panel gene it touches when scored."""

    chrom: str = ""
    start: int = 0
    end: int = 0
    svtype: str = ""
    genes: tuple[str, ...] = ()
    genotype: str = ""
    fate: str = ""
    effects: tuple[SvEffect, ...] | None = omit_none()


@dataclass(**_FROZEN)
class StructuralInput:
    """The case's SV/CNV input (stages/structural.py): the file, its calls in the panel regions and what was done
    with each; `error` when it could not be read (a QC warning, not a failed case)."""

    provided: bool = True
    vcf: str = ""
    sample: str | None = omit_none()
    error: str | None = omit_none()
    caller: str | None = omit_none()
    calls_in_panel_regions: int | None = omit_none()
    calls_scored: int | None = omit_none()
    population: str | None = omit_none()
    calls: tuple[SvCallRow, ...] | None = omit_none()


@dataclass(**_FROZEN)
class CaseResult:
    """triage.json (module docstring)."""

    schema_version: str = ""
    case: CaseSection = field(default_factory=CaseSection)
    phenotype: PhenotypeSection = field(default_factory=PhenotypeSection)
    status: Status = Status.FAILED
    no_known_defect: bool | None = None
    reason: str = ""
    qc: QcSection = field(default_factory=QcSection)
    findings: tuple[FindingResult, ...] = ()
    low_quality_calls: tuple[CandidateResult, ...] = ()
    scope: ScopeSection = field(default_factory=ScopeSection)
    oligogenic: tuple[Oligogenic, ...] = ()
    candidates: tuple[CandidateResult, ...] = ()
    n_candidates: int = 0
    next_steps: tuple[str, ...] = ()
    changes: ChangesSection = field(default_factory=ChangesSection)
    coverage: CoverageSection = field(default_factory=CoverageSection)
    laboratory: Laboratory = field(default_factory=Laboratory)
    provenance: Provenance = field(default_factory=Provenance)
    thresholds: dict[str, object] = field(default_factory=dict)  # the config's values: qc, acmg, triage ...
    structural: StructuralInput | None = omit_none()

    @property
    def sample_id(self) -> str:
        return self.case.sample_id

    @property
    def qualifying_findings(self) -> tuple[FindingResult, ...]:
        """The findings at level positive or inconclusive."""
        return tuple(f for f in self.findings if f.level in (Status.POSITIVE, Status.INCONCLUSIVE))


def read_result(path: str | Path) -> CaseResult:
    """A case's triage.json as its result (any schema version: keys it lacks take their defaults)."""
    result: CaseResult = from_jsonable(CaseResult, read_json(path))
    return result
