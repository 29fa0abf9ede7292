#!/usr/bin/env python3
"""Make an "old" ClinVar VCF from a current one, for reanalysis tests and demonstrations: the named records are
dropped or given another clinical significance (and review status), and `##fileDate` is set, so that a run
against the result and a run against the input differ exactly in those records. It is a constructed earlier
release, not a real one: the output's header says so and names the changes.

    python scripts/make_old_clinvar.py IN.vcf.gz OUT.vcf.gz --date 20240101 \\
        --drop 11:36573626:C:T --reclassify X:101356871:C:T=Uncertain_significance

Records are named chrom:pos:ref:alt with or without a `chr` prefix. The output is bgzipped and tabix-indexed.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from pathlib import Path

import pysam


def _key(chrom: str, pos: str, ref: str, alt: str) -> str:
    return f"{chrom.removeprefix('chr')}:{pos}:{ref}:{alt}"


def make_old_clinvar(source: Path, out: Path, *, date: str, drop: set[str], reclassify: dict[str, str]) -> list[str]:
    """Write `out`; returns what was changed (one line per record)."""
    drop = {k.removeprefix("chr") for k in drop}
    reclassify = {k.removeprefix("chr"): v for k, v in reclassify.items()}
    done: list[str] = []
    lines: list[str] = []
    with gzip.open(source, "rt") as fh:
        for line in fh:
            if line.startswith("##fileDate="):
                continue
            if line.startswith("#CHROM"):
                lines.append(f"##fileDate={date}\n")
                lines.append(f"##pidtriage_old_clinvar=constructed from {source.name} by scripts/make_old_clinvar.py: "
                             f"{len(drop)} record(s) dropped, {len(reclassify)} reclassified\n")
                lines.append(line)
                continue
            if line.startswith("#"):
                lines.append(line)
                continue
            f = line.rstrip("\n").split("\t")
            key = _key(f[0], f[1], f[3], f[4])
            if key in drop:
                done.append(f"dropped {key}")
                continue
            if key in reclassify:
                sig, _, stars = reclassify[key].partition("/")
                info = [kv for kv in f[7].split(";") if not kv.startswith(("CLNSIG=", "CLNREVSTAT="))]
                info.insert(0, f"CLNSIG={sig}")
                if stars:
                    info.append(f"CLNREVSTAT={stars}")
                f[7] = ";".join(info)
                done.append(f"reclassified {key} as {reclassify[key]}")
                line = "\t".join(f) + "\n"
            lines.append(line)
    missing = (drop | set(reclassify)) - {d.split(" ")[1] for d in done}
    if missing:
        raise SystemExit(f"{source}: record(s) not found: {', '.join(sorted(missing))}")
    plain = out.with_suffix("")
    plain.write_text("".join(lines))
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    plain.unlink()
    return done


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--date", required=True, help="the ##fileDate of the old release, e.g. 20240101")
    ap.add_argument("--drop", action="append", default=[], metavar="CHROM:POS:REF:ALT")
    ap.add_argument("--reclassify", action="append", default=[], metavar="CHROM:POS:REF:ALT=CLNSIG[/CLNREVSTAT]")
    args = ap.parse_args(argv)
    changes = make_old_clinvar(args.source, args.out, date=args.date, drop=set(args.drop),
                               reclassify=dict(r.split("=", 1) for r in args.reclassify))
    print("\n".join(changes), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
