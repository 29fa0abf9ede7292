#!/usr/bin/env python3
"""Build gene_panels/iuis_iei_2024.tsv from public sources.

Sources (paths are arguments; defaults point at ../shared/data):
  IUIS IEI 2024 table (TSV export), HGNC complete set, MANE v1.0 summary, GENCODE v24 canonical transcripts
  for GRCh38 and GRCh37 (SpliceAI tables), PanelApp panel 398 (API response), and IUIS 2022 for the report.

The TSV header records each source's file name and md5 and the build date. When the genes or sources
change, the panel version is bumped and an entry is added to gene_panels/CHANGELOG.md; rebuilding from
the same sources rewrites nothing (byte-identical). The generated part of gene_panels/README.md (counts,
unresolved symbols, differences with IUIS 2022 and PanelApp) is refreshed on every build.

    python scripts/build_panel.py            # defaults
    python scripts/build_panel.py --out /tmp/panel.tsv --build-date 2024-07-01
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from pidtriage.errors import PidTriageError
from pidtriage.panel.build import build_genes, make_resolver, resolve_symbols
from pidtriage.panel.ops import validate_panel
from pidtriage.panel.release import changelog_entry, finalize_panel, render_report, splice_generated
from pidtriage.panel.sources import (
    md5sum,
    read_gencode_canonical,
    read_hgnc,
    read_iuis,
    read_mane,
    read_panelapp_json,
)
from pidtriage.panel.tsv import read_panel, write_panel

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--iuis", default=DATA / "iuis/IUIS_IEI_2024_July_V2.tsv", type=Path)
    ap.add_argument("--iuis-2022", default=DATA / "iuis/IUIS_IEI_2022_Tangye_suppl2.tsv", type=Path)
    ap.add_argument("--hgnc", default=DATA / "genes/hgnc_complete_set_2018-11.txt.gz", type=Path)
    ap.add_argument("--mane", default=DATA / "genes/MANE.GRCh38.v1.0.summary.txt.gz", type=Path)
    ap.add_argument("--gencode-grch38", default=DATA / "genes/spliceai_gencode_v24_canonical_grch38.txt.gz", type=Path)
    ap.add_argument("--gencode-grch37", default=DATA / "genes/spliceai_gencode_v24_canonical_grch37.txt.gz", type=Path)
    ap.add_argument("--panelapp", default=DATA / "panelapp/panelapp_panel_398_v8.78_api_v1_detail.json.gz", type=Path)
    ap.add_argument(
        "--corrections",
        default=REPO / "gene_panels/symbol_corrections.tsv",
        type=Path,
        help="curated corrections of IUIS typos: iuis_symbol, corrected_symbol, reason",
    )
    ap.add_argument("--out", default=REPO / "gene_panels/iuis_iei_2024.tsv", type=Path)
    ap.add_argument("--changelog", default=None, type=Path, help="default: CHANGELOG.md beside --out")
    ap.add_argument("--readme", default=None, type=Path, help="default: README.md beside --out")
    ap.add_argument("--name", default="iuis_iei_2024")
    ap.add_argument("--build-date", default=dt.date.today().isoformat())
    return ap.parse_args(argv)


def read_corrections(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith("#") or not line.strip() or line.startswith("iuis_symbol"):
            continue
        old, new, *_ = line.split("\t")
        out[old.strip()] = new.strip()
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        rows = read_iuis(args.iuis)
        hgnc = read_hgnc(args.hgnc)
        mane = read_mane(args.mane)
        gencode38 = read_gencode_canonical(args.gencode_grch38, source="GENCODE_v24_canonical")
        gencode37 = read_gencode_canonical(args.gencode_grch37, source="GENCODE_v24_canonical")
        panelapp = read_panelapp_json(args.panelapp)
    except (OSError, PidTriageError) as exc:
        print(f"build_panel: {exc}", file=sys.stderr)
        return 2
    corrections = read_corrections(args.corrections)
    genes, report = build_genes(
        rows,
        hgnc=hgnc,
        mane=mane,
        gencode38=gencode38,
        gencode37=gencode37,
        panelapp=panelapp,
        corrections=corrections,
    )
    sources = [
        (role, Path(p).name, md5sum(p))
        for role, p in (
            ("iuis", args.iuis),
            ("hgnc", args.hgnc),
            ("mane", args.mane),
            ("gencode_grch38", args.gencode_grch38),
            ("gencode_grch37", args.gencode_grch37),
            ("panelapp", args.panelapp),
            ("corrections", args.corrections),
        )
        if Path(p).exists()
    ]
    existing = read_panel(args.out) if args.out.exists() else None
    panel, diff = finalize_panel(
        genes, name=args.name, sources=sources, report=report, existing=existing, build_date=args.build_date
    )
    problems = validate_panel(panel)
    if problems:
        print("build_panel: the built panel is invalid:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    changed = panel is not existing
    if changed:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_panel(panel, args.out)
        changelog = args.changelog or args.out.with_name("CHANGELOG.md")
        old = changelog.read_text() if changelog.exists() else "# Gene panel changelog\n\n"
        head, _, rest = old.partition("\n\n")
        changelog.write_text(f"{head}\n\n{changelog_entry(panel, diff)}\n{rest}".rstrip("\n") + "\n")

    resolver = make_resolver(hgnc, mane, panelapp)
    ids2022, _ = resolve_symbols([r.genetic_defect for r in read_iuis(args.iuis_2022)], resolver)
    green = {g["gene_data"]["hgnc_id"] for g in panelapp["genes"] if str(g.get("confidence_level")) == "3"}
    anyconf = {g["gene_data"]["hgnc_id"] for g in panelapp["genes"] if g.get("gene_data", {}).get("hgnc_id")}
    symbols = {r.hgnc_id: r.symbol for r in hgnc} | {m.hgnc_id: m.symbol for m in mane}
    generated = render_report(
        panel, report, iuis2022_ids=ids2022, panelapp_green_ids=green, panelapp_any_ids=anyconf, symbols=symbols
    )
    readme = args.readme or args.out.with_name("README.md")
    current = readme.read_text() if readme.exists() else "# Gene panels\n"
    readme.write_text(splice_generated(current, generated))

    print(f"build_panel: {report.summary()}")
    print(f"build_panel: {args.out} {'written' if changed else 'unchanged'} ({panel.name} {panel.version})")
    for u in report.unresolved:
        print(f"build_panel: unresolved IUIS line {u.line}: {u.raw!r} ({u.reason})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
