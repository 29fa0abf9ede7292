"""Building the curated panel from parsed sources: IUIS rows → genes keyed by HGNC ID.

`build_genes` is pure: it takes the records the readers in `panel.sources` return and gives the
genes plus a `BuildReport` (what was read, merged and left unresolved, and why). Nothing is dropped
silently: every IUIS row either contributes to a gene or is listed in the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pidtriage.panel.features import parse_iuis_features
from pidtriage.panel.iuis import (
    parse_inheritance,
    parse_mechanism,
    parse_subcategory,
    parse_table,
    split_defect,
)
from pidtriage.panel.model import (
    Disease,
    GeneLocation,
    Moi,
    PanelGene,
    combine_mechanisms,
    combine_mois,
    map_mode_of_inheritance,
)
from pidtriage.panel.sources import HgncRecord, IuisRow, ManeRecord
from pidtriage.panel.symbols import Resolution, SymbolResolver

__all__ = ["BuildReport", "Unresolved", "build_genes", "make_resolver", "panelapp_locations"]


@dataclass(frozen=True, slots=True)
class Unresolved:
    line: int
    raw: str
    reason: str


@dataclass
class BuildReport:
    rows_read: int = 0
    rows_used: int = 0
    unresolved: list[Unresolved] = field(default_factory=list)
    resolution_methods: Counter[str] = field(default_factory=Counter)
    genes_kept: int = 0
    genes_merged: int = 0  # genes that collect more than one IUIS row
    missing_grch38: list[str] = field(default_factory=list)
    missing_grch37: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"rows read {self.rows_read}, rows used {self.rows_used}, genes kept {self.genes_kept}, "
            f"genes merged from several rows {self.genes_merged}, unresolved rows {len(self.unresolved)}, "
            f"genes without GRCh38 coordinates {len(self.missing_grch38)}, "
            f"without GRCh37 {len(self.missing_grch37)}"
        )


def make_resolver(
    hgnc: Sequence[HgncRecord], mane: Sequence[ManeRecord], panelapp: Mapping[str, Any] | None
) -> SymbolResolver:
    approved = [(r.symbol, r.hgnc_id) for r in hgnc if r.status == "Approved"]
    previous = [(p, r.hgnc_id) for r in hgnc for p in r.prev_symbols]
    aliases = [(a, r.hgnc_id) for r in hgnc for a in r.alias_symbols]
    newer = [(m.symbol, m.hgnc_id) for m in mane]
    pa = [
        (g["gene_data"]["hgnc_symbol"], g["gene_data"]["hgnc_id"])
        for g in (panelapp or {}).get("genes", [])
        if g.get("gene_data", {}).get("hgnc_id")
    ]
    return SymbolResolver(approved=approved, newer=newer, panelapp=pa, previous=previous, aliases=aliases)


def _parse_location_text(text: str, source: str) -> GeneLocation | None:
    chrom, _, span = (text or "").partition(":")
    start, _, end = span.partition("-")
    if not (chrom and start.isdigit() and end.isdigit()):
        return None
    return GeneLocation(chrom=chrom.removeprefix("chr"), start=int(start), end=int(end), strand="", source=source)


def panelapp_locations(panelapp: Mapping[str, Any] | None) -> dict[str, dict[str, GeneLocation]]:
    """HGNC ID → {"GRCh38": loc, "GRCh37": loc} from the Ensembl locations in a PanelApp response."""
    out: dict[str, dict[str, GeneLocation]] = {}
    for gene in (panelapp or {}).get("genes", []):
        data = gene.get("gene_data") or {}
        hgnc_id = data.get("hgnc_id")
        if not hgnc_id:
            continue
        builds = data.get("ensembl_genes") or {}
        for key, build in (("GRch38", "GRCh38"), ("GRch37", "GRCh37")):
            for release, entry in sorted((builds.get(key) or {}).items()):
                loc = _parse_location_text(entry.get("location", ""), f"PanelApp_Ensembl{release}")
                if loc:
                    out.setdefault(hgnc_id, {})[build] = loc
    return out


def _disease_of(row: IuisRow, hint: str) -> Disease:
    table = parse_table(row.major_category)
    omim = ",".join(x for x in row.omim.replace(";", ",").replace(" ", ",").split(",") if x.strip().isdigit())
    return Disease(
        name=" ".join(row.disease.split()) or f"IUIS table {table} entry",
        omim=omim,
        moi=parse_inheritance(row.inheritance),
        mechanism=parse_mechanism(row.gof_dn, inheritance=row.inheritance, disease=row.disease, hint=hint),
        iuis_table=table,
        iuis_subcategory=parse_subcategory(table, row.subcategory),
        immunophenotype=parse_iuis_features(
            t_cells=row.t_cells,
            b_cells=row.b_cells,
            immunoglobulins=row.immunoglobulins,
            neutrophils=row.neutrophils,
            other_cells=row.other_cells,
        ),
    )


def _pick_location(
    candidates: Sequence[GeneLocation | None], strand_from: GeneLocation | None, chromosome: str
) -> GeneLocation | None:
    """The first candidate on the chromosome HGNC places the gene on (any, when HGNC gives none)."""
    for loc in candidates:
        if loc is not None and (not chromosome or loc.chrom == chromosome):
            if not loc.strand and strand_from is not None and strand_from.chrom == loc.chrom:
                return GeneLocation(loc.chrom, loc.start, loc.end, strand_from.strand, loc.source)
            return loc
    return None


def build_genes(
    rows: Sequence[IuisRow],
    *,
    hgnc: Sequence[HgncRecord],
    mane: Sequence[ManeRecord],
    gencode38: Mapping[str, GeneLocation],
    gencode37: Mapping[str, GeneLocation],
    panelapp: Mapping[str, Any] | None,
    corrections: Mapping[str, str] | None = None,
) -> tuple[list[PanelGene], BuildReport]:
    """The panel's genes from the IUIS rows (each symbol resolved to an HGNC ID; rows of one gene merged) and
    the report of what was read, merged and left unresolved."""
    report = BuildReport(rows_read=len(rows))
    resolved = _resolve_rows(rows, make_resolver(hgnc, mane, panelapp), corrections or {}, report)
    sources = _Sources(by_id={r.hgnc_id: r for r in hgnc},
                       mane_select={m.hgnc_id: m for m in mane if m.status == "MANE Select"},
                       gencode38=gencode38, gencode37=gencode37, panelapp_loc=panelapp_locations(panelapp),
                       panelapp=_panelapp_fields(panelapp))  # fmt: skip
    genes = []
    for hgnc_id, dz in resolved.diseases.items():
        gene = _gene(hgnc_id, dz, sources, iuis_symbol=resolved.iuis_symbol[hgnc_id], method=resolved.method[hgnc_id])
        genes.append(gene)
        if gene.grch38 is None:
            report.missing_grch38.append(gene.symbol)
        if gene.grch37 is None:
            report.missing_grch37.append(gene.symbol)
    genes.sort(key=lambda g: int(g.hgnc_id.split(":")[1]))
    report.genes_kept = len(genes)
    report.genes_merged = sum(1 for n in resolved.rows_per_gene.values() if n > 1)
    return genes, report


@dataclass
class _Resolved:
    """The IUIS rows resolved to genes: each gene's diseases, the symbol IUIS used, how it was resolved."""

    diseases: dict[str, list[Disease]] = field(default_factory=lambda: defaultdict(list))
    iuis_symbol: dict[str, str] = field(default_factory=dict)
    method: dict[str, str] = field(default_factory=dict)
    rows_per_gene: Counter[str] = field(default_factory=Counter)


def _resolve_rows(rows: Sequence[IuisRow], resolver: SymbolResolver, corrections: Mapping[str, str],
                  report: BuildReport) -> _Resolved:
    out = _Resolved()
    for row in rows:
        cell = split_defect(row.genetic_defect)
        if cell.non_gene_reason:
            report.unresolved.append(Unresolved(row.line, row.genetic_defect.strip(), cell.non_gene_reason))
            continue
        used = False
        for symbol in cell.symbols:
            res = _resolve_symbol(symbol, cell.bracketed, resolver, corrections)
            if res is None:
                why = "ambiguous previous/alias symbol" if symbol in resolver.ambiguous else "not in HGNC or MANE"
                report.unresolved.append(Unresolved(row.line, symbol, why))
                continue
            used = True
            disease = _disease_of(row, cell.mechanism_hint)
            if disease not in out.diseases[res.hgnc_id]:
                out.diseases[res.hgnc_id].append(disease)
            out.rows_per_gene[res.hgnc_id] += 1
            out.iuis_symbol.setdefault(res.hgnc_id, symbol)
            out.method.setdefault(res.hgnc_id, res.method)
            report.resolution_methods[res.method.split(":")[0]] += 1
        report.rows_used += used
    return out


def _resolve_symbol(symbol: str, bracketed: Sequence[str], resolver: SymbolResolver, corrections: Mapping[str, str]
                    ) -> Resolution | None:
    """The symbol (or its curated correction) resolved to an HGNC ID, else a bracketed alternative's."""
    corrected = corrections.get(symbol)
    res = resolver.resolve(corrected or symbol)
    if res is not None and corrected:
        return Resolution(res.hgnc_id, f"corrected:{symbol}")
    if res is None:
        for alt in bracketed:
            res = resolver.resolve(alt)
            if res:
                break
    return res


@dataclass(frozen=True)
class _Sources:
    by_id: Mapping[str, HgncRecord]
    mane_select: Mapping[str, ManeRecord]
    gencode38: Mapping[str, GeneLocation]
    gencode37: Mapping[str, GeneLocation]
    panelapp_loc: Mapping[str, Mapping[str, GeneLocation]]
    panelapp: Mapping[str, Mapping[str, str]]  # hgnc_id -> confidence, penetrance, symbol


def _panelapp_moi(text: str | None) -> str:
    moi = map_mode_of_inheritance(text)
    return "" if moi == Moi.UNKNOWN else moi.value


def _panelapp_fields(panelapp: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """PanelApp's confidence level, penetrance (Complete / Incomplete only), mode of inheritance (in our vocabulary,
    "" when PanelApp's text maps to none) and symbol per HGNC ID."""
    out: dict[str, dict[str, str]] = {}
    for g in (panelapp or {}).get("genes", []):
        hgnc_id = (g.get("gene_data") or {}).get("hgnc_id")
        if hgnc_id:
            out[hgnc_id] = {"confidence": str(g.get("confidence_level", "")), "symbol": g["gene_data"]["hgnc_symbol"],
                            "penetrance": g["penetrance"] if g.get("penetrance") in ("Complete", "Incomplete") else "",
                            "moi": _panelapp_moi(g.get("mode_of_inheritance"))}
    return out


def _gene(hgnc_id: str, dz: list[Disease], src: _Sources, *, iuis_symbol: str, method: str) -> PanelGene:
    """One gene: its symbol (MANE, else HGNC, else PanelApp), locations on both builds, aliases, diseases."""
    rec, mane_rec = src.by_id.get(hgnc_id), src.mane_select.get(hgnc_id)
    pa = src.panelapp.get(hgnc_id, {})
    symbol = (mane_rec.symbol if mane_rec else "") or (rec.symbol if rec else "") or pa.get("symbol", "")
    names = [symbol, *(rec.prev_symbols if rec else ()), *(rec.alias_symbols if rec else ())]
    if rec and rec.symbol != symbol:
        names.insert(1, rec.symbol)
    gencode_names = [n for n in dict.fromkeys(names) if n]
    chromosome = rec.chromosome if rec else ""
    g38 = _pick_location([mane_rec.location if mane_rec else None] + [src.gencode38.get(n) for n in gencode_names]
                         + [src.panelapp_loc.get(hgnc_id, {}).get("GRCh38")], None, chromosome)
    g37 = _pick_location([src.gencode37.get(n) for n in gencode_names] + [src.panelapp_loc.get(hgnc_id, {}).get("GRCh37")],
                         g38, chromosome or (g38.chrom if g38 else ""))
    aliases = tuple(sorted({a for a in names[1:] if a and a != symbol} | {iuis_symbol} - {symbol}))
    return PanelGene(
        hgnc_id=hgnc_id, symbol=symbol, moi=combine_mois({d.moi for d in dz}),
        mechanism=combine_mechanisms({d.mechanism for d in dz}), diseases=tuple(dz), aliases=aliases,
        mane_ensembl=mane_rec.ensembl_nuc if mane_rec else "", mane_refseq=mane_rec.refseq_nuc if mane_rec else "",
        grch38=g38, grch37=g37, iuis_symbol=iuis_symbol, symbol_resolution=method,
        panelapp_confidence=pa.get("confidence", ""), penetrance=pa.get("penetrance", ""),
        panelapp_moi=Moi(pa["moi"]) if pa.get("moi") else None,
    )


def resolve_symbols(symbols: Sequence[str], resolver: SymbolResolver) -> tuple[set[str], list[str]]:
    """HGNC IDs of the symbols that resolve, and the symbols that do not."""
    found, missing = set(), []
    for s in symbols:
        cell = split_defect(s)
        if cell.non_gene_reason:
            continue
        for sym in cell.symbols:
            res = resolver.resolve(sym)
            if res:
                found.add(res.hgnc_id)
            else:
                missing.append(sym)
    return found, missing
