"""GRCh37 resources for tests, derived from ../shared/data in the test run (nothing here is committed data), and
served from 127.0.0.1 under the names and layout of the real sources so that `pidtriage resources fetch` runs
its GRCh37 code path unchanged:

- ClinVar: the shared GRCh38 PID ClinVar set (54,458 sites) lifted to GRCh37 with the UCSC hg19ToHg38 chain,
  reversed (pyliftover maps one way only); sites that do not map one-to-one, or map to another chromosome, are
  dropped; minus-strand mappings get complemented alleles. GRCh37 ##contig lengths (from the real Scout VCF's
  header) make the file's build detectable. Served as vcf_GRCh37/clinvar.vcf.gz with .tbi and .md5.
- Population: the real gnomAD-genome frequencies that set carries (dbNSFP gnomAD_genomes_AF/AN; sites whose
  frequency the source imputed are left out) in gnomAD v2.1.1's keys (AF, AN), one file per chromosome, served as
  release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.{chrom}.vcf.bgz. It covers only those ClinVar sites:
  a variant absent from it is not known to be absent from gnomAD. No exome file exists here.
- Transcripts: an Ensembl-release-87-style GFF3 written here for three panel genes (RAG1 and IL7R with their MANE
  Ensembl IDs; ADA with an ID that is not its MANE Select, to exercise the fallback) and one non-panel gene, at
  their GRCh37 spans, with a synthetic exon-intron structure (not Ensembl's models), its CHECKSUMS line made by
  coreutils `sum`; and the real MANE v1.0 summary (shared data) for the RefSeq mapping.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import subprocess
from pathlib import Path

import pysam

SCOUT = "vcf/scout_demo_643594_trio.clinical.GRCh37.vcf.gz"
CLINVAR38 = "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
CHAIN = "reference/hg19ToHg38.over.chain.gz"
MANE = "genes/MANE.GRCh38.v1.0.summary.txt.gz"
CHROMS = [*map(str, range(1, 23)), "X", "Y"]
_COMP = str.maketrans("ACGTN", "TGCAN")


def reverse_chain(src: Path, dest: Path) -> Path:
    """The UCSC chain from hg19 to hg38 turned into hg38 to hg19: target and query swapped; for a chain whose
    query is on the minus strand, the blocks are reversed and both sides expressed as the chain format wants
    them (target on +, query on -)."""
    out = []
    with gzip.open(src, "rt") as fh:
        lines = fh.read().split("\n\n")
    for chunk in lines:
        rows = [r for r in chunk.strip().splitlines() if r.strip()]
        if not rows:
            continue
        h = rows[0].split()
        score, tname, tsize, _, tstart, tend, qname, qsize, qstrand, qstart, qend, cid = h[1:13]
        blocks = [list(map(int, r.split())) for r in rows[1:]]
        sizes = [b[0] for b in blocks]
        gaps = [(b[1], b[2]) for b in blocks[:-1]]
        if qstrand == "+":
            head = [score, qname, qsize, "+", qstart, qend, tname, tsize, "+", tstart, tend, cid]
            body = [f"{s}\t{dq}\t{dt}" for s, (dt, dq) in zip(sizes, gaps, strict=False)] + [str(sizes[-1])]
        else:
            ts, qs = int(tsize), int(qsize)
            head = [score, qname, qsize, "+", str(qs - int(qend)), str(qs - int(qstart)), tname, tsize, "-",
                    str(ts - int(tend)), str(ts - int(tstart)), cid]
            rs, rg = sizes[::-1], gaps[::-1]
            body = [f"{s}\t{dq}\t{dt}" for s, (dt, dq) in zip(rs, rg, strict=False)] + [str(rs[-1])]
        out.append("chain " + " ".join(head) + "\n" + "\n".join(body))
    with gzip.open(dest, "wt") as fh:
        fh.write("\n\n".join(out) + "\n\n")
    return dest


def grch37_contigs(shared: Path) -> list[str]:
    """The GRCh37 ##contig lines of the real Scout VCF (1-22, X, Y, MT with their lengths)."""
    with pysam.VariantFile(str(shared / SCOUT)) as v:
        return [f"##contig=<ID={c},length={v.header.contigs[c].length}>" for c in [*CHROMS, "MT"]
                if c in v.header.contigs]


def lift_clinvar(shared: Path, out: Path) -> tuple[Path, dict[str, int]]:
    """The shared GRCh38 ClinVar set on GRCh37 (bgzipped, indexed), and counts of what was lifted or dropped."""
    from pyliftover import LiftOver

    chain = reverse_chain(shared / CHAIN, out.parent / "hg38ToHg19.over.chain.gz")
    lo = LiftOver(str(chain))
    counts = {"records": 0, "lifted": 0, "unmapped": 0, "ambiguous_or_other_chromosome": 0, "minus_strand": 0}
    body = []
    header = []
    with gzip.open(shared / CLINVAR38, "rt") as fh:
        for line in fh:
            if line.startswith("##contig") or line.startswith("##reference"):
                continue
            if line.startswith("#"):
                header.append(line.rstrip("\n"))
                continue
            counts["records"] += 1
            f = line.rstrip("\n").split("\t")
            hits = lo.convert_coordinate(f"chr{f[0]}", int(f[1]) - 1)
            if not hits:
                counts["unmapped"] += 1
                continue
            if len(hits) != 1 or hits[0][0] != f"chr{f[0]}":
                counts["ambiguous_or_other_chromosome"] += 1
                continue
            _, pos0, strand, _ = hits[0]
            if strand == "-":
                counts["minus_strand"] += 1
                f[3], f[4] = f[3].translate(_COMP), f[4].translate(_COMP)
            f[1] = str(pos0 + 1)
            body.append(f)
            counts["lifted"] += 1
    body.sort(key=lambda f: (CHROMS.index(f[0]) if f[0] in CHROMS else 99, int(f[1])))
    meta = [h for h in header if h.startswith("##")]
    text = "\n".join([meta[0], "##fileDate=20250316", "##reference=GRCh37",
                      "##source=pidtriage tests: shared clinvar_pid398_snvs.GRCh38.derived.vcf.gz lifted to GRCh37 "
                      "(hg19ToHg38 chain reversed, tests/grch37_resources.py)",
                      *meta[1:], *grch37_contigs(shared), header[-1], *("\t".join(f) for f in body)]) + "\n"
    plain = out.with_suffix("")  # x.vcf
    plain.write_text(text)
    pysam.tabix_index(str(plain), preset="vcf", force=True)
    return out, counts


def gnomad_genomes(lifted: Path, shared: Path, root: Path) -> list[Path]:
    """Per-chromosome gnomAD-v2.1.1-shaped files of the lifted set's real gnomAD-genome frequencies."""
    header = ["##fileformat=VCFv4.2", "##source=pidtriage tests: gnomAD genome AF/AN of the PID ClinVar sites "
              "(dbNSFP via the shared derived set), lifted to GRCh37, in gnomAD v2.1.1's keys",
              '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">',
              '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">',
              '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
              *grch37_contigs(shared), "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]
    rows: dict[str, list[str]] = {}
    with pysam.VariantFile(str(lifted)) as v:
        for rec in v:
            af, an = rec.info.get("gnomADg_AF"), rec.info.get("gnomADg_AN")
            if rec.info.get("AF_IMPUTED") or af is None or not an:
                continue
            rows.setdefault(rec.chrom, []).append(
                f"{rec.chrom}\t{rec.pos}\t.\t{rec.ref}\t{rec.alts[0]}\t.\tPASS\tAC={round(af * an)};AN={an};AF={af:.6g}")
    out = []
    for chrom in CHROMS:
        plain = root / f"gnomad.genomes.r2.1.1.sites.{chrom}.vcf"
        plain.write_text("\n".join([*header, *rows.get(chrom, [])]) + "\n")
        pysam.tabix_index(str(plain), preset="vcf", force=True)
        bgz = root / f"gnomad.genomes.r2.1.1.sites.{chrom}.vcf.bgz"
        Path(f"{plain}.gz").rename(bgz)
        Path(f"{plain}.gz.tbi").rename(f"{bgz}.tbi")
        out.append(bgz)
    return out


# (gene ID, symbol, HGNC accession, chrom, strand, span, transcript ID, version): synthetic structures at the
# genes' GRCh37 spans (panel TSV); RAG1 and IL7R carry their MANE Ensembl IDs, ADA a non-MANE ID
GENES = [
    ("ENSG00000166349", "RAG1", "9831", "11", "+", (36589563, 36601310), "ENST00000299440", "5"),
    ("ENSG00000168685", "IL7R", "6024", "5", "+", (35856977, 35879705), "ENST00000303115", "3"),
    ("ENSG00000196839", "ADA", "186", "20", "-", (43248163, 43280376), "ENST00000999001", "1"),
    ("ENSG00000999999", "NOTPID", "99999", "1", "+", (1000000, 1010000), "ENST00000999999", "1"),
]


def ensembl_gff3(root: Path) -> Path:
    """An Ensembl-87-style GFF3 (gzipped) of GENES, and the CHECKSUMS file Ensembl publishes beside it."""
    lines = ["##gff-version 3", "#!genome-build  GRCh37.p13", "#!genome-version GRCh37",
             "#!genebuild-last-updated 2013-09"]
    for gid, name, acc, chrom, strand, (start, end), tx, version in GENES:
        lines.append(f"{chrom}\tensembl_havana\tgene\t{start}\t{end}\t.\t{strand}\t.\tID=gene:{gid};Name={name};"
                     f"biotype=protein_coding;description={name} [Source:HGNC Symbol%3BAcc:{acc}];gene_id={gid};version=1")
        lines.append(f"{chrom}\tensembl_havana\tmRNA\t{start}\t{end}\t.\t{strand}\t.\tID=transcript:{tx};"
                     f"Parent=gene:{gid};Name={name}-001;biotype=protein_coding;tag=basic;transcript_id={tx};"
                     f"version={version}")
        exons = [(start, start + 199), (end - 999, end)]
        for s, e in exons:
            lines.append(f"{chrom}\tensembl_havana\texon\t{s}\t{e}\t.\t{strand}\t.\tParent=transcript:{tx};rank=1")
        lines.append(f"{chrom}\tensembl_havana\tCDS\t{exons[0][0] + 100}\t{exons[0][1]}\t.\t{strand}\t0\t"
                     f"ID=CDS:ENSP{tx[4:]};Parent=transcript:{tx};protein_id=ENSP{tx[4:]}")
        lines.append(f"{chrom}\tensembl_havana\tCDS\t{exons[1][0]}\t{exons[1][0] + 299}\t.\t{strand}\t2\t"
                     f"ID=CDS:ENSP{tx[4:]};Parent=transcript:{tx};protein_id=ENSP{tx[4:]}")
    gff = root / "Homo_sapiens.GRCh37.87.gff3.gz"
    with gzip.open(gff, "wt") as fh:
        fh.write("\n".join(lines) + "\n")
    summed = subprocess.run(["sum", str(gff)], capture_output=True, text=True, check=True).stdout.split()
    (root / "CHECKSUMS").write_text(f"12345 7 Homo_sapiens.GRCh37.87.gtf.gz\n{summed[0]} {summed[1]} {gff.name}\n")
    return gff


def build_sources(shared: Path, root: Path) -> dict[str, object]:
    """Every file under `root` in the real sources' layout; returns what was made (counts, paths)."""
    clinvar_dir = root / "pub/clinvar/vcf_GRCh37"
    pop_dir = root / "gnomad/release/2.1.1/vcf/genomes"
    ens_dir = root / "pub/grch37/release-87/gff3/homo_sapiens"
    mane_dir = root / "refseq/MANE"
    for d in (clinvar_dir, pop_dir, ens_dir, mane_dir):
        d.mkdir(parents=True, exist_ok=True)
    clinvar, counts = lift_clinvar(shared, clinvar_dir / "clinvar.vcf.gz")
    (clinvar_dir / "clinvar.vcf.gz.md5").write_text(hashlib.md5(clinvar.read_bytes()).hexdigest() + "  clinvar.vcf.gz\n")
    gnomad_genomes(clinvar, shared, pop_dir)
    ensembl_gff3(ens_dir)
    shutil.copy(shared / MANE, mane_dir / "MANE.GRCh38.v1.0.summary.txt.gz")
    return {"clinvar": clinvar, "counts": counts}


def sources(url: str) -> dict[str, str]:
    """resources.sources for GRCh37 pointing at a server of `build_sources`' root (the real keys and layout)."""
    return {
        "clinvar_vcf": f"{url}/pub/clinvar/vcf_{{build}}/clinvar.vcf.gz", "clinvar_md5": "auto",
        "clinvar_release": "ClinVar (test: shared PID set lifted to GRCh37)",
        "population_vcf": f"{url}/gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.{{chrom}}.vcf.bgz",
        "population_release": "gnomAD genome AF/AN at the PID ClinVar sites (test)",
        "population_name": "gnomAD genomes (PID ClinVar sites only)", "population_af_field": "AF",
        "population_an_field": "AN", "population_faf_field": "", "population_nhomalt_field": "",
        "population_grpmax_field": "", "population_nhemi_field": "",
        "ensembl_gff3": f"{url}/pub/grch37/release-87/gff3/homo_sapiens/Homo_sapiens.GRCh37.87.gff3.gz",
        "ensembl_gff3_checksum": "auto", "ensembl_gff3_release": "Ensembl 87 GRCh37 layout (test: synthetic models)",
        "mane_summary": f"{url}/refseq/MANE/MANE.GRCh38.v1.0.summary.txt.gz", "mane_summary_release": "MANE v1.0",
    }  # fmt: skip


# The three real GRCh37 datasets as one cohort: the Scout trio (VEP CSQ), the GIAB trio (bcftools BCSQ) and the
# Pfeiffer exome (no consequence annotation), with the pedigrees of their PED files
SHEET = ["sample_id\tvcf\tsex\tfather_id\tmother_id\taffected",
         "ADM1059A2\t{v}/scout_demo_643594_trio.clinical.GRCh37.vcf.gz\tmale\tADM1059A1\tADM1059A3\ttrue",
         "ADM1059A1\t{v}/scout_demo_643594_trio.clinical.GRCh37.vcf.gz\tmale\t\t\tfalse",
         "ADM1059A3\t{v}/scout_demo_643594_trio.clinical.GRCh37.vcf.gz\tfemale\t\t\tfalse",
         "HG002\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\tmale\tHG003\tHG004\ttrue",
         "HG003\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\tmale\t\t\tfalse",
         "HG004\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\tfemale\t\t\tfalse",
         "manuel\t{v}/exomiser_Pfeiffer_exome.GRCh37.vcf.gz\tmale\t\t\ttrue"]
DATASETS = {"ADM1059A2": "Scout demo trio 643594 (680 records, VEP CSQ)",
            "HG002": "GIAB Ashkenazi trio exome chr1-2 (9,940 records, bcftools BCSQ)",
            "manuel": "Exomiser Pfeiffer exome (37,709 records, no consequence annotation)"}


def fetch_and_run(shared: Path, repo: Path, env: dict[str, str], work: Path) -> dict[str, object]:
    """Serve the GRCh37 sources, `pidtriage resources fetch` them (genome_build GRCh37), run the workflow on
    the three datasets with the fetched resources (`--configfile config.yaml resources/resources.yaml`).
    Returns the directories, the commands' wall times and the lifting counts."""
    import os
    import sys
    import time

    import yaml

    from range_server import RangeServer

    srv_root, res, out = work / "srv", work / "resources", work / "results"
    srv_root.mkdir(parents=True, exist_ok=True)
    made = build_sources(shared, srv_root)
    env = {**env, "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    bindir = Path(sys.executable).parent
    fetch_cfg = work / "fetch.yaml"
    times = {}
    with RangeServer(srv_root) as srv:
        fetch_cfg.write_text(yaml.safe_dump({"genome_build": "GRCh37", "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"),
                                             "resources": {"sources": {"GRCh37": sources(srv.url)}}}))
        t = time.monotonic()
        fetch = subprocess.run([str(bindir / "pidtriage"), "resources", "fetch", "--configfile", str(fetch_cfg),
                                "--outdir", str(res)], capture_output=True, text=True, env=env, cwd=work, timeout=900)
        times["fetch"] = time.monotonic() - t
    if fetch.returncode != 0:
        raise AssertionError(fetch.stderr[-3000:])
    sheet = work / "samples.tsv"
    sheet.write_text("\n".join(line.format(v=shared / "vcf") for line in SHEET) + "\n")
    cfg = work / "config.yaml"
    cfg.write_text(yaml.safe_dump({"samples": str(sheet), "outdir": str(out), "genome_build": "GRCh37",
                                   "panel": str(repo / "gene_panels/iuis_iei_2024.tsv")}))
    t = time.monotonic()
    run = subprocess.run([str(bindir / "snakemake"), "-s", "workflow/Snakefile", "--cores", "2", "--configfile",
                          str(cfg), str(res / "resources.yaml")], cwd=repo, capture_output=True, text=True,
                         env={**env, "PATH": f"{bindir}{os.pathsep}{env.get('PATH', '')}"}, timeout=900)
    times["workflow"] = time.monotonic() - t
    if run.returncode != 0:
        raise AssertionError(run.stderr[-3000:])
    return {"resources": res, "results": out, "times": times, "lifted": made["counts"], "fetch_stdout": fetch.stdout}
