"""What one stage knows of a case (`StageRecord`, passed from stage to stage), and what every stage needs of it:
the case's family, the panel, and the case boundary that turns any unexpected error into the case's `failed`
record."""

from __future__ import annotations

import dataclasses
import re
import sys
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from pidtriage.config import Config
from pidtriage.inheritance.family import Family
from pidtriage.io.genotype_table import GenotypeTable, genotype_table
from pidtriage.io.jsonio import from_jsonable, memory_only, read_json, write_json
from pidtriage.io.vcf import VcfHeader, read_header
from pidtriage.models import AnnotatedVariant, CaseInfo, Sex
from pidtriage.panel.tsv import Panel, read_panel
from pidtriage.result.case_result import IndividualQc, MendelianResult, StructuralInput
from pidtriage.triage.decision import Scope

__all__ = ["JointExtract", "PanelExtract", "SampleQc", "Screening", "StageRecord", "WholeVcfSample", "family_of", "input_named", "load_panel",
           "read_stage", "summary_line", "unexpected_failure", "write_stage"]


@dataclass(frozen=True, slots=True)
class WholeVcfSample:
    """What the whole input VCF says of one sample, read through its index in the extract stage (or the joint job):
    its sex with the evidence, the VCF's record count and the contigs with records (None: not known, a streamed
    input)."""

    sex: Sex = Sex.UNKNOWN
    sex_evidence: str = ""
    records_in_vcf: int | None = None
    contigs_with_records: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class PanelExtract:
    """The case's panel extract as the extract step read it: its header and its genotype table (one `bcftools
    query`), for sample QC, screening, gene scope and variants.tsv, so that no later step queries it again."""

    header: VcfHeader
    table: GenotypeTable

    @classmethod
    def read(cls, vcf: str, samples: tuple[str, ...]) -> PanelExtract:
        """From the file (a stage run alone from a written record)."""
        header = read_header(vcf, check_compression=False)
        return cls(header, genotype_table(vcf, samples, formats=header.formats))


@dataclass(frozen=True, slots=True)
class JointExtract:
    """A joint-called VCF's shared extraction (stages/joint.py): the record the joint job writes and each case's
    extract stage reads (`pidtriage case --joint`). `error` set: not made; each case reads the VCF itself."""

    vcf: str = ""
    realpath: str = ""
    panel_vcf: str = ""  # the panel regions of `samples`, an indexed BCF
    how: str = ""  # how the VCF was made queryable (io.bcftools.ensure_indexed)
    samples: tuple[str, ...] = ()
    whole_vcf: dict[str, WholeVcfSample] = field(default_factory=dict)
    error: str = ""


@dataclass(frozen=True, slots=True)
class Screening:
    """How many panel records were annotated one by one (annotate.pipeline.Annotator.screen), and why."""

    records_in_panel_regions: int
    records_annotated: int
    explanation: str


@dataclass(frozen=True, slots=True)
class SampleQc:
    """The sample QC of the case's extract (stages/sample_qc.py): per individual, the trio's Mendelian check, the
    warnings and the hard failures that fail the case."""

    individuals: tuple[IndividualQc, ...] = ()
    warnings: tuple[str, ...] = ()
    mendelian: MendelianResult | None = None
    hard_failures: tuple[str, ...] = ()
    screening: Screening | None = None


@dataclass(frozen=True, slots=True)
class StageRecord:
    """What one stage knows of a case; `failure` set means the case has failed (with a one-line reason).

    `inputs` and `extract` pass from step to step in one process and are never written: the input VCFs' headers
    as the validate step checked them (the extract step queries the files through them), and the panel extract
    as the extract step read it. A step run alone from a written record reads its files again."""

    case: CaseInfo
    failure: str = ""
    build: str = ""
    build_evidence: str = ""
    build_verified: bool = True  # False: no ##contig lengths or ##reference said which build; assumed
    naming: str = ""
    samples_in_vcf: tuple[str, ...] = ()  # proband first, then parents (after extraction: all in the family VCF)
    parent_vcfs: tuple[tuple[str, str], ...] = ()  # (sample, VCF) of parents in VCFs of their own
    whole_vcf: dict[str, WholeVcfSample] = field(default_factory=dict)  # by sample, from the extract stage
    notes: tuple[str, ...] = ()
    extracted_vcf: str = ""
    sex_inferred: Sex = Sex.UNKNOWN
    sex_evidence: str = ""
    variants: tuple[AnnotatedVariant, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    n_records_in_panel: int = 0
    sample_qc: SampleQc | None = None  # from the annotate stage
    scope: Scope | None = None  # what could be assessed, from the annotate stage
    structural: StructuralInput | None = None  # the SV input and its calls (stages/structural.py)
    inputs: tuple[VcfHeader, ...] = memory_only(())  # the case's VCF and the parents' own VCFs, checked
    extract: PanelExtract | None = memory_only()

    def input_header(self, vcf: str) -> VcfHeader:
        """The header of one of the case's input VCFs as validate checked it (read again when not passed on)."""
        found = next((h for h in self.inputs if h.path == vcf), None)
        return found or read_header(vcf, check_compression=False, check_index=True)

    def panel_extract(self) -> PanelExtract:
        """The panel extract as the extract step read it (read again from `extracted_vcf` when not passed on)."""
        return self.extract or PanelExtract.read(self.extracted_vcf, self.samples_in_vcf)


def read_stage(path: str | Path) -> StageRecord:
    record: StageRecord = from_jsonable(StageRecord, read_json(path))
    return record


def write_stage(path: str | Path, record: StageRecord) -> None:
    write_json(path, record, compact=True)  # `python -m json.tool` shows it indented


def family_of(record: StageRecord, config: Config) -> Family:
    names = record.samples_in_vcf
    case = record.case
    qc = record.sample_qc
    return Family(
        proband=case.vcf_sample,
        father=case.father_vcf_sample if case.father_vcf_sample in names else "",
        mother=case.mother_vcf_sample if case.mother_vcf_sample in names else "",
        min_parent_gq=int(config.get("qc", "min_gq")),
        min_parent_dp=int(config.get("qc", "min_dp")),
        father_status=case.father_status,
        mother_status=case.mother_status,
        parentage_checked=bool(qc and qc.mendelian and qc.mendelian.evaluated) and not (qc and qc.hard_failures),
        require_parent_gq=bool(record.parent_vcfs),
    )


def load_panel(config: Config) -> Panel:
    return read_panel(config.path("panel"))


def input_named(exc: Exception, record: StageRecord, *work: Path) -> str:
    """The reason with the case's own input file named where the error named a working copy of it (an index
    link, a streamed copy, the extract) in one of the `work` folders: the user fixes the input, not our
    intermediate file."""
    text = str(exc)
    for folder in work:
        text = re.sub(re.escape(str(folder)) + r"/\S+?(?=: )", record.case.vcf, text)
    return text


# --- the case boundary ----------------------------------------------------------------------------------------------
# Each stage below is the public entry of its step. A user error is already a failed record inside the step; any
# other exception, whatever raised it (a library, a malformed value we did not foresee, a bug), is caught here,
# once, and becomes this case's `failed` record with a one-line reason, its traceback printed to the step's log.
# One case's failure never stops the cohort. Nothing else in the package catches `Exception`.



def unexpected_failure(stage: str, record: StageRecord, exc: Exception) -> StageRecord:
    """The case failed by an unexpected error in `stage`: the reason names the input file, the error and where
    the traceback is; the traceback goes to stderr (the job's log)."""
    traceback.print_exc(file=sys.stderr)
    text = " ".join(str(exc).split())[:200] or "no message"
    return dataclasses.replace(record, failure=(
        f"{record.case.vcf}: unexpected error in the {stage} step ({type(exc).__name__}: {text}); check the file "
        "(format, compression, FORMAT values); the traceback is in the step's log"))


def summary_line(step: str, record: StageRecord) -> str:
    """One line for the step's log: what the step read, what it used, and the case's state after it."""
    case = record.case
    head = f"pidtriage {step} {case.sample_id}:"
    if record.failure:
        return f"{head} failed: {record.failure}"
    if step == "validate":
        build = record.build + ("" if record.build_verified else " (assumed)")
        own = "; parents in their own VCFs: " + ", ".join(f"{s} {v}" for s, v in record.parent_vcfs) if record.parent_vcfs else ""
        return (f"{head} {case.vcf}: {build}, {record.naming or 'unknown'} contig names; individuals used: "
                f"{', '.join(record.samples_in_vcf)}{own}")
    if step == "extract":
        sexes = ", ".join(f"{s} {v.sex}" for s, v in record.whole_vcf.items())
        return f"{head} panel regions written to {record.extracted_vcf}; sex from the whole VCF: {sexes or 'not read'}"
    scope = record.scope
    used = (f"consequence: {scope.consequence_source}; ClinVar: {scope.clinvar or 'none'}; population: "
            f"{scope.population or 'none'}; scope: {scope.summary()}") if scope else "scope not recorded"
    return f"{head} {record.n_records_in_panel} records in the panel regions, {len(record.variants)} annotated ({used})"
