"""Which panel genes the input let us assess, gene by gene, and why not (DESIGN.md: `genes_assessed`).

A gene is assessed only on evidence that its variants would have been seen, in this order:

1. its contig has records in the VCF (from the index's counts); a contig with none (a VCF of chr1-2 only, of
   chr21 only) is not assessed: "no records on its chromosome (<contig>) in the VCF";
2. with coverage measured (BAM/CRAM or mosdepth, the coverage stage): assessed when at least `min_gene_fraction` of
   its exon bases are read at `min_depth`; below that, not assessed;
3. with a gVCF (reference blocks in the panel regions): the same rule on the depth the blocks and calls state
   (FORMAT/MIN_DP, else DP);
4. otherwise (a plain VCF): assessed when the proband has at least one called genotype in the gene (with the panel
   padding); none: not assessed, "no calls in the gene" (a plain VCF cannot tell reference from no data).

A gene without coordinates in the build is not assessed; a gene without exons in the exon table falls through
to rule 4. `basis` says which kind of evidence the case had: a plain VCF's scope is never full, because calls in a
gene do not show that all of it was read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from pidtriage.genome import to_naming
from pidtriage.panel.model import PanelGene

__all__ = ["BASIS_CALLS", "BASIS_COVERAGE", "BASIS_GVCF", "GeneAssessment", "assess_genes"]

BASIS_COVERAGE = "coverage"  # BAM/CRAM or mosdepth
BASIS_GVCF = "gVCF reference blocks"
BASIS_CALLS = "calls only (coverage not measured)"


@dataclass(frozen=True, slots=True)
class GeneAssessment:
    """One panel gene: whether the input let us assess it, and the evidence either way."""

    hgnc_id: str
    symbol: str
    assessed: bool
    reason: str


def _has_call(positions: np.ndarray | None, start: int, end: int) -> bool:
    if positions is None or not len(positions):
        return False
    i = int(np.searchsorted(positions, start, side="left"))
    return i < len(positions) and int(positions[i]) <= end


def assess_genes(genes: Sequence[PanelGene], *, build: str, naming: str, padding: int,
                 contigs_with_records: Collection[str] | None, called_positions: Mapping[str, np.ndarray],
                 coverage_fraction: Mapping[str, float] | None, basis: str, min_fraction: float, min_depth: int,
                 ) -> tuple[GeneAssessment, ...]:
    """The rules of the module docstring. `called_positions`: per contig (the VCF's naming), the sorted positions
    where the proband has a called genotype; `coverage_fraction`: per HGNC ID, the fraction of exon bases at
    `min_depth` (None for a plain VCF); `contigs_with_records`: None when the index gave no counts."""
    out = []
    for g in genes:
        loc = g.location(build)
        if loc is None:
            out.append(GeneAssessment(g.hgnc_id, g.symbol, False, f"no {build} coordinates in the panel"))
            continue
        contig = to_naming(loc.chrom, naming)
        if contigs_with_records is not None and contig not in contigs_with_records:
            out.append(GeneAssessment(g.hgnc_id, g.symbol, False, f"no records on its chromosome ({contig}) in the VCF"))
            continue
        if coverage_fraction is not None and g.hgnc_id in coverage_fraction:
            f = coverage_fraction[g.hgnc_id]
            ok = f >= min_fraction
            out.append(GeneAssessment(g.hgnc_id, g.symbol, ok, f"{f:.0%} of exon bases at {min_depth}x or more "
                                      f"({basis}; {min_fraction:.0%} needed)"))
            continue
        if _has_call(called_positions.get(contig), loc.start - padding, loc.end + padding):
            out.append(GeneAssessment(g.hgnc_id, g.symbol, True, "calls in the gene; coverage not measured"))
        else:
            out.append(GeneAssessment(g.hgnc_id, g.symbol, False, "no calls in the gene (a VCF without coverage "
                                      "cannot tell reference from no data)"))
    return tuple(out)
