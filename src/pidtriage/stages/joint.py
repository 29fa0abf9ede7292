"""A joint-called VCF shared by several cases, read once for the cohort (issue #17).

When several probands of the sheet (with their parents) are in one VCF, the workflow's `joint` job reads that
VCF once: it indexes it if needed (once, in the work directory), infers the sex of every one of those samples
from chrX/chrY in one query, and writes the panel regions of just those samples to a small indexed BCF. Each
case's extract stage then reads its family from that file (stages/extract.py, joint_entry) instead of the
whole VCF, and takes its sexes and record counts from this record: the same results, a fraction of the reads.

The rule: nothing here decides anything about a case. A VCF this job cannot read gets a record with `error`
set and an empty BCF; each case of that VCF then reads the VCF itself, as any other input, and fails with
its own one-line reason naming the file.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from pidtriage.config import Config
from pidtriage.errors import PidTriageError
from pidtriage.genome import naming_of
from pidtriage.io import bcftools as ex
from pidtriage.io.jsonio import from_jsonable, read_json
from pidtriage.io.vcf import read_header, record_contigs
from pidtriage.panel.tsv import Panel
from pidtriage.stages.extract import panel_regions, sex_chromosome_regions, whole_vcf_qc
from pidtriage.stages.parallel import fork_call
from pidtriage.stages.record import JointExtract

__all__ = ["joint_extract", "read_joint"]


def joint_extract(vcf: str, samples: Sequence[str], config: Config, panel: Panel, *, out_bcf: str | Path,
                  workdir: str | Path, jobs: int = 1) -> JointExtract:
    """The shared extraction of `vcf` for `samples` (those of them the VCF has): the record each case's
    extract stage reads. With `jobs` > 1 the panel extraction runs beside the sex inference."""
    work = Path(workdir)
    entry = JointExtract(vcf=vcf, realpath=os.path.realpath(vcf), panel_vcf=str(out_bcf))
    try:
        header = read_header(vcf, check_index=True)
        present = [s for s in dict.fromkeys(samples) if s in header.samples]
        if not present:
            raise PidTriageError(f"{vcf}: none of the sheet's samples for it are in the VCF")
        naming = naming_of(header.contigs or record_contigs(vcf))
        regions = panel_regions(panel, config, naming)
        targets = ex.write_bed([*regions, *sex_chromosome_regions(config.build, naming)], work / "targets.bed")
        query, how = ex.ensure_indexed(vcf, work, header=header, targets_bed=targets)
        bed = ex.write_bed(regions, work / "panel.regions.bed")
        child = fork_call(ex.view_regions, query, bed, str(out_bcf), fork=jobs > 1, samples=present)
        try:
            whole = whole_vcf_qc(query, present, header, config, counted=how != "streamed")
        except BaseException:
            child.cancel()
            raise
        child.result()
    except PidTriageError as exc:
        ex.write_empty_bcf(out_bcf)
        return dataclasses.replace(entry, error=str(exc))
    return dataclasses.replace(entry, how=how, samples=tuple(present), whole_vcf=whole)


def read_joint(paths: Iterable[str | Path]) -> dict[str, JointExtract]:
    """The joint records at `paths`, by the real path of the VCF each was made from."""
    out: dict[str, JointExtract] = {}
    for path in paths:
        entry: JointExtract = from_jsonable(JointExtract, read_json(path))
        out[entry.realpath] = entry
    return out
