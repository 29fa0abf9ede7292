"""Which transcript a variant's HGVS is on, in words a clinician can quote: the MANE RefSeq ID is named beside a
transcript only when that transcript is the gene's MANE Select (same stable ID, Ensembl or RefSeq); any other
transcript is said to be "not the MANE transcript", and ClinVar's HGVS, which names none, is said to be ClinVar's.

    the MANE transcript, the MANE version   -> "NM_000081.4 (MANE Select, ENST00000389793.7)"
    the MANE transcript, another version    -> "ENST00000389793.2 (MANE Select is ENST00000389793.7 / NM_000081.4)"
    another transcript                      -> "ENST00000487530, not the MANE transcript (MANE Select:
                                                ENST00000389793.7 / NM_000081.4)"
    no transcript named (ClinVar's HGVS)    -> "transcript not stated: HGVS as ClinVar gives it"

A transcript ID without a version (bcftools csq's, VEP's `Feature` when its HGVSc names none) is read as the MANE
version of the same stable ID.
"""

from __future__ import annotations

from dataclasses import dataclass

from pidtriage.models import Consequence

__all__ = ["Nomenclature", "nomenclature"]


def _stable(tx: str) -> str:
    return tx.split(".")[0]


@dataclass(frozen=True, slots=True)
class Nomenclature:
    """A candidate's transcript facts: the transcript its HGVS is on, whether that is the gene's MANE Select, the MANE
    RefSeq ID (only then), and the words of the module docstring."""

    transcript: str
    mane_select: bool
    mane_refseq: str
    label: str


def _mane_words(ensembl: str, refseq: str) -> str:
    return " / ".join(x for x in (ensembl, refseq) if x)


def nomenclature(cons: Consequence | None, *, mane_ensembl: str, mane_refseq: str) -> Nomenclature:
    """The transcript facts of a consequence in a gene whose MANE Select is `mane_ensembl` / `mane_refseq` (the
    panel's; "" when the gene has none)."""
    if cons is None or not (cons.hgvs_c or cons.hgvs_p or cons.transcript):
        return Nomenclature("", False, "", "no HGVS available")
    tx = cons.transcript
    if not tx:
        source = "ClinVar gives it" if cons.source == "clinvar_hgvs" else "the annotation gives it"
        return Nomenclature("", False, "", f"transcript not stated: HGVS as {source}")
    same = {_stable(x) for x in (mane_ensembl, mane_refseq) if x}
    is_mane = _stable(tx) in same or (cons.is_mane_select and not same)
    if not is_mane and not cons.is_mane_select:
        mane = _mane_words(mane_ensembl, mane_refseq)
        what = f"MANE Select: {mane}" if mane else "the gene has no MANE Select transcript"
        return Nomenclature(tx, False, "", f"{tx}, not the MANE transcript ({what})")
    refseq = cons.mane_refseq or (mane_refseq if _stable(tx) in same else "")
    if tx.startswith("NM_"):
        return Nomenclature(tx, True, refseq or tx, f"{tx} (MANE Select)")
    if tx in (mane_ensembl, mane_refseq) or "." not in tx or not mane_ensembl or _stable(tx) != _stable(mane_ensembl):
        label = f"{refseq} (MANE Select, {tx})" if refseq else f"{tx} (MANE Select)"
        return Nomenclature(tx, True, refseq, label)
    return Nomenclature(tx, True, refseq, f"{tx} (MANE Select is {_mane_words(mane_ensembl, refseq)})")
