"""The extract stage: the panel regions of the proband's VCF (with the parents in it), merged with the parents'
own VCFs; beside it, in a second process, the sex chromosomes of the same input are read for sex inference (two
htslib passes on two cores: tests/benchmarks/RESULTS.md)."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from pidtriage.config import Config
from pidtriage.errors import PidTriageError
from pidtriage.genome import naming_of, non_par, to_naming
from pidtriage.io import bcftools as ex
from pidtriage.io.genotype_table import GenotypeTable, genotype_table, records_per_contig
from pidtriage.io.vcf import VcfHeader, read_header, record_contigs
from pidtriage.panel.ops import bed_regions
from pidtriage.panel.tsv import Panel
from pidtriage.qc.sex import infer_sex
from pidtriage.stages.parallel import fork_call
from pidtriage.stages.record import (
    JointExtract,
    PanelExtract,
    StageRecord,
    WholeVcfSample,
    input_named,
    unexpected_failure,
)

__all__ = ["extract_stage"]


def _extract_stage(record: StageRecord, config: Config, panel: Panel, *, out_vcf: str | Path, workdir: str | Path,
                   jobs: int = 1, joint: Mapping[str, JointExtract] | None = None) -> StageRecord:
    """Panel regions of the proband's VCF (with the parents in it), merged with the parents' own VCFs.

    With `jobs` > 1 the work is spread over processes: the extraction runs beside the sex inference, and a
    single VCF's regions are extracted in `jobs` groups of contigs at once (see _extract_part). A VCF with a
    shared extraction in `joint` (a joint-called VCF of several cases) is read from that instead."""
    if record.failure:
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(record, extracted_vcf=str(out_vcf))
    work = Path(workdir)
    sid = record.case.sample_id
    try:
        parts = [(record.case.vcf, record.samples_in_vcf)] + [(vcf, (name,)) for name, vcf in record.parent_vcfs]
        outputs: list[str] = []
        whole_vcf: dict[str, WholeVcfSample] = {}
        naming, streamed, extract = "", False, None
        for i, (vcf, samples) in enumerate(parts):
            part_header = record.input_header(vcf)
            part_naming = naming_of(part_header.contigs or record_contigs(vcf))
            naming = naming or part_naming
            regions = panel_regions(panel, config, part_naming)
            target = out_vcf if len(parts) == 1 else work / f"{sid}.part{i}.vcf.gz"
            shared = joint_entry(joint, vcf, samples)
            if shared:  # a joint-called VCF read once for the cohort: its panel regions and the sexes from there
                query, how = shared.panel_vcf, shared.how
                whole_vcf.update({s: shared.whole_vcf[s] for s in samples})
                table = _extract_part(query, regions, str(target), samples=samples, subset_samples=True,
                                      reference_fasta=config.path("annotation", "reference_fasta"),
                                      read_table=len(parts) == 1, jobs=1)
            else:
                targets = ex.write_bed([*regions, *sex_chromosome_regions(config.build, part_naming)],
                                       work / f"{sid}.targets.{part_naming}.bed")
                query, how = ex.ensure_indexed(vcf, work, header=part_header, targets_bed=targets)
                # the extraction (and, for a single VCF, reading its genotype table) in a child process, while
                # this one reads sex from chrX/chrY of the same input: two cores for two htslib passes
                child = fork_call(_extract_part, query, regions, str(target), fork=jobs > 1, samples=samples,
                                  subset_samples=tuple(samples) != part_header.samples,
                                  reference_fasta=config.path("annotation", "reference_fasta"),
                                  read_table=len(parts) == 1, jobs=jobs)
                try:
                    whole_vcf.update(whole_vcf_qc(query, samples, part_header, config, counted=how != "streamed"))
                except BaseException:
                    child.cancel()  # it must not write the extract after this case is reported failed
                    raise
                table = child.result()
            streamed = streamed or how == "streamed"
            if table is not None:  # a single VCF: its extract as read, for the later steps
                extract = PanelExtract(read_header(target, check_compression=False), table)
            outputs.append(str(target))
        if len(parts) > 1:
            ex.merge_family(outputs, out_vcf, naming=naming)
            for extra in outputs:
                for f in (extra, extra + ".tbi"):
                    Path(f).unlink(missing_ok=True)
    except PidTriageError as exc:
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(record, failure=input_named(exc, record, work, Path(out_vcf).parent),
                                   extracted_vcf=str(out_vcf))
    notes = list(record.notes)
    if streamed:
        notes.append("input not indexed and not bgzipped: read once in a stream (bcftools view -T) over the panel "
                     "and the sex chromosomes; the whole-VCF record count is not available")
    if record.parent_vcfs:
        notes.append("parents from their own VCFs: a site absent from a parent's VCF is taken as homozygous "
                     "reference for phasing, but not as confident enough to call a variant de novo")
    return dataclasses.replace(record, extracted_vcf=str(out_vcf), samples_in_vcf=tuple(whole_vcf),
                               whole_vcf=whole_vcf, notes=tuple(notes), extract=extract)


def _extract_part(vcf: str, regions: Sequence[tuple[str, int, int, str]], target: str, *, samples: Sequence[str],
                  subset_samples: bool, reference_fasta: str, read_table: bool, jobs: int) -> GenotypeTable | None:
    """extract_regions into `target`, then (`read_table`) the genotype table of what it wrote, for the
    annotate stage. With `jobs` > 1 the regions are split into groups of whole contigs, extracted (and read)
    side by side, and the extracts concatenated (bcftools concat --naive: no recompression)."""
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


def whole_vcf_qc(query: str, samples: Sequence[str], header: VcfHeader, config: Config, *,
                 counted: bool) -> dict[str, WholeVcfSample]:
    """Sex (chrX/chrY through the index), the record count and the contigs with records (from the index) of the
    samples of one input VCF; `counted` False for a streamed copy that holds only the targets."""
    if not header.contigs:  # no ##contig lines: the names come from the index just made
        header = read_header(query, check_compression=False)
    counts = records_per_contig(query) if counted else {}  # from the index, read once for sex and the counts
    sexes = infer_sex(query, samples, contigs=header.contigs, formats=header.formats, build=config.build,
                      thresholds=config.get("qc"), records_per_contig=counts)
    count = sum(counts.values()) if counts else None
    contigs = tuple(sorted(c for c, n in counts.items() if n > 0)) if counts else None  # None: not known (gene_scope)
    return {s: WholeVcfSample(sex=sexes[s].inferred, sex_evidence=sexes[s].explanation, records_in_vcf=count,
                              contigs_with_records=contigs) for s in samples}


def panel_regions(panel: Panel, config: Config, naming: str) -> list[tuple[str, int, int, str]]:
    """The panel's regions (padded as configured, 0-based BED) in the contig naming of an input."""
    return bed_regions(panel, build=config.build, padding=int(config.get("panel_padding")), chr_prefix=naming == "chr")


def joint_entry(joint: Mapping[str, JointExtract] | None, vcf: str, samples: Sequence[str]) -> JointExtract | None:
    """The shared extraction of `vcf` (stages/joint.py) when there is one that holds every one of `samples`;
    None otherwise (the case then reads the VCF itself, and names its problem, as for any other input)."""
    entry = (joint or {}).get(os.path.realpath(vcf))
    if not entry or entry.error or not all(s in entry.whole_vcf for s in samples):
        return None
    return entry


def sex_chromosome_regions(build: str, naming: str) -> list[tuple[str, int, int, str]]:
    """chrX and chrY between their PARs (0-based BED), the regions sex inference reads."""
    return [(to_naming(name, naming), non_par(name, build)[0] - 1, non_par(name, build)[1], f"chr{name}_non_PAR")
            for name in ("X", "Y")]


def extract_stage(record: StageRecord, config: Config, panel: Panel, *, out_vcf: str | Path, workdir: str | Path,
                  jobs: int = 1, joint: Mapping[str, JointExtract] | None = None) -> StageRecord:
    """Panel regions of the proband's VCF (see _extract_stage); an empty extract when the case failed."""
    try:
        return _extract_stage(record, config, panel, out_vcf=out_vcf, workdir=workdir, jobs=jobs, joint=joint)
    except Exception as exc:  # the case boundary (above)
        ex.write_empty_vcf(out_vcf)
        return dataclasses.replace(unexpected_failure("extract", record, exc), extracted_vcf=str(out_vcf))
