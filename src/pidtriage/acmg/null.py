"""PVS1: a null variant in a gene where loss of function causes disease, at the strength the ClinGen SVI
decision tree (Abou Tayoun et al. 2018) gives for what can be judged from the annotation:

- nonsense / frameshift predicted to undergo NMD (not in the last exon): very strong;
- in the last exon (NMD escape): strong when it removes >= `acmg.pvs1_min_removed_fraction` (10 %) of the
  protein, moderate below (and moderate
  when the protein length is unknown);
- canonical +/-1,2 splice sites: strong (whether exon skipping keeps the reading frame is not assessed here;
  the tree gives very strong only when it does not);
- initiation codon: moderate; whole-transcript ablation: very strong.
Genes whose disease mechanism is gain of function or dominant negative only: not met.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pidtriage.acmg.base import POINTS, crit, scaled
from pidtriage.annotate.consequence import NULL_TERMS
from pidtriage.models import AnnotatedVariant, Consequence, Criterion, Outcome
from pidtriage.panel.model import Disease, Mechanism, PanelGene

__all__ = ["pvs1", "removed_fraction"]


def removed_fraction(c: Consequence) -> float | None:
    """Fraction of the protein after the variant's first residue, from VEP's `Protein_position` `p/len`."""
    m = re.match(r"^(\d+)(?:-\d+)?/(\d+)$", c.protein_position or "")
    if not m or int(m.group(2)) == 0:
        return None
    pos, length = int(m.group(1)), int(m.group(2))
    return max(0, length - pos + 1) / length


def _met(strength: str, text: str) -> Criterion:
    return crit(scaled("PVS1", "very_strong", strength), Outcome.MET, strength, POINTS[strength], text)


def pvs1(av: AnnotatedVariant, gene: PanelGene, diseases: Sequence[Disease] | None = None, *,
         min_removed: float = 0.1) -> Criterion:
    """PVS1 for the gene's disease entries under judgement (`diseases`, default all of them): a gene with an AD
    gain-of-function entry and an AR loss-of-function entry (UNC93B1, STAT1...) gets PVS1 only for the latter."""
    c = av.consequence
    if c is None:
        return crit("PVS1", Outcome.NOT_EVALUATED, "very_strong", 0, "no consequence annotation")
    null = sorted(set(c.so_terms) & NULL_TERMS)
    if not null:
        return crit("PVS1", Outcome.NOT_MET, "very_strong", 0, f"{'&'.join(c.so_terms)} is not a null variant")
    entries = gene.diseases if diseases is None else tuple(diseases)
    lof_diseases = [d for d in entries if d.mechanism in (Mechanism.LOF, Mechanism.MIXED, Mechanism.UNKNOWN)]
    if (not entries and gene.mechanism in (Mechanism.GOF, Mechanism.DN)) or (entries and not lof_diseases):
        mechanism = "/".join(sorted({str(d.mechanism) for d in entries})) or str(gene.mechanism)
        return crit("PVS1", Outcome.NOT_MET, "very_strong", 0,
                    f"{null[0]} in {gene.symbol}, whose disease mechanism{' here' if diseases is not None else ''} is "
                    f"{mechanism}: loss of function is not the mechanism")
    term = null[0]
    if "transcript_ablation" in null:
        return _met("very_strong", f"the whole {gene.symbol} transcript is deleted")
    if set(null) & {"stop_gained", "frameshift_variant"}:
        exon = c.exon.split("/") if c.exon else []
        if len(exon) == 2 and exon[0] == exon[1]:
            frac = removed_fraction(c)
            where = f"in the last exon ({c.exon}) of {gene.symbol}: may escape NMD"
            if frac is None:
                return _met("moderate", f"{term} {where}; the share of the protein removed is unknown")
            strength = "strong" if frac >= min_removed else "moderate"
            return _met(strength, f"{term} {where}, removing {frac:.0%} of the protein "
                                  f"({'>=' if frac >= min_removed else '<'} {min_removed:.0%})")
        where = f"exon {c.exon}" if c.exon else "exon not given, NMD assumed"
        return _met("very_strong", f"{term} in {gene.symbol} ({where}): predicted to undergo NMD in a gene where "
                                   "loss of function causes disease")
    if set(null) & {"splice_donor_variant", "splice_acceptor_variant"}:
        return _met("strong", f"{term} (canonical +/-1,2) in {gene.symbol}; whether exon skipping keeps the reading "
                              "frame is not assessed, so strong rather than very strong")
    return _met("moderate", f"{term} in {gene.symbol}: initiation codon variant (moderate per ClinGen SVI)")
