#!/usr/bin/env python3
"""Build the ClinGen dosage knowledge the CNV evidence reads (pidtriage.sv), as derived tables beside the panel:

- `gene_panels/<panel>.dosage.tsv`: each panel gene's ClinGen haploinsufficiency (HI) and triplosensitivity (TS)
  scores (3 sufficient, 2 emerging, 1 little evidence, 0 none, 30 autosomal recessive, 40 unlikely; "" not
  curated), from the ClinGen gene BED files (both builds give the same scores), matched by symbol or alias;
- `gene_panels/clingen_regions.tsv`: the ClinGen recurrent CNV regions with HI or TS scored (e.g. ISCA-37446,
  the 22q11.2 DiGeorge region that includes TBX1), with their spans on GRCh38 and GRCh37.

The headers record the source files, their dates and md5.

    python scripts/build_dosage.py
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from pidtriage.io.jsonio import write_text
from pidtriage.panel.sources import md5sum
from pidtriage.panel.tsv import read_panel

REPO = Path(__file__).resolve().parent.parent
SV = REPO.parent / "shared" / "data" / "sv"
DATE = "2026-04-25"


def _bed_scores(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.startswith(("track", "#")) or not line.strip():
            continue
        f = line.split("\t")
        out[f[3].upper()] = f[4]
    return out


def _regions(path: Path) -> dict[str, dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("#") or line.startswith("#ISCA")]
    reader = csv.DictReader([lines[0].lstrip("#"), *lines[1:]], delimiter="\t")
    return {r["ISCA ID"]: r for r in reader}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--panel", type=Path, default=REPO / "gene_panels/iuis_iei_2024.tsv")
    ap.add_argument("--sv", type=Path, default=SV, help="the folder with the ClinGen files")
    args = ap.parse_args(argv)
    panel = read_panel(args.panel)
    files = {k: args.sv / f"ClinGen_{k}_gene_GRCh38.{DATE}.bed" for k in ("haploinsufficiency", "triplosensitivity")}
    hi, ts = _bed_scores(files["haploinsufficiency"]), _bed_scores(files["triplosensitivity"])
    rows = []
    for g in panel.genes:
        names = [g.symbol, *g.aliases, g.iuis_symbol]
        h = next((hi[n.upper()] for n in names if n and n.upper() in hi), "")
        t = next((ts[n.upper()] for n in names if n and n.upper() in ts), "")
        rows.append(f"{g.hgnc_id}\t{g.symbol}\t{h}\t{t}\n")
    head = [f"## ClinGen dosage scores of the genes of {panel.name} v{panel.version}",
            *(f"## source_{k}={p.name} md5={md5sum(p)}" for k, p in files.items()),
            f"## clingen_date={DATE}", "## built_by=scripts/build_dosage.py",
            "## scores: 3 sufficient, 2 emerging, 1 little evidence, 0 none, 30 autosomal recessive, 40 unlikely; "
            "empty: not curated"]
    out = args.panel.with_suffix(".dosage.tsv")
    write_text(out, "\n".join(head) + "\nhgnc_id\tsymbol\thi_score\tts_score\n" + "".join(rows))
    region_files = {b: args.sv / f"ClinGen_region_curation_list_{b}.{DATE}.tsv" for b in ("GRCh38", "GRCh37")}
    by_build = {b: _regions(p) for b, p in region_files.items()}
    lines = []
    for isca, r in sorted(by_build["GRCh38"].items()):
        hi_s, ts_s = r["Haploinsufficiency Score"].strip(), r["Triplosensitivity Score"].strip()
        if hi_s not in ("2", "3") and ts_s not in ("2", "3"):
            continue
        for build, regions in by_build.items():
            loc = regions.get(isca, {}).get("Genomic Location", "")
            if ":" not in loc:
                continue
            chrom, span = loc.split(":")
            start, end = span.replace(",", "").split("-")
            lines.append(f"{isca}\t{r['ISCA Region Name'].strip()}\t{build}\t{chrom.removeprefix('chr')}\t{start}\t"
                         f"{end}\t{hi_s}\t{ts_s}\n")
    head = ["## ClinGen recurrent CNV regions with a haploinsufficiency or triplosensitivity score of 2 or 3",
            *(f"## source_{b}={p.name} md5={md5sum(p)}" for b, p in region_files.items()),
            f"## clingen_date={DATE}", "## built_by=scripts/build_dosage.py",
            "## coordinates: 1-based inclusive, bare chromosome names"]
    write_text(REPO / "gene_panels/clingen_regions.tsv",
               "\n".join(head) + "\nisca_id\tname\tbuild\tchrom\tstart\tend\thi_score\tts_score\n" + "".join(lines))
    print(f"{out}: {len(rows)} genes ({sum(1 for r in rows if r.split(chr(9))[2])} with an HI score); "
          f"gene_panels/clingen_regions.tsv: {len(lines)} region spans", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
