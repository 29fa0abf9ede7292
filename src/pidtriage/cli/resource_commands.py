"""`pidtriage resources fetch|check`: download and version the annotation resources (the only commands that
go to the network, and only when run)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["add_parser"]


def add_parser(sub: Any) -> None:
    r = sub.add_parser("resources", help="fetch and check ClinVar, gnomAD panel slices and the panel's transcripts "
                       "for the configured genome build (network: only here)")
    rsub = r.add_subparsers(dest="resources_command", required=True)
    f = rsub.add_parser("fetch", help="download (resumable, checksummed) into OUTDIR and write its manifest.json")
    f.add_argument("--configfile", help="YAML config: genome_build, panel and resources.sources")
    f.add_argument("--outdir", required=True)
    f.add_argument("--only", default="", help="comma-separated: clinvar, population, population_second, mane_gff3, "
                   "mane_summary, ensembl_gff3, score_<name> (default: every source of the build)")
    f.set_defaults(func=cmd_fetch)
    c = rsub.add_parser("check", help="verify the files of OUTDIR against its manifest (presence, md5, index, build)")
    c.add_argument("--outdir", required=True)
    c.set_defaults(func=cmd_check)


def cmd_fetch(args: argparse.Namespace) -> int:
    from pidtriage.config import load_config
    from pidtriage.io import bcftools as ex
    from pidtriage.panel.ops import bed_regions
    from pidtriage.resources.fetch import fetch_resources
    from pidtriage.stages import load_panel

    config = load_config(args.configfile)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    panel = load_panel(config)
    regions = bed_regions(panel, build=config.build, padding=int(config.get("panel_padding")),
                          chr_prefix=config.build == "GRCh38")  # gnomAD v4 (GRCh38) names chr1, v2 (GRCh37) 1
    bed = ex.write_bed(regions, out / ".panel.bed")
    entries = fetch_resources(config.get("resources", "sources"), out, build=config.build, panel_bed=Path(bed),
                              only=[x for x in args.only.split(",") if x], panel_genes=panel.genes,
                              panel_transcripts={g.mane_ensembl.split(".")[0] for g in panel.genes if g.mane_ensembl})
    Path(bed).unlink(missing_ok=True)
    for e in entries.values():
        print(f"{e.name}\t{out / e.path}\t{e.release or e.version or '.'}\tmd5 {e.md5}")
    print(f"manifest: {out / 'manifest.json'}; the config keys that use these files ({config.build}) are in "
          f"{out / 'resources.yaml'}: pass it after your config (--configfile {args.configfile or 'config.yaml'} "
          f"{out / 'resources.yaml'}), or copy its keys into it")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from pidtriage.errors import ResourceError
    from pidtriage.resources.fetch import check_resources

    problems = check_resources(Path(args.outdir))
    if problems:
        raise ResourceError("; ".join(problems))
    print(f"{args.outdir}: every resource in manifest.json is present, unchanged and indexed")
    return 0
