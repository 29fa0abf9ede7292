"""One case through the stages: validate → extract → annotate → triage. The Snakemake rules call each stage
through the CLI; `pidtriage run` chains them in one process. A user error at any stage becomes a `failed`
record that travels to triage.json, never a crash of the cohort."""

from __future__ import annotations

import dataclasses
import re
import sys
import traceback
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from pidtriage.config import Config
from pidtriage.errors import ConfigError, InputError, PidTriageError
from pidtriage.genome import bare, detect_build, mixed_naming, naming_of, non_par, to_naming
from pidtriage.inheritance.family import Family
from pidtriage.io import extract as ex
from pidtriage.io.panel_tsv import Panel, read_panel
from pidtriage.io.records import from_jsonable, read_json, write_json
from pidtriage.io.vcf import VcfHeader, csq_format, read_header, read_records, record_contigs
from pidtriage.models import AnnotatedVariant, CaseInfo, Sex
from pidtriage.panel.ops import bed_regions
from pidtriage.parallel import fork_call

__all__ = ["StageRecord", "annotate_stage", "coverage_stage", "extract_stage", "triage_stage", "validate_stage"]


@dataclass(frozen=True, slots=True)
class StageRecord:
    """What one stage knows of a case; `failure` set means the case has failed (with a one-line reason)."""

    case: CaseInfo
    failure: str = ""
    build: str = ""
    build_evidence: str = ""
    build_verified: bool = True  # False: no ##contig lengths or ##reference said which build; assumed
    naming: str = ""
    samples_in_vcf: tuple[str, ...] = ()  # proband first, then parents (after extraction: all in the family VCF)
    parent_vcfs: tuple[tuple[str, str], ...] = ()  # (sample, VCF) of parents in VCFs of their own
    # per sample, what the whole input VCF says (read through its index in the extract stage): inferred sex,
    # its evidence, and the VCF's record count
    whole_vcf: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    extracted_vcf: str = ""
    sex_inferred: str = "unknown"
    sex_evidence: str = ""
    variants: tuple[AnnotatedVariant, ...] = ()
    provenance: tuple[tuple[str, str], ...] = ()
    n_records_in_panel: int = 0
    sample_qc: dict[str, Any] = field(default_factory=dict)
    # what could be assessed (decision.Scope's fields, from the annotate stage)
    scope: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def read_stage(path: str | Path) -> StageRecord:
    record: StageRecord = from_jsonable(StageRecord, read_json(path))
    return record


def write_stage(path: str | Path, record: StageRecord) -> None:
    write_json(path, record)


def _validate_stage(case: CaseInfo, config: Config) -> StageRecord:
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
    if "GT" not in header.formats:
        return StageRecord(case=case, failure=f"{case.vcf}: the VCF has no GT (genotype) FORMAT field, so no call can "
                           "be judged; give the caller's VCF with genotypes")
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
    if not build:
        notes.append(f"genome build not verifiable ({evidence}); assumed {config.build}")
    samples = [case.vcf_sample]
    parent_vcfs = []
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
        problem = _parent_vcf_problem(vcf, name, config)
        if problem:
            notes.append(f"QC warning: {role} {name}: {problem}; parental genotypes not used")
        else:
            parent_vcfs.append((name, vcf))
    return StageRecord(case=case, build=build or config.build, build_evidence=evidence, build_verified=bool(build),
                       naming=naming_of(header.contigs or record_contigs(case.vcf)),
                       samples_in_vcf=tuple(samples), parent_vcfs=tuple(parent_vcfs), notes=tuple(notes))


def _resource_build_problem(config: Config) -> str:
    """A configured resource whose build differs from genome_build, or a population INFO key the population
    VCF does not declare (every variant would look absent from gnomAD); checked once per process."""
    for key in (("resources", "clinvar", "vcf"), ("resources", "population", "vcf"),
                ("resources", "population", "second_vcf")):
        path = config.path(*key)
        if path:
            problem = _resource_build(path, config.build)
            if problem:
                return f"{problem}; set {'.'.join(key)} to a {config.build} file"
    path = config.path("resources", "population", "vcf")
    if path:
        declared = read_header(path, check_compression=False).info_descriptions
        af_field = config.get("resources", "population", "af_field")
        if af_field not in declared:  # the other keys are optional: missing, their criteria say not evaluated
            return (f"{path}: resources.population.af_field {af_field!r} is not an INFO key of the population VCF "
                    f"(it has {', '.join(sorted(declared)[:8])}...); set af_field to its allele-frequency key")
    return ""



@cache
def _resource_build(path: str, expected: str) -> str:
    try:
        header = read_header(path)  # a truncated bgzip resource is named here, once, not in every annotation
    except InputError as exc:
        return str(exc)
    build, evidence = detect_build(header.contigs, header.reference)
    if build and build != expected:
        return f"resource {path} is {build} ({evidence}) but genome_build is {expected}"
    return ""


def _parent_vcf_problem(vcf: str, name: str, config: Config) -> str:
    try:
        header = read_header(vcf)
    except InputError as exc:
        return str(exc)
    if name not in header.samples:
        return f"sample {name!r} not in {Path(vcf).name}"
    build, evidence = detect_build(header.contigs, header.reference)
    if build and build != config.build:
        return f"{Path(vcf).name} is {build} ({evidence}), not {config.build}"
    return ""


def _extract_stage(record: StageRecord, config: Config, panel: Panel, *, out_vcf: str | Path, workdir: str | Path,
                  jobs: int = 1) -> StageRecord:
    """Panel regions of the proband's VCF (with the parents in it), merged with the parents' own VCFs.

    With `jobs` > 1 the work is spread over processes: the extraction runs beside the sex inference, and a
    single VCF's regions are extracted in `jobs` groups of contigs at once (see _extract_part)."""
    if record.failure:
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(record, extracted_vcf=str(out_vcf))
    work = Path(workdir)
    sid = record.case.sample_id
    try:
        parts = [(record.case.vcf, record.samples_in_vcf)] + [(vcf, (name,)) for name, vcf in record.parent_vcfs]
        outputs, naming, whole_vcf, streamed = [], "", {}, False
        for i, (vcf, samples) in enumerate(parts):
            part_header = read_header(vcf, check_compression=False)
            part_naming = naming_of(part_header.contigs or record_contigs(vcf))
            naming = naming or part_naming
            regions = bed_regions(panel, build=config.build, padding=int(config.get("panel_padding")),
                                  chr_prefix=part_naming == "chr")
            targets = ex.write_bed([*regions, *_sex_chromosome_regions(config.build, part_naming)],
                                   work / f"{sid}.targets.{part_naming}.bed")
            query, how = ex.ensure_indexed(vcf, work, targets_bed=targets)
            streamed = streamed or how == "streamed"
            target = out_vcf if len(parts) == 1 else work / f"{sid}.part{i}.vcf.gz"
            # the extraction (and, for a single VCF, reading its genotype table) in a child process, while
            # this one reads sex from chrX/chrY of the same input: two cores for two htslib passes
            child = fork_call(_extract_part, query, regions, str(target), fork=jobs > 1, samples=samples,
                              subset_samples=tuple(samples) != part_header.samples,
                              reference_fasta=config.path("annotation", "reference_fasta"),
                              read_table=len(parts) == 1, jobs=jobs)
            try:
                whole_vcf.update(_whole_vcf_qc(query, samples, part_header, config, counted=how != "streamed"))
            except BaseException:
                child.cancel()  # it must not write the extract after this case is reported failed
                raise
            table = child.result()
            if table is not None:
                from pidtriage.sampleqc import remember_table

                remember_table(str(target), samples, read_header(target, check_compression=False).formats, table)
            outputs.append(str(target))
        if len(parts) > 1:
            ex.merge_family(outputs, out_vcf, naming=naming)
            for extra in outputs:
                for f in (extra, extra + ".tbi"):
                    Path(f).unlink(missing_ok=True)
    except PidTriageError as exc:
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(record, failure=_as_input(exc, record, work, Path(out_vcf).parent),
                                   extracted_vcf=str(out_vcf))
    notes = list(record.notes)
    if streamed:
        notes.append("input not indexed and not bgzipped: read once in a stream (bcftools view -T) over the panel "
                     "and the sex chromosomes; the whole-VCF record count is not available")
    if record.parent_vcfs:
        notes.append("parents from their own VCFs: a site absent from a parent's VCF is taken as homozygous "
                     "reference for phasing, but not as confident enough to call a variant de novo")
    return dataclasses.replace(record, extracted_vcf=str(out_vcf), samples_in_vcf=tuple(whole_vcf),
                               whole_vcf=whole_vcf, notes=tuple(notes))


def _as_input(exc: Exception, record: StageRecord, *work: Path) -> str:
    """The reason with the case's own input file named where the error named a working copy of it (an index
    link, a streamed copy, the extract) in one of the `work` folders: the user fixes the input, not our
    intermediate file."""
    text = str(exc)
    for folder in work:
        text = re.sub(re.escape(str(folder)) + r"/\S+?(?=: )", record.case.vcf, text)
    return text


def _extract_part(vcf: str, regions: Sequence[tuple[str, int, int, str]], target: str, *, samples: Sequence[str],
                  subset_samples: bool, reference_fasta: str, read_table: bool, jobs: int) -> Any:
    """extract_regions into `target`, then (`read_table`) the genotype table of what it wrote, for the
    annotate stage. With `jobs` > 1 the regions are split into groups of whole contigs, extracted (and read)
    side by side, and the extracts concatenated (bcftools concat --naive: no recompression)."""
    from pidtriage.sampleqc import GenotypeTable, genotype_table

    def one(group: Sequence[tuple[str, int, int, str]], out: str) -> GenotypeTable | None:
        # not "<out>.bed": htslib looks for a BED's tabix index as "<out>.tbi" too, and a stale one of `out`
        # would be taken for it ("Broken tabix index?")
        bed = ex.write_bed(group, out.removesuffix(".vcf.gz") + ".regions.bed")
        ex.extract_regions(vcf, bed, out, samples=samples, subset_samples=subset_samples,
                           reference_fasta=reference_fasta)
        Path(bed).unlink()
        if not read_table:
            return None
        return genotype_table(out, samples, formats=read_header(out, check_compression=False).formats)

    groups = ex.split_by_contig(regions, jobs)
    if len(groups) == 1:
        return one(groups[0], target)
    names = [f"{target}.group{i}.vcf.gz" for i in range(len(groups))]
    others = [fork_call(one, g, n) for g, n in zip(groups[1:], names[1:], strict=True)]
    try:
        tables = [one(groups[0], names[0]), *(o.result() for o in others)]
    except BaseException:
        for other in others:
            other.cancel()
        raise
    ex.concat_parts(names, target)
    return GenotypeTable.concat([t for t in tables if t is not None]) if read_table else None


def _whole_vcf_qc(query: str, samples: Sequence[str], header: VcfHeader, config: Config, *,
                  counted: bool) -> dict[str, dict[str, Any]]:
    """Sex (chrX/chrY through the index) and the record count (from the index) of the samples of one input
    VCF; `counted` False for a streamed copy that holds only the targets."""
    from pidtriage import sampleqc

    if not header.contigs:  # no ##contig lines: the names come from the index just made
        header = read_header(query, check_compression=False)
    sexes = sampleqc.infer_sex(query, samples, contigs=header.contigs, formats=header.formats, build=config.build,
                               thresholds=config.get("qc"))
    count = sampleqc.records_in_index(query) if counted else None
    return {s: {"sex": sexes[s].inferred.value, "sex_evidence": sexes[s].explanation, "records_in_vcf": count}
            for s in samples}


def _sex_chromosome_regions(build: str, naming: str) -> list[tuple[str, int, int, str]]:
    """chrX and chrY between their PARs (0-based BED), the regions sex inference reads."""
    return [(to_naming(name, naming), non_par(name, build)[0] - 1, non_par(name, build)[1], f"chr{name}_non_PAR")
            for name in ("X", "Y")]


def family_of(record: StageRecord, config: Config) -> Family:
    names = record.samples_in_vcf
    case = record.case
    mendel = record.sample_qc.get("mendelian") or {}
    return Family(
        proband=case.vcf_sample,
        father=case.father_vcf_sample if case.father_vcf_sample in names else "",
        mother=case.mother_vcf_sample if case.mother_vcf_sample in names else "",
        min_parent_gq=int(config.get("qc", "min_gq")),
        min_parent_dp=int(config.get("qc", "min_dp")),
        father_status=case.father_status,
        mother_status=case.mother_status,
        parentage_checked=bool(mendel.get("evaluated")) and not record.sample_qc.get("hard_failures"),
        require_parent_gq=bool(record.parent_vcfs),
    )


def _annotate_stage(record: StageRecord, config: Config, panel: Panel) -> StageRecord:
    """Sample QC on the whole extracted table, then annotation of the records that could become candidates
    (Annotator.screen); the others are counted, not annotated one by one."""
    from pidtriage import sampleqc
    from pidtriage.annotate.pipeline import Annotator

    if record.failure:
        return record
    notes = list(record.notes)
    try:
        vcf = record.extracted_vcf
        header = read_header(vcf, check_compression=False)
        ran_csq = _wants_csq(header, config)
        if ran_csq:
            from pidtriage.annotate.csq import run_csq

            vcf = run_csq(vcf, config.path("annotation", "reference_fasta"), config.path("annotation", "gff3"),
                          str(vcf).replace(".vcf.gz", "") + ".csq.vcf.gz")
            header = read_header(vcf, check_compression=False)
            notes.append("consequences computed with bcftools csq (haplotype-aware; unphased heterozygous variants "
                         "in one codon are read as on one haplotype)")
        table = sampleqc.genotype_table(vcf, record.samples_in_vcf, formats=header.formats)
        sample_qc, inferred, evidence, failures = _sample_qc(record, table, config)
        reported = record.case.sex
        sex = reported if reported != Sex.UNKNOWN else inferred
        annotator = Annotator(config, panel, csq_fields=csq_format(header, "CSQ"))
        build_check = "" if record.build_verified else _build_from_clinvar(annotator, table, record, config)
        keep = annotator.screen(table, vcf, annotation_keys=list(header.info_descriptions))
        raw = list(read_records(vcf, record.samples_in_vcf, keys=keep)) if keep else []
        variants = annotator.annotate(raw, sex=sex)
    except PidTriageError as exc:
        return dataclasses.replace(record, failure=_as_input(exc, record, Path(record.extracted_vcf).parent))
    if reported == Sex.UNKNOWN:
        notes.append(f"reported sex unknown: inferred {inferred} used ({evidence})")
    blocks = int(np.isin(table.alt, ["<NON_REF>", "<*>", "."]).sum())
    if blocks:  # judged from the records: joint-called VCFs often keep gVCF header lines
        notes.append(f"gVCF: {blocks} reference-block or <NON_REF> record(s) in the panel regions skipped, "
                     "variant calls kept")
    sample_qc["screening"] = {
        "records_in_panel_regions": len(table), "records_annotated": len(raw),
        "explanation": "records annotated one by one: the proband carries the allele and it is in ClinVar or the "
                       "input annotates a protein-altering or splice consequence; no other record can qualify",
    }  # fmt: skip
    provenance = annotator.provenance()
    if build_check.startswith("failed: "):
        return dataclasses.replace(record, failure=build_check.removeprefix("failed: "))
    scope = {
        "build_check": build_check,
        "consequence_source": _consequence_source(header, config, ran_csq),
        "records_in_panel_regions": len(table),
        "records_with_consequence": annotated_records(vcf, header, config),
        "clinvar": provenance.get("clinvar", ""), "clinvar_date": provenance.get("clinvar_date", ""),
        "population": provenance.get("population", ""),
        "scores": sorted({t["name"] for t in config.get("resources", "scores")}
                         | set((config.get("resources", "population", "score_fields") or {}) if provenance.get("population") else ())),
        "vcf": record.case.vcf,
    }  # fmt: skip
    return dataclasses.replace(
        record, variants=tuple(variants), sex_inferred=inferred.value, sex_evidence=evidence,
        provenance=tuple(sorted(provenance.items())), n_records_in_panel=len(table), notes=tuple(notes),
        sample_qc=sample_qc, failure="; ".join(failures), scope=scope,
    )


def _build_from_clinvar(annotator: Any, table: Any, record: StageRecord, config: Config) -> str:
    """For a VCF whose header does not say its build: do its REF alleles agree with ClinVar's at the positions
    both have? "failed: ..." when most disagree (another build), else what was checked, for the scope."""
    if annotator.clinvar is None or not len(table):
        return f"genome build not verifiable from the header; assumed {config.build} (no ClinVar to check it against)"
    known = annotator.clinvar.keys_at(table.chrom.tolist(), table.pos.tolist())
    refs: dict[tuple[str, int], set[str]] = {}
    for c, p, r, _ in known:
        refs.setdefault((c, p), set()).add(r)
    shared = [(r in refs[(bare(c), p)]) for c, p, r in zip(table.chrom.tolist(), table.pos.tolist(),
                                                            table.ref.tolist(), strict=True) if (bare(c), p) in refs]
    agree = sum(shared)
    if len(shared) >= 10 and agree < 0.5 * len(shared):
        return (f"failed: {record.case.vcf}: the header does not state the genome build, and the REF alleles disagree "
                f"with {config.build} ClinVar at {len(shared) - agree} of {len(shared)} shared positions: the VCF is "
                f"probably another build; give a {config.build} VCF (or set genome_build), with ##contig lines")
    return (f"genome build not verifiable from the header; assumed {config.build}: REF alleles agree with ClinVar at "
            f"{agree} of {len(shared)} shared positions")


def _consequence_source(header: VcfHeader, config: Config, ran_csq: bool) -> str:
    """Where the consequences come from, in words (decision.Scope.consequence_source)."""
    from pidtriage.io.vcf import ANNOTATION_KEYS

    if config.get("annotation", "consequence_source") == "none":
        return "none (annotation.consequence_source: none)"
    if ran_csq:
        return "bcftools csq"
    names = {"CSQ": "VEP CSQ", "ANN": "snpEff ANN", "EFF": "snpEff EFF", "BCSQ": "bcftools BCSQ"}
    keys = [names.get(k, k) for k in ANNOTATION_KEYS if k in header.info_descriptions]
    return "input: " + ", ".join(keys) if keys else "none in the input"


def annotated_records(vcf: str, header: VcfHeader, config: Config) -> int:
    """Records of the panel extract that carry a consequence annotation (CSQ/ANN/EFF/BCSQ); 0 when annotation
    is switched off. One bcftools pass over the (small) extract."""
    import pysam.bcftools

    from pidtriage.io.vcf import ANNOTATION_KEYS

    keys = [k for k in ANNOTATION_KEYS if k in header.info_descriptions]
    if not keys or config.get("annotation", "consequence_source") == "none":
        return 0
    expr = " || ".join(f'INFO/{k}!="."' for k in keys)
    return len(pysam.bcftools.query("-i", expr, "-f", "\n", vcf))


def _wants_csq(header: VcfHeader, config: Config) -> bool:
    """bcftools csq runs when asked (consequence_source: bcftools_csq), or under `auto` when a reference and a
    GFF3 are configured and the input carries no consequences of its own."""
    from pidtriage.io.vcf import ANNOTATION_KEYS

    source = config.get("annotation", "consequence_source")
    has_inputs = bool(config.path("annotation", "reference_fasta") and config.path("annotation", "gff3"))
    if source == "bcftools_csq":
        if not has_inputs:
            raise ConfigError("annotation.consequence_source is bcftools_csq but annotation.reference_fasta or "
                              "annotation.gff3 is not set; set both")
        return True
    return source == "auto" and has_inputs and not any(k in header.info_descriptions for k in ANNOTATION_KEYS)


def _sample_qc(record: StageRecord, table: Any, config: Config) -> tuple[dict[str, Any], Sex, str, list[str]]:
    """Per-individual QC (sex from the extract stage, panel call statistics, the Mendelian check), the proband's
    inferred sex and its evidence, and the hard-QC failures."""
    from pidtriage import sampleqc

    thresholds = config.get("qc")
    samples = record.samples_in_vcf
    family = family_of(record, config)
    mendel = sampleqc.mendelian_check(table, samples, family.father, family.mother, min_gq=int(thresholds["min_gq"]),
                                      min_sites=int(thresholds["min_sites_for_mendelian"]))
    roles = {record.case.vcf_sample: "proband", family.father: "father", family.mother: "mother"}
    reported = {record.case.vcf_sample: record.case.sex, family.father: Sex.MALE, family.mother: Sex.FEMALE}
    unknown = {"sex": Sex.UNKNOWN.value, "sex_evidence": "", "records_in_vcf": None}
    individuals = []
    for i, sample in enumerate(samples):
        whole = record.whole_vcf.get(sample, unknown)
        individuals.append({
            "sample": sample, "role": roles.get(sample, "relative"), "sex_reported": reported[sample].value,
            "sex_inferred": whole["sex"], "sex_check": sex_check(reported[sample], whole["sex"]),
            "sex_evidence": whole["sex_evidence"], "records_in_vcf": whole["records_in_vcf"],
            "panel": sampleqc.call_stats(table, i).as_dict(),
        })  # fmt: skip
    failures = sampleqc.hard_failures(sampleqc.call_stats(table, 0), mendel, thresholds,
                                      sample=record.case.vcf_sample, vcf=record.case.vcf)
    doc = {
        "individuals": individuals,
        "mendelian": {"evaluated": mendel.evaluated, "informative_sites": mendel.informative, "errors": mendel.errors,
                      "rate": mendel.rate, "explanation": mendel.explanation, "examples": list(mendel.examples)},
        "hard_failures": failures,
    }  # fmt: skip
    proband = record.whole_vcf.get(record.case.vcf_sample, unknown)
    return doc, Sex(proband["sex"]), proband["sex_evidence"], failures


def _coverage_stage(record: StageRecord, config: Config, panel: Panel) -> dict[str, Any]:
    """Coverage of the panel genes from the sheet's `coverage` file; a file that cannot be read is a QC
    warning (coverage not assessed), not a failed case: the variant calls are still valid."""
    from pidtriage import coverage as cov

    source = record.case.coverage
    if record.failure or not source:
        return {"provided": False, "source": source}
    depth, fraction = int(config.get("coverage", "min_depth")), float(config.get("coverage", "min_gene_fraction"))
    try:
        exons = cov.read_exons(config.path("coverage", "exons"), config.build)
        if source.endswith((".bam", ".cram")):
            genes = cov.coverage_from_bam(source, exons, min_depth=depth,
                                          reference_fasta=config.path("annotation", "reference_fasta"))
            method = "pysam count_coverage over the exons"
        elif source.endswith(".bed.gz"):
            genes, method = cov.coverage_from_per_base(source, exons, min_depth=depth), "mosdepth per-base (tabix)"
        else:
            raise InputError(f"{source}: coverage must be a .bam, .cram or mosdepth .per-base.bed.gz; fix the "
                             "coverage column")
    except PidTriageError as exc:
        return {"provided": True, "source": source, "error": str(exc)}
    return cov.summarise(genes, min_fraction=fraction, min_depth=depth, source=source, method=method,
                         panel_symbols={g.hgnc_id: g.symbol for g in panel.genes})


def load_panel(config: Config) -> Panel:
    return read_panel(config.path("panel"))


def sex_check(reported: Sex, inferred: str) -> str:
    if inferred == Sex.UNKNOWN.value:
        return "not_inferred"
    if reported == Sex.UNKNOWN:
        return "reported_unknown"
    return "match" if reported.value == inferred else "mismatch"


def _triage_stage(record: StageRecord, config: Config, panel: Panel, coverage: dict[str, Any] | None = None
                 ) -> tuple[dict[str, Any], str]:
    """The triage.json document of a case (failed cases included) and its variants.tsv text (every record in the
    panel regions with its fate; only the header for a failed case)."""
    from pidtriage.decision import Scope
    from pidtriage.report.triage_json import build_triage_json
    from pidtriage.report.variants import VARIANT_COLUMNS, variants_tsv
    from pidtriage.triage import triage_case

    check = sex_check(record.case.sex, record.sex_inferred)
    if record.failure:
        return (build_triage_json(record, None, config, panel, sex_check=check, coverage=coverage),
                "\t".join(VARIANT_COLUMNS) + "\n")
    sex = record.case.sex if record.case.sex != Sex.UNKNOWN else Sex(record.sex_inferred)
    below = tuple(g["gene"] for g in (coverage or {}).get("genes_below", []))
    scope = Scope(**{"consequence_source": "not recorded", **record.scope, "scores": tuple(record.scope.get("scores", ())), "genes_not_assessable": below})
    result = triage_case(record.variants, case=record.case, family=family_of(record, config), sex=sex,
                         panel_genes=panel.by_hgnc_id(), thresholds=config.values, scope=scope)
    header = read_header(record.extracted_vcf, check_compression=False)
    variants = variants_tsv(record.extracted_vcf, list(record.samples_in_vcf), list(header.formats), result, config,
                            panel)
    return build_triage_json(record, result, config, panel, sex_check=check, coverage=coverage), variants


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


def validate_stage(case: CaseInfo, config: Config) -> StageRecord:
    """The VCF opens, the sample is in it, the build matches, parents present where named."""
    try:
        return _validate_stage(case, config)
    except Exception as exc:  # the case boundary (above)
        return unexpected_failure("validate", StageRecord(case=case), exc)


def extract_stage(record: StageRecord, config: Config, panel: Panel, *, out_vcf: str | Path, workdir: str | Path,
                  jobs: int = 1) -> StageRecord:
    """Panel regions of the proband's VCF (see _extract_stage); an empty extract when the case failed."""
    try:
        return _extract_stage(record, config, panel, out_vcf=out_vcf, workdir=workdir, jobs=jobs)
    except Exception as exc:  # the case boundary (above)
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(unexpected_failure("extract", record, exc), extracted_vcf=str(out_vcf))


def annotate_stage(record: StageRecord, config: Config, panel: Panel) -> StageRecord:
    """Sample QC and annotation (see _annotate_stage)."""
    try:
        return _annotate_stage(record, config, panel)
    except Exception as exc:  # the case boundary (above)
        return unexpected_failure("annotate", record, exc)


def coverage_stage(record: StageRecord, config: Config, panel: Panel) -> dict[str, Any]:
    """Coverage of the panel genes (see _coverage_stage); an unexpected error is a coverage warning."""
    try:
        return _coverage_stage(record, config, panel)
    except Exception as exc:  # the case boundary (above)
        failed = unexpected_failure("coverage", record, exc)
        return {"provided": True, "source": record.case.coverage, "error": failed.failure}


def triage_stage(record: StageRecord, config: Config, panel: Panel, coverage: dict[str, Any] | None = None
                 ) -> tuple[dict[str, Any], str]:
    """triage.json and variants.tsv of the case (see _triage_stage)."""
    try:
        return _triage_stage(record, config, panel, coverage)
    except Exception as exc:  # the case boundary (above)
        return _triage_stage(unexpected_failure("triage", record, exc), config, panel, coverage)
