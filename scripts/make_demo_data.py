#!/usr/bin/env python3
"""Make the demo cohort: seven cases on GRCh38, each a background of real common variants plus real ClinVar
pathogenic variants at their true positions, and the demo ClinVar and population resources.

    python scripts/make_demo_data.py                  # writes demo/data/ from demo/demo_sites.tsv
    python scripts/make_demo_data.py --refresh-sites  # rebuilds demo/demo_sites.tsv from ../shared/data

`demo/demo_sites.tsv` holds derived facts from the ClinVar PID SNV set in ../shared/data (ClinVar
variant_summary 2025-03-16 via dbNSFP, with gnomAD genomes AF): positions, alleles, significance, HGVS.
The genotypes are simulated (seeded): DEMO DATA, not patients. Same inputs, same bytes.

Cases: P01 X-linked hemizygous boy (BTK), P02 AR homozygous (RAG1), P03 AR compound heterozygote in a trio
(DCLRE1C), P04 de novo AD in a trio (NFKB1), P05 carrier of one AR variant (RAG2; plain, unindexed VCF),
P06 negative, P07 a truncated file that must end as failed.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
from pathlib import Path

import pysam

REPO = Path(__file__).resolve().parent.parent
SITES = REPO / "demo" / "demo_sites.tsv"
SHARED_CLINVAR = REPO.parent / "shared/data/clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
LENGTHS = {"2": 242193529, "4": 190214555, "10": 133797422, "11": 135086622, "19": 58617616, "20": 64444167,
           "21": 46709983, "X": 156040895, "Y": 57227415}  # GRCh38  # fmt: skip
# Simulated sex-chromosome background for the sample-QC sex check: loci in chrX 85-95 Mb (no panel gene) and
# in the male-specific region of chrY. Positions and REF bases are simulated (DEMO DATA): no resource matches.
SEX_LOCI_X = 60
SEX_LOCI_Y = 12
GENES = ("BTK", "IL2RG", "CD40LG", "CYBB", "WAS", "FOXP3", "RAG1", "RAG2", "DCLRE1C", "NFKB1", "ADA", "JAK3",
         "ITGB2", "AIRE", "CTLA4", "LRBA")  # fmt: skip
# The disease-causing variants (chrom, pos, ref, alt), all ClinVar P or LP.
BTK_W421X = ("X", 101356871, "C", "T")
RAG1_R108X = ("11", 36573626, "C", "T")
DCLRE1C_R81X = ("10", 14945110, "G", "A")
NFKB1_S237X = ("4", 102579019, "C", "G")
RAG2_W430X = ("11", 36592879, "C", "T")
COLUMNS = ("chrom", "pos", "ref", "alt", "gene", "clnsig", "hgvsc", "hgvsp", "gnomad_af", "gnomad_an")


def refresh_sites(source: Path) -> None:
    keep: dict[str, list[dict[str, str]]] = {g: [] for g in GENES}
    with gzip.open(source, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            info = dict(x.split("=", 1) if "=" in x else (x, "") for x in f[7].split(";"))
            gene = info.get("GENE", "")
            if gene not in keep:
                continue
            row = {"chrom": f[0], "pos": f[1], "ref": f[3], "alt": f[4], "gene": gene, "clnsig": info.get("CLNSIG", ""),
                   "hgvsc": info.get("HGVSc", "."), "hgvsp": info.get("HGVSp", "."),
                   "gnomad_af": info.get("gnomADg_AF", ""), "gnomad_an": info.get("gnomADg_AN", "")}  # fmt: skip
            keep[gene].append(row)
    special = {BTK_W421X, RAG1_R108X, DCLRE1C_R81X, NFKB1_S237X, RAG2_W430X}
    out = []
    for rows in keep.values():
        common = [r for r in rows if r["gnomad_af"] and float(r["gnomad_af"]) >= 0.01]
        plp = [r for r in rows if r["clnsig"].startswith(("Pathogenic", "Likely_pathogenic"))]
        vus = [r for r in rows if r["clnsig"] == "Uncertain_significance"][:15]
        chosen = common + plp[:12] + vus
        chosen += [r for r in rows if (r["chrom"], int(r["pos"]), r["ref"], r["alt"]) in special and r not in chosen]
        out += chosen
    out.sort(key=lambda r: (list(LENGTHS).index(r["chrom"]), int(r["pos"])))
    with SITES.open("w") as fh:
        fh.write("# Derived from ../shared/data/clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz by "
                 "scripts/make_demo_data.py --refresh-sites (ClinVar variant_summary 2025-03-16 via dbNSFP; gnomAD genomes AF)\n")
        w = csv.DictWriter(fh, COLUMNS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(out)
    print(f"{SITES}: {len(out)} sites")


def read_sites() -> list[dict[str, str]]:
    with SITES.open() as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t"))


def _key(r: dict[str, str]) -> tuple[str, int, str, str]:
    return (r["chrom"], int(r["pos"]), r["ref"], r["alt"])


def _contig(chrom: str, chr_prefix: bool) -> str:
    return f"chr{chrom}" if chr_prefix else chrom


def _call(rng: random.Random, alleles: tuple[int, int] | tuple[int]) -> str:
    depth = rng.randint(25, 45)
    alt = sum(1 for a in alleles if a > 0)
    if len(alleles) == 1:
        ad = (0, depth) if alt else (depth, 0)
        gt = str(alleles[0])
    else:
        if alt == 1:
            k = int(depth * rng.uniform(0.4, 0.6))
            ad = (depth - k, k)
        else:
            ad = (0, depth) if alt == 2 else (depth, 0)
        gt = "/".join(str(a) for a in sorted(alleles))
    return f"{gt}:{ad[0]},{ad[1]}:{depth}:99"


def _background(rng: random.Random, site: dict[str, str], male: bool) -> tuple[int, ...] | None:
    af = float(site["gnomad_af"] or 0)
    if af < 0.01:
        return None
    if site["chrom"] == "X" and male:
        return (1, 1) if rng.random() < af else None  # male hemizygous calls written diploid, as GATK does
    a = (1 if rng.random() < af else 0, 1 if rng.random() < af else 0)
    return a if sum(a) else None


def _sex_background(rng: random.Random, samples: list[tuple[str, bool]]) -> list[tuple[str, int, str, str, list[str]]]:
    """Calls at simulated chrX/chrY loci: females heterozygous at about half their chrX calls, males
    hemizygous on chrX and called on chrY; a female has no reads on chrY (DP 0, missing genotype)."""
    loci = [("X", p) for p in sorted(rng.sample(range(85_000_000, 95_000_000), SEX_LOCI_X))]
    loci += [("Y", p) for p in sorted(rng.sample(range(7_000_000, 20_000_000), SEX_LOCI_Y))]
    out = []
    for chrom, pos in loci:
        ref, alt = rng.sample("ACGT", 2)
        calls = []
        for _, male in samples:
            if chrom == "Y" and not male:
                calls.append("./.:0,0:0:0")
            elif male:
                calls.append(_call(rng, (1, 1) if rng.random() < 0.6 else (0, 0)))
            else:
                r = rng.random()
                calls.append(_call(rng, (0, 1) if r < 0.5 else (1, 1) if r < 0.8 else (0, 0)))
        if any(c.split(":")[0] in ("0/1", "1/1") for c in calls):
            out.append((chrom, pos, ref, alt, calls))
    return out


def write_vcf(path: Path, samples: list[tuple[str, bool]], spikes: dict[tuple[str, int, str, str], list[tuple[int, ...]]],
              sites: list[dict[str, str]], rng: random.Random, *, chr_prefix: bool) -> None:
    by_key = {_key(s): s for s in sites}
    lines = ["##fileformat=VCFv4.2", "##source=pidtriage scripts/make_demo_data.py (DEMO DATA: simulated genotypes)",
             "##reference=GRCh38", '##FILTER=<ID=PASS,Description="All filters passed">',
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
             '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
             '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">']  # fmt: skip
    lines += [f"##contig=<ID={_contig(c, chr_prefix)},length={n}>" for c, n in LENGTHS.items()]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(s for s, _ in samples))
    records = []
    for site in sites:
        key = _key(site)
        if key in spikes:
            calls = [_call(rng, a) for a in spikes[key]]  # type: ignore[arg-type]
        else:
            gts = [_background(rng, site, male) for _, male in samples]
            if not any(gts):
                continue
            calls = [_call(rng, g if g else (0, 0)) for g in gts]  # type: ignore[arg-type]
        records.append(f"{_contig(key[0], chr_prefix)}\t{key[1]}\t.\t{key[2]}\t{key[3]}\t{rng.randint(200, 2000)}\tPASS\t.\tGT:AD:DP:GQ\t"
                       + "\t".join(calls))
    order = {c: i for i, c in enumerate(LENGTHS)}
    for chrom, pos, ref, alt, calls in _sex_background(rng, samples):
        records.append(f"{_contig(chrom, chr_prefix)}\t{pos}\t.\t{ref}\t{alt}\t{rng.randint(200, 2000)}\tPASS\t.\tGT:AD:DP:GQ\t"
                       + "\t".join(calls))
    records.sort(key=lambda line: (order[line.split("\t", 1)[0].removeprefix("chr")], int(line.split("\t", 2)[1])))
    missing = set(spikes) - set(by_key)
    if missing:
        sys.exit(f"make_demo_data: spiked variant(s) {missing} not in {SITES}; run --refresh-sites")
    text = "\n".join(lines + records) + "\n"
    if path.suffix == ".gz":
        plain = path.with_suffix("")
        plain.write_text(text)
        pysam.tabix_compress(str(plain), str(path), force=True)
        plain.unlink()
        pysam.tabix_index(str(path), preset="vcf", force=True)
    else:
        path.write_text(text)


def write_resources(outdir: Path, sites: list[dict[str, str]]) -> None:
    header = ["##fileformat=VCFv4.2", "##fileDate=20250316",
              "##source=DEMO subset of the ClinVar PID SNV set (ClinVar variant_summary 2025-03-16 via dbNSFP)",
              '##INFO=<ID=GENE,Number=1,Type=String,Description="HGNC symbol">',
              '##INFO=<ID=CLNSIG,Number=1,Type=String,Description="ClinVar clinical significance">',
              '##INFO=<ID=HGVSc,Number=1,Type=String,Description="HGVS c.">',
              '##INFO=<ID=HGVSp,Number=1,Type=String,Description="HGVS p.">']  # fmt: skip
    header += [f"##contig=<ID={c},length={n}>" for c, n in LENGTHS.items()]
    header.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    clinvar = [f"{s['chrom']}\t{s['pos']}\t.\t{s['ref']}\t{s['alt']}\t.\t.\tGENE={s['gene']};CLNSIG={s['clnsig']};"
               f"HGVSc={s['hgvsc']};HGVSp={s['hgvsp']}" for s in sites]
    pop_header = ["##fileformat=VCFv4.2", "##source=DEMO gnomAD genomes allele frequencies (via dbNSFP) in gnomAD v4 field names",
                  '##INFO=<ID=AF_joint,Number=A,Type=Float,Description="Allele frequency">',
                  '##INFO=<ID=AN_joint,Number=1,Type=Integer,Description="Allele number">']  # fmt: skip
    pop_header += [f"##contig=<ID={c},length={n}>" for c, n in LENGTHS.items()]
    pop_header.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    pop = [f"{s['chrom']}\t{s['pos']}\t.\t{s['ref']}\t{s['alt']}\t.\tPASS\tAF_joint={s['gnomad_af']};AN_joint={s['gnomad_an']}"
           for s in sites if s["gnomad_af"]]
    for name, head, body in (("clinvar_demo.vcf", header, clinvar), ("population_demo.vcf", pop_header, pop)):
        plain = outdir / name
        plain.write_text("\n".join(head + body) + "\n")
        pysam.tabix_compress(str(plain), str(plain) + ".gz", force=True)
        plain.unlink()
        pysam.tabix_index(str(plain) + ".gz", preset="vcf", force=True)


def make(outdir: Path) -> None:
    sites = read_sites()
    outdir.mkdir(parents=True, exist_ok=True)
    write_resources(outdir, sites)
    dcl = [s for s in sites if s["gene"] == "DCLRE1C" and s["clnsig"].startswith(("Pathogenic", "Likely_pathogenic"))
           and _key(s) != DCLRE1C_R81X]  # fmt: skip
    second = _key(dcl[0])
    het, hom, ref = (0, 1), (1, 1), (0, 0)
    rng = random.Random(20261123)
    write_vcf(outdir / "P01.vcf.gz", [("P01", True)], {BTK_W421X: [(1,)]}, sites, rng, chr_prefix=True)
    write_vcf(outdir / "P02.vcf.gz", [("P02", False)], {RAG1_R108X: [hom]}, sites, rng, chr_prefix=False)
    write_vcf(outdir / "F03.vcf.gz", [("P03", True), ("P03_F", True), ("P03_M", False)],
              {DCLRE1C_R81X: [het, het, ref], second: [het, ref, het]}, sites, rng, chr_prefix=True)
    write_vcf(outdir / "F04.vcf.gz", [("P04", False), ("P04_F", True), ("P04_M", False)],
              {NFKB1_S237X: [het, ref, ref]}, sites, rng, chr_prefix=False)
    write_vcf(outdir / "P05.vcf", [("P05", False)], {RAG2_W430X: [het]}, sites, rng, chr_prefix=False)
    write_vcf(outdir / "P06.vcf.gz", [("P06", True)], {}, sites, rng, chr_prefix=True)
    good = (outdir / "P06.vcf.gz").read_bytes()
    (outdir / "P07.vcf.gz").write_bytes(good[: len(good) // 2])  # truncated on purpose: must end as failed
    print(f"make_demo_data: demo cohort and resources written to {outdir}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--outdir", type=Path, default=REPO / "demo" / "data")
    ap.add_argument("--refresh-sites", action="store_true")
    ap.add_argument("--clinvar", type=Path, default=SHARED_CLINVAR)
    args = ap.parse_args(argv)
    if args.refresh_sites:
        refresh_sites(args.clinvar)
    make(args.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
