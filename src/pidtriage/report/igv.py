"""IGV session files for reviewing the candidates where the laboratory already looks at reads: `cohort/igv/<case>.xml`
per case and `cohort/igv_session.xml` for the cohort, in IGV desktop's session format (igv.js reads it too).

A case's session opens its BAM/CRAM (the sample sheet's `coverage` column, when it names one), its input VCF and
its candidates.vcf.gz, at the loci of its qualifying findings (else its rank-1 candidate), with every candidate
and low-quality call as a region of interest (IGV's Region Navigator lists them, with rank, gene and class). The
cohort's session holds every case's candidates.vcf.gz and every candidate as a region. Files under the results
directory are named relative to the session file (IGV resolves them so; the results can be moved as a whole);
the inputs by their absolute path. The genome is IGV's hosted hg19 or hg38 for the run's build.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import quoteattr

from pidtriage.result.case_result import CandidateResult, CaseResult

__all__ = ["IGV_GENOMES", "case_session", "cohort_session"]

IGV_GENOMES = {"GRCh37": "hg19", "GRCh38": "hg38"}  # IGV's hosted genomes; both accept "1" as well as "chr1"
_FLANK = 50  # bases shown on each side of a variant when a session opens at it (display only)
_ALIGNMENTS = (".bam", ".cram")


def _rel(path: Path, start: Path) -> str:
    return os.path.relpath(path, start)


def _abs(path: str) -> str:
    return str(Path(path).resolve()) if path else ""


def _region(result: CaseResult, c: CandidateResult, *, low: bool, with_case: bool) -> str:
    what = (("low-quality call" if low else f"rank {c.rank}") + f" {c.gene} {c.finding} {c.acmg_class} {c.hgvs_c} "
            f"{c.hgvs_p}")
    if with_case:
        what = f"{result.sample_id}: {what}"
    return (f'        <RegionOfInterest chromosome={quoteattr(c.chrom)} start="{c.pos - 1}" '
            f'end="{c.pos - 1 + max(1, len(c.ref))}" description={quoteattr(" ".join(what.split()))}/>')


def _regions(result: CaseResult, *, with_case: bool = False) -> list[str]:
    rows = [(c, False) for c in result.candidates] + [(c, True) for c in result.low_quality_calls]
    return [_region(result, c, low=low, with_case=with_case) for c, low in rows]


def _loci(result: CaseResult) -> str:
    """Where the case's session opens: the variants of its qualifying findings (IGV shows several loci side by
    side), else its rank-1 candidate; "" (the whole genome) when it has none."""
    keys = [k for f in result.qualifying_findings for k in f.variants]
    if not keys and result.candidates:
        keys = [result.candidates[0].key]
    return " ".join(f"{k.chrom}:{max(1, k.pos - _FLANK)}-{k.pos + _FLANK}" for k in dict.fromkeys(keys))


def _session(genome: str, locus: str, resources: Sequence[tuple[str, str, str]], regions: Sequence[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8" standalone="no"?>',
             f'<Session genome={quoteattr(genome)} hasGeneTrack="true" hasSequenceTrack="true"'
             + (f" locus={quoteattr(locus)}" if locus else "") + ' version="8">', "    <Resources>"]
    for name, path, index in resources:
        lines.append(f"        <Resource name={quoteattr(name)} path={quoteattr(path)}"
                     + (f" index={quoteattr(index)}" if index else "") + "/>")
    lines.append("    </Resources>")
    if regions:
        lines += ["    <Regions>", *regions, "    </Regions>"]
    lines.append("</Session>")
    return "\n".join(lines) + "\n"


def _input_index(vcf: str) -> str:
    for suffix in (".tbi", ".csi"):
        if os.path.exists(vcf + suffix):
            return vcf + suffix
    return ""


def case_session(result: CaseResult, *, session_dir: Path, case_dir: Path) -> str:
    """The case's session (written to `session_dir`; the case's results in `case_dir`)."""
    sid = result.sample_id
    resources: list[tuple[str, str, str]] = []
    alignments = _abs(result.coverage.source)
    if alignments.endswith(_ALIGNMENTS):
        resources.append((f"{sid} reads", alignments, ""))
    vcf = _abs(result.case.vcf)
    if vcf and os.path.exists(vcf):
        resources.append((f"{sid} input VCF", vcf, _input_index(vcf)))
    cands = case_dir / "candidates.vcf.gz"
    resources.append((f"{sid} pidtriage candidates", _rel(cands, session_dir), _rel(Path(f"{cands}.tbi"), session_dir)))
    return _session(IGV_GENOMES.get(result.provenance.genome_build, "hg38"), _loci(result), resources,
                    _regions(result))


def cohort_session(results: Sequence[CaseResult], *, session_dir: Path, case_dirs: Mapping[str, Path]) -> str:
    """The cohort's session: every case's candidates.vcf.gz and every candidate as a region of interest."""
    resources, regions = [], []
    for result in results:
        sid = result.sample_id
        cands = case_dirs[sid] / "candidates.vcf.gz"
        resources.append((f"{sid} pidtriage candidates", _rel(cands, session_dir),
                          _rel(Path(f"{cands}.tbi"), session_dir)))
        regions += _regions(result, with_case=True)
    builds = sorted({r.provenance.genome_build for r in results})
    first = next((r for r in results if r.candidates), None)
    return _session(IGV_GENOMES.get(builds[0], "hg38") if builds else "hg38", _loci(first) if first else "",
                    resources, regions)
