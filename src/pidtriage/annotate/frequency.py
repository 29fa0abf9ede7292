"""Population frequency from a gnomAD-style sites VCF through the configured INFO keys."""

from __future__ import annotations

from collections.abc import Mapping

from pidtriage.models import PopulationFrequency

__all__ = ["combine_frequencies", "population_frequency"]


def _float(value: str | None) -> float | None:
    try:
        return float(value) if value not in (None, "", ".") else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    f = _float(value)
    return int(f) if f is not None else None


def population_frequency(
    info: Mapping[str, str] | None, *, af_field: str, an_field: str = "", faf_field: str = "", nhomalt_field: str = "",
    nhemi_field: str = "", grpmax_field: str = "",
) -> PopulationFrequency:
    """A record's frequencies; `found=False` when the resource has no record for the allele."""
    if info is None:
        return PopulationFrequency(af=None, found=False)
    af = _float(info.get(af_field))
    an = _int(info.get(an_field)) if an_field else None
    if af is None and an == 0:
        return PopulationFrequency(af=None, an=0, found=False)  # site listed, allele never observed
    return PopulationFrequency(
        af=af,
        an=an,
        faf=_float(info.get(faf_field)) if faf_field else None,
        nhomalt=_int(info.get(nhomalt_field)) if nhomalt_field else None,
        nhemi=_int(info.get(nhemi_field)) if nhemi_field else None,
        grpmax=_float(info.get(grpmax_field)) if grpmax_field else None,
        found=af is not None,
    )


def combine_frequencies(a: PopulationFrequency, b: PopulationFrequency) -> PopulationFrequency:
    """Exomes and genomes given as separate files (gnomAD v2-v4 both ship them): allele numbers and counts add
    up, the AF is the AN-weighted mean (the larger AF when an AN is missing), FAF and grpmax take the larger
    value. Absent from both is absent."""
    if not a.found and not b.found:
        ans = [x.an for x in (a, b) if x.an]
        return PopulationFrequency(af=None, an=sum(ans) if ans else None, found=False)
    present = [x for x in (a, b) if x.found]

    def add(values: list[int | None]) -> int | None:
        known = [v for v in values if v is not None]
        return sum(known) if known else None

    def larger(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return max(known) if known else None

    an = add([a.an, b.an])
    af: float | None
    if all(x.an for x in (a, b)) and an:
        af = ((a.af or 0.0) * (a.an or 0) + (b.af or 0.0) * (b.an or 0)) / an
    else:
        af = larger([x.af for x in present])
    return PopulationFrequency(
        af=af, an=an, faf=larger([a.faf, b.faf]), nhomalt=add([a.nhomalt, b.nhomalt]),
        nhemi=add([a.nhemi, b.nhemi]), grpmax=larger([a.grpmax, b.grpmax]), found=True,
    )
