"""The coverage stage: coverage of the panel genes' exons from the sheet's BAM/CRAM or mosdepth file."""

from __future__ import annotations

from pidtriage.config import Config
from pidtriage.errors import InputError, PidTriageError
from pidtriage.panel.tsv import Panel
from pidtriage.qc import depth as cov
from pidtriage.result.case_result import CoverageSection
from pidtriage.stages.record import StageRecord, unexpected_failure

__all__ = ["coverage_stage"]


def _coverage_stage(record: StageRecord, config: Config, panel: Panel) -> CoverageSection:
    """Coverage of the panel genes from the sheet's `coverage` file; a file that cannot be read is a QC
    warning (coverage not assessed), not a failed case: the variant calls are still valid."""
    source = record.case.coverage
    if record.failure or not source:
        return CoverageSection(provided=False, source=source)
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
        return CoverageSection(provided=True, source=source, error=str(exc))
    return cov.summarise(genes, min_fraction=fraction, min_depth=depth, source=source, method=method,
                         panel_symbols={g.hgnc_id: g.symbol for g in panel.genes})


def coverage_stage(record: StageRecord, config: Config, panel: Panel) -> CoverageSection:
    """Coverage of the panel genes (see _coverage_stage); an unexpected error is a coverage warning."""
    try:
        return _coverage_stage(record, config, panel)
    except Exception as exc:  # the case boundary (above)
        failed = unexpected_failure("coverage", record, exc)
        return CoverageSection(provided=True, source=record.case.coverage, error=failed.failure)
