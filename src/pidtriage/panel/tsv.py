"""Read and write the panel TSV (`gene_panels/*.tsv`).

The file starts with `## key=value` provenance lines (panel name and version, build date, sources with
md5 checksums), then one header line and one row per gene. Per-disease columns (`diseases`,
`disease_moi`, `disease_mechanism`, `iuis_table_per_disease`, `iuis_subcategory_per_disease`,
`immunophenotypes`) hold one entry per disease, separated by " | " and aligned by position.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pidtriage.errors import PanelError
from pidtriage.panel.model import Disease, GeneLocation, Mechanism, Moi, PanelGene

__all__ = ["COLUMNS", "Panel", "format_panel", "read_panel", "write_panel"]

SEP = " | "

COLUMNS: tuple[str, ...] = (
    "hgnc_id",
    "symbol",
    "aliases",
    "moi",
    "mechanism",
    "iuis_tables",
    "iuis_subcategories",
    "diseases",
    "disease_moi",
    "disease_mechanism",
    "iuis_table_per_disease",
    "iuis_subcategory_per_disease",
    "immunophenotypes",
    "mane_select_ensembl",
    "mane_select_refseq",
    "grch38_chrom",
    "grch38_start",
    "grch38_end",
    "grch38_strand",
    "grch38_source",
    "grch37_chrom",
    "grch37_start",
    "grch37_end",
    "grch37_strand",
    "grch37_source",
    "iuis_symbol",
    "symbol_resolution",
    "panelapp_confidence",
    "panelapp_penetrance",
    "panelapp_moi",
)

REQUIRED_COLUMNS = ("hgnc_id", "symbol", "moi")


@dataclass(frozen=True, slots=True)
class Panel:
    """A panel: its provenance header and its genes, sorted by HGNC ID number."""

    name: str
    version: str
    header: tuple[tuple[str, str], ...]
    genes: tuple[PanelGene, ...]
    path: str = ""

    def by_hgnc_id(self) -> dict[str, PanelGene]:
        return {g.hgnc_id: g for g in self.genes}

    def header_value(self, key: str, default: str = "") -> str:
        for k, v in self.header:
            if k == key:
                return v
        return default


def _location_cells(loc: GeneLocation | None) -> list[str]:
    if loc is None:
        return ["", "", "", "", ""]
    return [loc.chrom, str(loc.start), str(loc.end), loc.strand, loc.source]


def _gene_row(g: PanelGene) -> list[str]:
    d = g.diseases
    return [
        g.hgnc_id,
        g.symbol,
        ",".join(g.aliases),
        g.moi.value,
        g.mechanism.value,
        ",".join(g.iuis_tables),
        SEP.join(g.iuis_subcategories),
        SEP.join(x.iuis_label for x in d),
        SEP.join(x.moi.value for x in d),
        SEP.join(x.mechanism.value for x in d),
        SEP.join(x.iuis_table for x in d),
        SEP.join(x.iuis_subcategory or "." for x in d),
        SEP.join(x.immunophenotype or "." for x in d),
        g.mane_ensembl,
        g.mane_refseq,
        *_location_cells(g.grch38),
        *_location_cells(g.grch37),
        g.iuis_symbol,
        g.symbol_resolution,
        g.panelapp_confidence,
        g.penetrance,
        g.panelapp_moi.value if g.panelapp_moi else "",
    ]


def format_panel(panel: Panel) -> str:
    """The panel as TSV text, deterministic for the same content."""
    out = io.StringIO()
    for key, value in panel.header:
        out.write(f"## {key}={value}\n")
    writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for gene in panel.genes:
        writer.writerow(_gene_row(gene))
    return out.getvalue()


def write_panel(panel: Panel, path: str | Path) -> None:
    Path(path).write_text(format_panel(panel), encoding="utf-8")


def _split(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(SEP)] if cell.strip() else []


def _parse_location(row: dict[str, str], build: str) -> GeneLocation | None:
    chrom = row.get(f"{build}_chrom", "")
    if not chrom:
        return None
    try:
        return GeneLocation(
            chrom=chrom,
            start=int(row[f"{build}_start"]),
            end=int(row[f"{build}_end"]),
            strand=row.get(f"{build}_strand", "") or "",
            source=row.get(f"{build}_source", ""),
        )
    except (KeyError, ValueError) as exc:
        raise PanelError(f"{row.get('hgnc_id')}: bad {build} coordinates ({exc})") from exc


def _parse_diseases(row: dict[str, str]) -> tuple[Disease, ...]:
    names = _split(row.get("diseases", ""))
    if not names:
        return ()
    columns = {
        key: _split(row.get(key, ""))
        for key in (
            "disease_moi",
            "disease_mechanism",
            "iuis_table_per_disease",
            "iuis_subcategory_per_disease",
            "immunophenotypes",
        )
    }
    diseases = []
    for i, label in enumerate(names):

        def cell(key: str, i: int = i) -> str:
            values = columns[key]
            value = values[i] if i < len(values) else ""
            return "" if value == "." else value

        name, omim = label, ""
        if label.endswith(")") and "(OMIM:" in label:
            name, _, rest = label.rpartition(" (OMIM:")
            omim = rest[:-1]
        diseases.append(
            Disease(
                name=name,
                omim=omim,
                moi=Moi(cell("disease_moi") or row["moi"]),
                mechanism=Mechanism(cell("disease_mechanism") or "unknown"),
                iuis_table=cell("iuis_table_per_disease"),
                iuis_subcategory=cell("iuis_subcategory_per_disease"),
                immunophenotype=cell("immunophenotypes"),
            )
        )
    return tuple(diseases)


def _parse_gene(row: dict[str, str], where: str) -> PanelGene:
    try:
        moi = Moi(row["moi"].strip() or "unknown")
        mechanism = Mechanism((row.get("mechanism") or "unknown").strip())
    except ValueError as exc:
        raise PanelError(f"{where}: {exc}; allowed moi: {', '.join(m.value for m in Moi)}") from exc
    aliases = tuple(a for a in (row.get("aliases") or "").split(",") if a)
    return PanelGene(
        hgnc_id=row["hgnc_id"].strip(),
        symbol=row["symbol"].strip(),
        moi=moi,
        mechanism=mechanism,
        diseases=_parse_diseases(row),
        aliases=aliases,
        mane_ensembl=row.get("mane_select_ensembl", "") or "",
        mane_refseq=row.get("mane_select_refseq", "") or "",
        grch38=_parse_location(row, "grch38"),
        grch37=_parse_location(row, "grch37"),
        iuis_symbol=row.get("iuis_symbol", "") or "",
        symbol_resolution=row.get("symbol_resolution", "") or "",
        panelapp_confidence=row.get("panelapp_confidence", "") or "",
        penetrance=row.get("panelapp_penetrance", "") or "",
        panelapp_moi=Moi(row["panelapp_moi"].strip()) if (row.get("panelapp_moi") or "").strip() else None,
    )


def parse_panel_text(text: str, *, source: str = "<panel>") -> Panel:
    header: list[tuple[str, str]] = []
    body: list[str] = []
    for line in text.splitlines():
        if line.startswith("##"):
            key, _, value = line[2:].strip().partition("=")
            header.append((key.strip(), value.strip()))
        elif line.strip():
            body.append(line)
    if not body:
        raise PanelError(f"{source}: no header line and no genes; a panel TSV needs at least {REQUIRED_COLUMNS}")
    reader = csv.DictReader(body, delimiter="\t")
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise PanelError(f"{source}: missing column(s) {', '.join(missing)}; see gene_panels/README.md")
    genes = [_parse_gene(row, f"{source} line {i + 2 + len(header)}") for i, row in enumerate(reader)]
    meta = dict(header)
    return Panel(
        name=meta.get("panel_name", Path(source).stem),
        version=meta.get("panel_version", "unversioned"),
        header=tuple(header),
        genes=tuple(genes),
        path=source,
    )


def read_panel(path: str | Path) -> Panel:
    """Read a panel TSV, with the OMIM phenotype numbers of its diseases from `<panel>.diseases.tsv` beside it when
    there is one (panel/disease_ids.py); raises `PanelError` with the file name when either is malformed."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PanelError(f"{p}: cannot read the panel ({exc.strerror}); check the `panel:` key") from exc
    panel = parse_panel_text(text, source=str(p))
    ids = p.with_suffix(".diseases.tsv")
    if ids.is_file():
        from pidtriage.panel.disease_ids import read_disease_ids, with_disease_ids

        panel = with_disease_ids(panel, read_disease_ids(ids))
    return panel


def iter_rows(genes: Iterable[PanelGene]) -> Sequence[list[str]]:
    return [_gene_row(g) for g in genes]
