#!/usr/bin/env python3
"""Build gene_panels/<panel>.exons.tsv: the exons of each panel gene's canonical transcript, both builds.

Source: the GENCODE v24 canonical transcript tables shipped with SpliceAI 1.3.1 (../shared/data/genes), the
only exon-level annotation available offline here. They hold whole exons (UTRs included: the tables have no
CDS bounds), so per-gene coverage is "exons of the canonical transcript", a slightly stricter target than
coding exons. A transcript is matched to a panel gene by symbol or alias AND by overlap with the panel's span
on that build (2016-era symbols: CECR1 for ADA2, ...). The header records the sources and their md5.

    python scripts/build_exons.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pidtriage.io.jsonio import write_text
from pidtriage.panel.sources import md5sum, read_gencode_transcripts
from pidtriage.panel.tsv import read_panel

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data" / "genes"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--panel", type=Path, default=REPO / "gene_panels/iuis_iei_2024.tsv")
    ap.add_argument("--grch38", type=Path, default=DATA / "spliceai_gencode_v24_canonical_grch38.txt.gz")
    ap.add_argument("--grch37", type=Path, default=DATA / "spliceai_gencode_v24_canonical_grch37.txt.gz")
    ap.add_argument("--out", type=Path, default=None, help="default: <panel>.exons.tsv beside the panel")
    args = ap.parse_args(argv)
    panel = read_panel(args.panel)
    out = args.out or args.panel.with_suffix(".exons.tsv")
    rows, missing = [], {"GRCh38": [], "GRCh37": []}
    for build, source in (("GRCh38", args.grch38), ("GRCh37", args.grch37)):
        table = read_gencode_transcripts(source)
        for gene in panel.genes:
            loc = gene.location(build)
            hits = []
            for name in (gene.symbol, *gene.aliases, gene.iuis_symbol):
                for chrom, strand, s, e, exons in table.get(name, []):
                    if loc and chrom == loc.chrom and s < loc.end and e >= loc.start:
                        hits.append((chrom, strand, exons))
                if hits:
                    break
            if not hits:
                missing[build].append(gene.symbol)
                continue
            chrom, strand, exons = hits[0]
            n = len(exons)
            for i, (s, e) in enumerate(exons):
                number = i + 1 if strand == "+" else n - i
                rows.append((build, chrom, s, e, gene.hgnc_id, gene.symbol, number))
    header = [
        f"## exons of the canonical GENCODE v24 transcript of each gene of {panel.name} v{panel.version}",
        "## coordinates: 0-based start, end exclusive (BED); exons include UTRs (the source has no CDS bounds)",
        f"## source_grch38={args.grch38.name} md5={md5sum(args.grch38)}",
        f"## source_grch37={args.grch37.name} md5={md5sum(args.grch37)}",
        f"## genes_without_exons_grch38={','.join(missing['GRCh38']) or '.'}",
        f"## genes_without_exons_grch37={','.join(missing['GRCh37']) or '.'}",
        "build\tchrom\tstart\tend\thgnc_id\tsymbol\texon",
    ]
    body = [f"{b}\t{c}\t{s}\t{e}\t{h}\t{g}\t{x}" for b, c, s, e, h, g, x in rows]
    write_text(out, "\n".join(header + body) + "\n")
    print(f"{out}: {len(rows)} exons; genes without exons: GRCh38 {len(missing['GRCh38'])}, "
          f"GRCh37 {len(missing['GRCh37'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
