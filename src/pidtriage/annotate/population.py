"""Population frequency from a gnomAD-style sites VCF through the configured INFO keys."""

from __future__ import annotations

from collections.abc import Mapping

from pidtriage.models import PopulationFrequency

__all__ = ["population_frequency"]


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
