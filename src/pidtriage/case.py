"""One case through the stages: validate → extract → annotate → triage. The Snakemake rules call each stage
through the CLI; `pidtriage run` chains them in one process. A user error at any stage becomes a `failed`
record that travels to triage.json, never a crash of the cohort."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pidtriage.config import Config
from pidtriage.errors import InputError, PidTriageError
from pidtriage.genome import detect_build, naming_of
from pidtriage.inheritance.family import Family
from pidtriage.io import extract as ex
from pidtriage.io.panel_tsv import Panel, read_panel
from pidtriage.io.records import from_jsonable, read_json, write_json
from pidtriage.io.vcf import csq_format, read_header, read_records
from pidtriage.models import AnnotatedVariant, CaseInfo, Sex
from pidtriage.panel.ops import bed_regions

__all__ = ["StageRecord", "annotate_stage", "extract_stage", "validate_stage"]


@dataclass(frozen=True, slots=True)
class StageRecord:
    """What one stage knows of a case; `failure` set means the case has failed (with a one-line reason)."""

    case: CaseInfo
    failure: str = ""
    build: str = ""
    build_evidence: str = ""
    naming: str = ""
    samples_in_vcf: tuple[str, ...] = ()  # proband first, then parents found in the same VCF
    notes: tuple[str, ...] = ()
    vcf_for_query: str = ""
    extracted_vcf: str = ""
    sex_inferred: str = "unknown"
    sex_evidence: str = ""
    variants: tuple[AnnotatedVariant, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    n_records_in_panel: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def read_stage(path: str | Path) -> StageRecord:
    record: StageRecord = from_jsonable(StageRecord, read_json(path))
    return record


def write_stage(path: str | Path, record: StageRecord) -> None:
    write_json(path, record)


def validate_stage(case: CaseInfo, config: Config) -> StageRecord:
    """The VCF opens, the sample is in it, the build matches, parents present where named."""
    try:
        header = read_header(case.vcf)
    except InputError as exc:
        return StageRecord(case=case, failure=str(exc))
    if not header.samples:
        return StageRecord(case=case, failure=f"{case.vcf}: the VCF has no sample columns (sites-only); "
                           "give a VCF with genotypes")
    if case.vcf_sample not in header.samples:
        shown = ", ".join(header.samples[:5]) + (" ..." if len(header.samples) > 5 else "")
        return StageRecord(case=case, failure=f"{case.vcf}: sample {case.vcf_sample!r} not in the VCF (it has {shown}); "
                           "fix sample_id or vcf_sample in the sample sheet")
    build, evidence = detect_build(header.contigs, header.reference)
    if build and build != config.build:
        return StageRecord(case=case, failure=f"{case.vcf}: genome build {build} ({evidence}) but the config says "
                           f"{config.build}; run it with genome_build: {build} or give a {config.build} VCF (nothing is lifted over)")
    notes = []
    if not build:
        notes.append(f"genome build not verifiable ({evidence}); assumed {config.build}")
    if header.is_gvcf:
        notes.append("gVCF: reference blocks skipped, variant calls kept")
    samples = [case.vcf_sample]
    for role, name, vcf in (("father", case.father_vcf_sample, case.father_vcf), ("mother", case.mother_vcf_sample, case.mother_vcf)):
        if not name:
            continue
        if vcf == case.vcf and name in header.samples:
            samples.append(name)
        else:
            notes.append(f"{role} {name} not in {Path(case.vcf).name}: parental genotypes not used")
    return StageRecord(case=case, build=build or config.build, build_evidence=evidence,
                       naming=naming_of(header.contigs) if header.contigs else "bare",
                       samples_in_vcf=tuple(samples), notes=tuple(notes))


def extract_stage(record: StageRecord, config: Config, panel: Panel, *, out_vcf: str | Path, workdir: str | Path) -> StageRecord:
    if record.failure:
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(record, extracted_vcf=str(out_vcf))
    try:
        query, _copied = ex.ensure_indexed(record.case.vcf, workdir)
        naming = naming_of(read_header(query, check_compression=False).contigs) if record.naming != "chr" else "chr"
        regions = bed_regions(panel, build=config.build, padding=int(config.get("panel_padding")),
                              chr_prefix=naming == "chr")
        bed = ex.write_bed(regions, Path(workdir) / f"{record.case.sample_id}.panel.bed")
        ex.extract_regions(query, bed, out_vcf, samples=record.samples_in_vcf,
                           reference_fasta=config.path("annotation", "reference_fasta"))
    except PidTriageError as exc:
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(record, failure=str(exc), extracted_vcf=str(out_vcf))
    return dataclasses.replace(record, vcf_for_query=query, extracted_vcf=str(out_vcf))


def family_of(record: StageRecord, config: Config) -> Family:
    names = record.samples_in_vcf
    case = record.case
    return Family(
        proband=case.vcf_sample,
        father=case.father_vcf_sample if case.father_vcf_sample in names else "",
        mother=case.mother_vcf_sample if case.mother_vcf_sample in names else "",
        min_parent_gq=int(config.get("qc", "min_gq")),
    )


def annotate_stage(record: StageRecord, config: Config, panel: Panel) -> StageRecord:
    from pidtriage.annotate.pipeline import Annotator
    from pidtriage.qc import infer_sex

    if record.failure:
        return record
    try:
        header = read_header(record.extracted_vcf, check_compression=False)
        raw = list(read_records(record.extracted_vcf, record.samples_in_vcf))
        sex_call = infer_sex(((r.variant.chrom, r.variant.pos, r.genotypes[0]) for r in raw), config.build,
                             config.get("qc"))
        reported = record.case.sex
        sex = reported if reported != Sex.UNKNOWN else sex_call.inferred
        annotator = Annotator(config, panel, csq_fields=csq_format(header, "CSQ"))
        variants = annotator.annotate(raw, sex=sex)
    except PidTriageError as exc:
        return dataclasses.replace(record, failure=str(exc))
    notes = list(record.notes)
    if reported == Sex.UNKNOWN:
        notes.append(f"reported sex unknown: inferred {sex_call.inferred} used ({sex_call.explanation})")
    return dataclasses.replace(
        record, variants=tuple(variants), sex_inferred=sex_call.inferred.value, sex_evidence=sex_call.explanation,
        provenance=tuple(sorted(annotator.provenance().items())), n_records_in_panel=len(raw), notes=tuple(notes),
    )


def load_panel(config: Config) -> Panel:
    return read_panel(config.path("panel"))


def sex_check(reported: Sex, inferred: str) -> str:
    if inferred == Sex.UNKNOWN.value:
        return "not_inferred"
    if reported == Sex.UNKNOWN:
        return "reported_unknown"
    return "match" if reported.value == inferred else "mismatch"


def triage_stage(record: StageRecord, config: Config, panel: Panel) -> dict[str, Any]:
    """The triage.json document of a case (failed cases included)."""
    from pidtriage.report.triage_json import build_triage_json
    from pidtriage.triage import triage_case

    check = sex_check(record.case.sex, record.sex_inferred)
    if record.failure:
        return build_triage_json(record, None, config, panel, sex_check=check)
    sex = record.case.sex if record.case.sex != Sex.UNKNOWN else Sex(record.sex_inferred)
    result = triage_case(record.variants, case=record.case, family=family_of(record, config), sex=sex,
                         panel_genes=panel.by_hgnc_id(), thresholds=config.values)
    return build_triage_json(record, result, config, panel, sex_check=check)
