"""Reading the IUIS table's cells: gene symbols, inheritance, mechanism, table numbers.

The IUIS sheet is typed by people. `split_defect` separates a `Genetic defect` cell into gene-symbol
candidates or names it a non-gene (chromosomal deletions, "Unknown"); `parse_inheritance` and
`parse_mechanism` map the free text onto the controlled vocabularies of `panel.model`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pidtriage.panel.model import Mechanism, Moi

__all__ = ["DefectCell", "parse_inheritance", "parse_mechanism", "parse_subcategory", "parse_table", "split_defect"]

_NON_GENE = re.compile(r"\bdel\b|deletion|^del|del$|\bunknown\b|environment|\d+[pq]\d", re.I)
_SYMBOL = re.compile(r"^[A-Z][A-Za-z0-9-]*[A-Z0-9][A-Za-z0-9-]*$|^[A-Z0-9]{2,}$")
_MECHANISM_WORDS = {"GOF", "LOF", "DN"}


@dataclass(frozen=True, slots=True)
class DefectCell:
    """A `Genetic defect` cell read: the symbols to resolve, alternatives given in brackets, or why none."""

    raw: str
    symbols: tuple[str, ...]
    bracketed: tuple[str, ...]
    mechanism_hint: str
    non_gene_reason: str


def split_defect(raw: str) -> DefectCell:
    text = " ".join(raw.split())
    if not text:
        return DefectCell(raw, (), (), "", "empty cell")
    if _NON_GENE.search(text):
        reason = "no gene named" if "unknown" in text.lower() else "chromosomal region, not a single gene"
        return DefectCell(raw, (), (), "", reason)
    bracketed = tuple(re.findall(r"\(([^)]*)\)", text))
    main = re.sub(r"\([^)]*\)", " ", text)
    main = re.sub(r"\bc\.\s*\S.*$", " ", main)  # a variant written after the symbol ("IKBKG c. 671+3 G > C")
    tokens = [t for t in re.split(r"[\s+,/;.]+", main) if t]
    hint = next((t for t in tokens if t.upper() in _MECHANISM_WORDS), "")
    symbols = tuple(t for t in tokens if t.upper() not in _MECHANISM_WORDS and _SYMBOL.match(t) and len(t) > 1)
    alts = tuple(a.strip() for part in bracketed for a in re.split(r"[\s,/;]+", part) if _SYMBOL.match(a.strip()))
    if not symbols:
        return DefectCell(raw, (), alts, hint, "no gene symbol recognised")
    return DefectCell(raw, symbols, alts, hint.upper(), "")


def parse_inheritance(text: str) -> Moi:
    """Map an IUIS `Inheritance` cell onto the vocabulary (unknown when it names none)."""
    t = " ".join(text.split()).upper()
    has_ad, has_ar = bool(re.search(r"\bAD\b", t)), bool(re.search(r"\bAR\b", t))
    if re.search(r"\bXLD\b", t) or ("XL" in t and "FEMALES MAY BE AFFECTED" in t):
        return Moi.XLD
    if re.search(r"\bXLR\b", t):
        return Moi.XLR
    if re.search(r"\bXL\b", t):
        return Moi.XL
    if has_ad and has_ar:
        return Moi.AD_AR
    if has_ad:
        return Moi.AD
    if has_ar:
        return Moi.AR
    return Moi.UNKNOWN


def parse_mechanism(gof_dn: str, *, inheritance: str = "", disease: str = "", hint: str = "") -> Mechanism:
    """Mechanism of one IUIS entry from its GOF/DN column (2024), with the other cells as fallback.

    A blank GOF/DN column means loss of function: IUIS marks gain of function and dominant negative
    entries explicitly. "Haplosufficiency" (sic, for haploinsufficiency) is loss of function.
    """
    words = set(re.findall(r"[A-Z]+", " ".join((gof_dn, hint)).upper()))
    words |= set(re.findall(r"\b(GOF|LOF|DN)\b", inheritance.upper()))
    if re.search(r"\bGOF\b|gain[- ]of[- ]function", disease, re.I):
        words.add("GOF")
    if re.search(r"dominant[- ]negative", disease, re.I):
        words.add("DN")
    if "HAPLOSUFFICIENCY" in words or "HAPLOINSUFFICIENCY" in words:
        words.add("LOF")
    found = {m for m in (Mechanism.GOF, Mechanism.DN, Mechanism.LOF) if m.value in words}
    if not found:
        return Mechanism.LOF
    return next(iter(found)) if len(found) == 1 else Mechanism.MIXED


def parse_table(major_category: str) -> str:
    """'Table 3 Predominantly Antibody Deficiencies' → '3' ('' when absent)."""
    m = re.match(r"\s*Table\s+(\d+)", major_category, re.I)
    return m.group(1) if m else ""


def parse_subcategory(table: str, subcategory: str) -> str:
    """'Subtable 2 T-B- SCID' in table 1 → '1.2 T-B- SCID' ('' when absent)."""
    text = " ".join(subcategory.split())
    m = re.match(r"Subtable\s+(\d+)\s*(.*)", text, re.I)
    if not m:
        return f"{table}.{text}" if text and table else text
    return f"{table}.{m.group(1)} {m.group(2)}".strip() if table else text
