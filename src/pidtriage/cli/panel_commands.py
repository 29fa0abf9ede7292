"""`pidtriage panel …`: validate, bed, diff, subset, genes (a user's gene list), panelapp."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from pidtriage.errors import PanelError

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser("panel", help="work with gene panels")
    psub = p.add_subparsers(dest="panel_command", required=True)

    v = psub.add_parser("validate", help="check schema, duplicate HGNC IDs, coordinates, vocabulary")
    v.add_argument("panel")
    v.set_defaults(func=cmd_validate)

    b = psub.add_parser("bed", help="regions to extract: gene spans plus padding, merged and sorted")
    b.add_argument("panel")
    b.add_argument("--build", default="GRCh38", choices=["GRCh38", "GRCh37"])
    b.add_argument("--padding", type=int, default=0, help="bases added on each side of every gene")
    b.add_argument("--chr-prefix", action="store_true", help="write chr1… instead of 1…")
    b.add_argument("--genes", help="restrict to a gene list file (symbols or HGNC IDs, one per line)")
    b.add_argument("-o", "--output", help="BED file (default: standard output)")
    b.set_defaults(func=cmd_bed)

    d = psub.add_parser("diff", help="genes added, removed and with changed inheritance")
    d.add_argument("old")
    d.add_argument("new")
    d.set_defaults(func=cmd_diff)

    s = psub.add_parser("subset", help="a sub-panel by IUIS table or gene list")
    s.add_argument("panel")
    s.add_argument("--iuis-table", action="append", default=[], help="IUIS table number (repeatable)")
    s.add_argument("--genes", help="gene list file: symbols, aliases or HGNC IDs, one per line")
    s.add_argument("-o", "--output", help="panel TSV (default: standard output)")
    s.set_defaults(func=cmd_subset)

    g = psub.add_parser("genes", help="resolve a gene list against a panel; unknown names are reported")
    g.add_argument("panel")
    g.add_argument("gene_list")
    g.set_defaults(func=cmd_genes)

    a = psub.add_parser("panelapp", help="fetch a PanelApp panel and write it in our format")
    a.add_argument("--panel-id", default="398")
    a.add_argument("--version", dest="panel_version", help="a panel version, e.g. 8.78 (default: current)")
    a.add_argument("--base-url", default="genomics_england", help="genomics_england, australia, or a URL")
    a.add_argument("--confidence", default="green", choices=["green", "amber", "red"], help="lowest level kept")
    a.add_argument("--from-json", help="use a recorded API response instead of the network")
    a.add_argument("--timeout", type=float, default=30.0)
    a.add_argument("--retries", type=int, default=3)
    a.add_argument("-o", "--output", required=True)
    a.set_defaults(func=cmd_panelapp)


def _read(path: str) -> Any:
    from pidtriage.panel.tsv import read_panel

    return read_panel(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from pidtriage.panel.ops import validate_panel

    panel = _read(args.panel)
    problems = validate_panel(panel)
    for p in problems:
        print(f"{args.panel}: {p}", file=sys.stderr)
    if problems:
        raise PanelError(f"{args.panel}: {len(problems)} problem(s), listed above; fix them and validate again")
    print(f"{args.panel}: valid ({panel.name} {panel.version}, {len(panel.genes)} genes)")
    return 0


def _gene_list(path: str, panel: Any) -> list[str]:
    from pidtriage.panel.ops import resolve_gene_list

    try:
        names = Path(path).read_text().split()
    except OSError as exc:
        raise PanelError(f"{path}: cannot read the gene list ({exc.strerror})") from exc
    found, unknown = resolve_gene_list(names, panel)
    if unknown:
        print(f"pidtriage: {path}: not in {panel.name}: {', '.join(unknown)}", file=sys.stderr)
    if not found:
        raise PanelError(f"{path}: no name resolves to a gene of {panel.name}; use symbols or HGNC IDs")
    return found


def cmd_bed(args: argparse.Namespace) -> int:
    from pidtriage.panel.ops import bed_regions, subset_panel

    panel = _read(args.panel)
    if args.genes:
        panel = subset_panel(panel, hgnc_ids=_gene_list(args.genes, panel))
    regions = bed_regions(panel, build=args.build, padding=args.padding, chr_prefix=args.chr_prefix)
    text = "".join(f"{c}\t{s}\t{e}\t{n}\n" for c, s, e, n in regions)
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from pidtriage.panel.ops import diff_panels

    old, new = _read(args.old), _read(args.new)
    diff = diff_panels(old, new)
    print(f"# {old.name} {old.version} -> {new.name} {new.version}")
    print("change\thgnc_id\tsymbol\tmoi")
    for line in diff.lines():
        print(line)
    return 0


def cmd_subset(args: argparse.Namespace) -> int:
    from pidtriage.panel.ops import subset_panel
    from pidtriage.panel.tsv import format_panel

    panel = _read(args.panel)
    ids = _gene_list(args.genes, panel) if args.genes else []
    sub = subset_panel(panel, iuis_tables=args.iuis_table, hgnc_ids=ids)
    if not sub.genes:
        raise PanelError(f"{args.panel}: the subset is empty; check --iuis-table (1-9) and --genes")
    text = format_panel(sub)
    if args.output:
        Path(args.output).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


def cmd_genes(args: argparse.Namespace) -> int:
    panel = _read(args.panel)
    by_id = panel.by_hgnc_id()
    for hgnc_id in _gene_list(args.gene_list, panel):
        g = by_id[hgnc_id]
        print(f"{g.hgnc_id}\t{g.symbol}\t{g.moi}")
    return 0


def cmd_panelapp(args: argparse.Namespace) -> int:
    from pidtriage.panel.ops import validate_panel
    from pidtriage.panel.panelapp import CONFIDENCE, PanelAppClient, panel_from_panelapp
    from pidtriage.panel.sources import read_panelapp_json
    from pidtriage.panel.tsv import write_panel

    if args.from_json:
        data, url = read_panelapp_json(args.from_json), args.from_json
    else:
        client = PanelAppClient(args.base_url, timeout=args.timeout, retries=args.retries)
        data = client.panel(args.panel_id, args.panel_version)
        url = f"{client.base_url}/panels/{args.panel_id}/" + (f"?version={args.panel_version}" if args.panel_version else "")
    panel = panel_from_panelapp(data, min_confidence=CONFIDENCE[args.confidence], source_url=url)
    problems = validate_panel(panel)
    if problems:
        raise PanelError(f"PanelApp panel {args.panel_id}: {problems[0]} (and {len(problems) - 1} more)")
    write_panel(panel, args.output)
    print(f"{args.output}: {panel.name} version {panel.version}, {len(panel.genes)} genes ({args.confidence}+)")
    return 0
