"""Readers for the public sources the panel is built from.

Each reader returns plain values; no decisions are made here.
- IUIS IEI table (TSV export of the IUIS sheet; 2024 has a GOF/DN column, 2022 does not)
- HGNC complete set (hgnc_id, symbol, prev_symbol, alias_symbol, locus_type, omim_id)
- MANE summary (MANE Select transcript and GRCh38 gene span per HGNC ID)
- GENCODE canonical transcript tables as shipped with SpliceAI (0-based starts, bare chromosome names)
- a PanelApp panel API response (`/api/v1/panels/{id}/`), plain or gzipped JSON
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from pidtriage.errors import PanelError
from pidtriage.panel.model import GeneLocation

__all__ = [
    "HgncRecord",
    "IuisRow",
    "ManeRecord",
    "md5sum",
    "open_text",
    "read_gencode_canonical",
    "read_hgnc",
    "read_iuis",
    "read_mane",
    "read_panelapp_json",
]


def open_text(path: str | Path) -> TextIO:
    p = Path(path)
    if p.suffix == ".gz":
        return gzip.open(p, "rt", encoding="utf-8", newline="")
    return p.open("r", encoding="utf-8", newline="")


def md5sum(path: str | Path) -> str:
    digest = hashlib.md5()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class IuisRow:
    line: int
    disease: str
    genetic_defect: str
    inheritance: str
    gof_dn: str
    omim: str
    t_cells: str
    b_cells: str
    immunoglobulins: str
    neutrophils: str
    other_cells: str
    associated: str
    major_category: str
    subcategory: str


def _cell(row: dict[str, str], *names: str) -> str:
    for name in names:
        for key, value in row.items():
            if key is not None and key.strip().lower() == name.lower():
                return (value or "").strip()
    return ""


def read_iuis(path: str | Path) -> list[IuisRow]:
    """Rows of an IUIS IEI table export (TSV with the sheet's header)."""
    with open_text(path) as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        if not reader.fieldnames or not any((f or "").strip() == "Genetic defect" for f in reader.fieldnames):
            raise PanelError(f"{path}: not an IUIS table export (no 'Genetic defect' column)")
        rows = []
        for i, row in enumerate(reader, start=2):
            rows.append(
                IuisRow(
                    line=i,
                    disease=_cell(row, "Disease"),
                    genetic_defect=(row.get("Genetic defect") or ""),
                    inheritance=_cell(row, "Inheritance"),
                    gof_dn=_cell(row, "GOF/DN"),
                    omim=_cell(row, "OMIM"),
                    t_cells=_cell(row, "T cell count"),
                    b_cells=_cell(row, "B cell count"),
                    immunoglobulins=_cell(row, "Immunoglobulin levels"),
                    neutrophils=_cell(row, "Neutrophil count"),
                    other_cells=_cell(row, "Other affected cells"),
                    associated=_cell(row, "Associated features"),
                    major_category=_cell(row, "Major category"),
                    subcategory=_cell(row, "Subcategory"),
                )
            )
    return rows


@dataclass(frozen=True, slots=True)
class HgncRecord:
    hgnc_id: str
    symbol: str
    status: str
    locus_type: str
    prev_symbols: tuple[str, ...]
    alias_symbols: tuple[str, ...]
    ensembl_gene_id: str
    omim_id: str
    location: str = ""  # cytoband, e.g. "9p13.3"

    @property
    def chromosome(self) -> str:
        """The chromosome named by the cytoband ("" when HGNC gives none)."""
        m = re.match(r"(\d+|X|Y)(?=[pq]|\b| )", self.location)
        return m.group(1) if m else ""


def _split_hgnc_list(value: str) -> tuple[str, ...]:
    value = (value or "").strip().strip('"')
    return tuple(x.strip() for x in value.split("|") if x.strip()) if value else ()


def read_hgnc(path: str | Path) -> list[HgncRecord]:
    with open_text(path) as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        return [
            HgncRecord(
                hgnc_id=row["hgnc_id"],
                symbol=row["symbol"],
                status=row.get("status", ""),
                locus_type=row.get("locus_type", ""),
                prev_symbols=_split_hgnc_list(row.get("prev_symbol", "")),
                alias_symbols=_split_hgnc_list(row.get("alias_symbol", "")),
                ensembl_gene_id=row.get("ensembl_gene_id", "") or "",
                omim_id=row.get("omim_id", "") or "",
                location=row.get("location", "") or "",
            )
            for row in reader
        ]


@dataclass(frozen=True, slots=True)
class ManeRecord:
    hgnc_id: str
    symbol: str
    status: str  # "MANE Select" or "MANE Plus Clinical"
    ensembl_nuc: str
    refseq_nuc: str
    location: GeneLocation


def read_mane(path: str | Path) -> list[ManeRecord]:
    with open_text(path) as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        out = []
        for row in reader:
            out.append(
                ManeRecord(
                    hgnc_id=row["HGNC_ID"],
                    symbol=row["symbol"],
                    status=row["MANE_status"],
                    ensembl_nuc=row["Ensembl_nuc"],
                    refseq_nuc=row["RefSeq_nuc"],
                    location=GeneLocation(
                        chrom=row["GRCh38_chr"].removeprefix("chr"),
                        start=int(row["chr_start"]),
                        end=int(row["chr_end"]),
                        strand=row["chr_strand"],
                        source="MANE_v1.0",
                    ),
                )
            )
        return out


Transcript = tuple[str, str, int, int, list[tuple[int, int]]]  # chrom, strand, tx start, tx end, exons (0-based)


def read_gencode_transcripts(path: str | Path) -> dict[str, list[Transcript]]:
    """Symbol → transcripts from a SpliceAI annotation table (#NAME CHROM STRAND TX_START TX_END EXON_START
    EXON_END; 0-based starts, comma-terminated exon lists), in file order; chromosome names made bare."""
    out: dict[str, list[Transcript]] = {}
    with open_text(path) as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            name, chrom, strand, tx_start, tx_end, starts, ends = line.rstrip("\n").split("\t")[:7]
            exons = [(int(a), int(b)) for a, b in zip(starts.strip(",").split(","), ends.strip(",").split(","), strict=True)]
            out.setdefault(name, []).append((chrom.removeprefix("chr"), strand, int(tx_start), int(tx_end), exons))
    return out


def read_gencode_canonical(path: str | Path, *, source: str) -> dict[str, GeneLocation]:
    """Symbol → transcript span (the first transcript of the symbol; TX_START made 1-based)."""
    return {name: GeneLocation(chrom=chrom, start=start + 1, end=end, strand=strand, source=source)
            for name, [(chrom, strand, start, end, _), *_] in read_gencode_transcripts(path).items()}


def read_panelapp_json(path: str | Path) -> dict[str, Any]:
    """A PanelApp panel detail response, from a file (plain or gzipped)."""
    try:
        with open_text(path) as fh:
            data = json.load(fh)
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise PanelError(f"{path}: not a readable PanelApp JSON response ({exc})") from exc
    if not isinstance(data, dict) or "genes" not in data:
        raise PanelError(f"{path}: PanelApp response has no 'genes' list; expected /api/v1/panels/{{id}}/")
    return data
