"""What can be done with a panel: validate it, turn it into BED regions, compare two, take a subset,
and resolve a user's gene list against it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pidtriage.errors import PanelError
from pidtriage.genome import CONTIG_LENGTHS
from pidtriage.panel.model import Moi, PanelGene
from pidtriage.panel.tsv import Panel

__all__ = [
    "PanelDiff",
    "bed_regions",
    "diff_panels",
    "resolve_gene_list",
    "subset_panel",
    "validate_panel",
]

_HGNC_ID = re.compile(r"^HGNC:\d+$")


def validate_panel(panel: Panel) -> list[str]:
    """Every problem found, one line each; an empty list means the panel is valid."""
    problems = []
    seen: dict[str, int] = {}
    for i, g in enumerate(panel.genes, start=1):
        where = f"gene {i} ({g.symbol or '?'})"
        if not _HGNC_ID.match(g.hgnc_id):
            problems.append(f"{where}: hgnc_id {g.hgnc_id!r} is not of the form HGNC:<number>")
        if g.hgnc_id in seen:
            problems.append(f"{where}: duplicate hgnc_id {g.hgnc_id} (also gene {seen[g.hgnc_id]})")
        seen.setdefault(g.hgnc_id, i)
        if not g.symbol:
            problems.append(f"{where}: empty symbol")
        for build, loc in (("GRCh38", g.grch38), ("GRCh37", g.grch37)):
            if loc is None:
                continue
            length = CONTIG_LENGTHS[build].get(loc.chrom)
            if length is None:
                problems.append(f"{where}: {build} chromosome {loc.chrom!r} is not a primary contig")
            elif not (1 <= loc.start <= loc.end <= length):
                problems.append(f"{where}: {build} span {loc.chrom}:{loc.start}-{loc.end} outside 1..{length}")
            if loc.strand not in ("+", "-", ""):
                problems.append(f"{where}: {build} strand {loc.strand!r} is not + or -")
        if g.grch38 is None and g.grch37 is None:
            problems.append(f"{where}: no coordinates on either build")
    return problems


def bed_regions(panel: Panel, *, build: str, padding: int = 0, chr_prefix: bool = False) -> list[tuple[str, int, int, str]]:
    """Gene spans plus padding, merged where they overlap, sorted by contig order; BED (0-based start)."""
    if build not in CONTIG_LENGTHS:
        raise PanelError(f"unknown genome build {build!r}; use GRCh38 or GRCh37")
    order = {c: i for i, c in enumerate(CONTIG_LENGTHS[build])}
    spans = []
    for g in panel.genes:
        loc = g.location(build)
        if loc is None or loc.chrom not in order:
            continue
        length = CONTIG_LENGTHS[build][loc.chrom]
        spans.append((loc.chrom, max(0, loc.start - 1 - padding), min(length, loc.end + padding), g.symbol))
    spans.sort(key=lambda s: (order[s[0]], s[1], s[2]))
    merged: list[tuple[str, int, int, str]] = []
    for chrom, start, end, name in spans:
        if merged and merged[-1][0] == chrom and start <= merged[-1][2]:
            c, s, e, n = merged[-1]
            merged[-1] = (c, s, max(e, end), f"{n},{name}")
        else:
            merged.append((chrom, start, end, name))
    if chr_prefix:
        merged = [(_with_chr(c), s, e, n) for c, s, e, n in merged]
    return merged


def _with_chr(chrom: str) -> str:
    return "chrM" if chrom == "MT" else f"chr{chrom}"


@dataclass(frozen=True, slots=True)
class PanelDiff:
    added: tuple[PanelGene, ...]
    removed: tuple[PanelGene, ...]
    moi_changed: tuple[tuple[PanelGene, PanelGene], ...]

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.moi_changed)

    def lines(self) -> list[str]:
        out = [f"added\t{g.hgnc_id}\t{g.symbol}\t{g.moi}" for g in self.added]
        out += [f"removed\t{g.hgnc_id}\t{g.symbol}\t{g.moi}" for g in self.removed]
        out += [f"moi_changed\t{new.hgnc_id}\t{new.symbol}\t{old.moi}->{new.moi}" for old, new in self.moi_changed]
        return out


def diff_panels(old: Panel, new: Panel) -> PanelDiff:
    a, b = old.by_hgnc_id(), new.by_hgnc_id()
    return PanelDiff(
        added=tuple(b[k] for k in b if k not in a),
        removed=tuple(a[k] for k in a if k not in b),
        moi_changed=tuple((a[k], b[k]) for k in b if k in a and a[k].moi != b[k].moi),
    )


def subset_panel(panel: Panel, *, iuis_tables: Iterable[str] = (), hgnc_ids: Iterable[str] = ()) -> Panel:
    tables, ids = {str(t) for t in iuis_tables}, set(hgnc_ids)
    genes = tuple(
        g for g in panel.genes if (not tables or tables & set(g.iuis_tables)) and (not ids or g.hgnc_id in ids)
    )
    label = []
    if tables:
        label.append("iuis_table_" + "_".join(sorted(tables)))
    if ids:
        label.append(f"{len(ids)}_genes")
    header = (*panel.header, ("subset_of", f"{panel.name} {panel.version}"), ("subset", ",".join(label)))
    return replace(panel, name=f"{panel.name}.{'.'.join(label) or 'all'}", header=header, genes=genes)


def resolve_gene_list(names: Sequence[str], panel: Panel) -> tuple[list[str], list[str]]:
    """HGNC IDs for a user's gene list (symbols, aliases or HGNC IDs) and the names that matched nothing."""
    index: dict[str, str] = {}
    for g in panel.genes:
        index[g.hgnc_id.upper()] = g.hgnc_id
        index.setdefault(g.symbol.upper(), g.hgnc_id)
    for g in panel.genes:
        for a in g.aliases:
            index.setdefault(a.upper(), g.hgnc_id)
    found, unknown = [], []
    for raw in names:
        name = raw.strip()
        if not name or name.startswith("#"):
            continue
        hit = index.get(name.upper())
        if hit:
            if hit not in found:
                found.append(hit)
        else:
            unknown.append(name)
    return found, unknown


def moi_counts(genes: Iterable[PanelGene]) -> dict[str, int]:
    counts = {m.value: 0 for m in Moi}
    for g in genes:
        counts[g.moi.value] += 1
    return {k: v for k, v in counts.items() if v}
