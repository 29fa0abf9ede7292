"""The validate stage: the VCF opens, the sample is in it, the build matches, parents are present where named,
the configured resources are of the same build."""

from __future__ import annotations

from pathlib import Path

from pidtriage.config import Config
from pidtriage.errors import InputError
from pidtriage.genome import detect_build, mixed_naming, naming_of
from pidtriage.io.vcf import VcfHeader, read_header, record_contigs
from pidtriage.models import CaseInfo
from pidtriage.stages.record import StageRecord, unexpected_failure

__all__ = ["validate_stage"]


def _validate_stage(case: CaseInfo, config: Config) -> StageRecord:
    """The VCF opens, the sample is in it, the build matches, parents present where named."""
    try:
        header = read_header(case.vcf, check_index=True)  # the file's bytes, header and index, checked once
    except InputError as exc:
        return StageRecord(case=case, failure=str(exc))
    if not header.samples:
        return StageRecord(case=case, failure=f"{case.vcf}: the VCF has no sample columns (sites-only); "
                           "give a VCF with genotypes")
    if case.vcf_sample not in header.samples:
        shown = ", ".join(header.samples[:5]) + (" ..." if len(header.samples) > 5 else "")
        return StageRecord(case=case, failure=f"{case.vcf}: sample {case.vcf_sample!r} not in the VCF (it has {shown}); "
                           "fix sample_id or vcf_sample in the sample sheet")
    if "GT" not in header.formats:
        return StageRecord(case=case, failure=f"{case.vcf}: the VCF has no GT (genotype) FORMAT field, so no call can "
                           "be judged; give the caller's VCF with genotypes")
    read, without, first = header.records_without_gt
    if read and without == read:
        return StageRecord(case=case, failure=f"{case.vcf}: its records carry no GT (genotype) in FORMAT (none of the "
                           f"first {read}, from {first}), so no call can be judged; give the caller's VCF with genotypes")
    mixed = mixed_naming(header.contigs)
    if mixed:
        return StageRecord(case=case, failure=f"{case.vcf}: contig names mix styles ({mixed[0]} and {mixed[1]}); rename "
                           "them to one style with `bcftools annotate --rename-chrs`")
    build, evidence = detect_build(header.contigs, header.reference)
    if build and build != config.build:
        return StageRecord(case=case, failure=f"{case.vcf}: genome build {build} ({evidence}) but the config says "
                           f"{config.build}; run it with genome_build: {build} or give a {config.build} VCF (nothing is lifted over)")
    resource_problem = _resource_build_problem(config)
    if resource_problem:
        return StageRecord(case=case, failure=resource_problem)
    notes = []
    if without:
        notes.append(f"QC warning: {without} of the first {read} records have no GT in FORMAT (the first at {first}); "
                     "their calls cannot be judged")
    if not build:
        notes.append(f"genome build not verifiable ({evidence}); assumed {config.build}")
    samples = [case.vcf_sample]
    parent_vcfs = []
    inputs = [header]
    for role, name, vcf in (("father", case.father_vcf_sample, case.father_vcf), ("mother", case.mother_vcf_sample, case.mother_vcf)):
        if not name:
            continue
        if vcf == case.vcf:
            if name in header.samples:
                samples.append(name)
            else:
                notes.append(f"QC warning: {role} {name} is not in {Path(vcf).name}: parental genotypes not used; "
                             "fix vcf_sample of the parent's row")
            continue
        problem, parent_header = _parent_vcf_problem(vcf, name, config)
        if problem:
            notes.append(f"QC warning: {role} {name}: {problem}; parental genotypes not used")
        else:
            parent_vcfs.append((name, vcf))
            inputs += [parent_header] if parent_header else []
    return StageRecord(case=case, build=build or config.build, build_evidence=evidence, build_verified=bool(build),
                       naming=naming_of(header.contigs or record_contigs(case.vcf)),
                       samples_in_vcf=tuple(samples), parent_vcfs=tuple(parent_vcfs), notes=tuple(notes),
                       inputs=tuple(inputs))


def _resource_build_problem(config: Config) -> str:
    """A configured resource whose build differs from genome_build, or a population INFO key the population
    VCF does not declare (every variant would look absent from gnomAD). Each resource's header is read once."""
    headers: dict[str, VcfHeader | None] = {}
    for key in ("clinvar.vcf", "population.vcf", "population.second_vcf"):
        path = config.path("resources", *key.split("."))
        if path:
            problem, headers[key] = _resource_build(path, config.build)
            if problem:
                return f"{problem}; set resources.{key} to a {config.build} file"
    population = headers.get("population.vcf")
    af_field = config.get("resources", "population", "af_field")
    if population is not None and af_field not in population.info_descriptions:
        # the other keys are optional: missing, their criteria say not evaluated
        return (f"{population.path}: resources.population.af_field {af_field!r} is not an INFO key of the "
                f"population VCF (it has {', '.join(sorted(population.info_descriptions)[:8])}...); set af_field "
                "to its allele-frequency key")
    return ""


def _resource_build(path: str, expected: str) -> tuple[str, VcfHeader | None]:
    try:
        header = read_header(path)  # a truncated bgzip resource is named here, once, not in every annotation
    except InputError as exc:
        return str(exc), None
    build, evidence = detect_build(header.contigs, header.reference)
    if build and build != expected:
        return f"resource {path} is {build} ({evidence}) but genome_build is {expected}", header
    return "", header


def _parent_vcf_problem(vcf: str, name: str, config: Config) -> tuple[str, VcfHeader | None]:
    """Why a parent's own VCF cannot be used ("" when it can), and its header as checked."""
    try:
        header = read_header(vcf, check_index=True)
    except InputError as exc:
        return str(exc), None
    if name not in header.samples:
        return f"sample {name!r} not in {Path(vcf).name}", header
    build, evidence = detect_build(header.contigs, header.reference)
    if build and build != config.build:
        return f"{Path(vcf).name} is {build} ({evidence}), not {config.build}", header
    return "", header


def validate_stage(case: CaseInfo, config: Config) -> StageRecord:
    """The VCF opens, the sample is in it, the build matches, parents present where named."""
    try:
        return _validate_stage(case, config)
    except Exception as exc:  # the case boundary (above)
        return unexpected_failure("validate", StageRecord(case=case), exc)
