#!/usr/bin/env python3
"""`make bench`: pidtriage against bcftools on the same files, in one run, written to RESULTS.md.

Data: the synthetic GRCh38 WGS (single male), trio and exome VCFs and the 500-gene, 33 Mb synthetic panel from
../shared/bench/make_perf_vcf.py, generated once into a cache outside the repository
($PIDTRIAGE_BENCH_DIR, default ~/.cache/pidtriage-bench), plus a 30x exome BAM over its exome targets for the
coverage bench. The synthetic panel is turned into a pidtriage panel TSV (every gene AR, loss of function).

Every figure is the median of --repeats runs (min-max beside it) of a separate process, with its peak RSS
(os.wait4), and the ratio to the bcftools reference measured in the same run on the same file and panel:
`bcftools view -R panel.bed` for indexed input, `bcftools view -T panel.bed` for unindexed input.

    python tests/benchmarks/run_benchmarks.py                 # everything (about 15 minutes on 2 cores)
    python tests/benchmarks/run_benchmarks.py --only wgs,qc   # wgs trio exome qc coverage cohort
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
GENERATOR = REPO.parent / "shared" / "bench" / "make_perf_vcf.py"
SHARED = REPO.parent / "shared" / "data"
sys.path.insert(0, str(HERE.parent))
BIN = Path(sys.executable).parent
HPO_TERMS = "HP:0004432;HP:0002718;HP:0030252;HP:0004429;HP:0006532"  # five real terms of antibody deficiency


@dataclass
class Row:
    group: str
    name: str
    seconds: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    reference: str = ""  # name of the row this one is divided by
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measure(cmd: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one process and its children."""
    start = time.perf_counter()
    proc = subprocess.Popen(list(cmd), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


class Bench:
    def __init__(self, repeats: int) -> None:
        self.repeats = repeats
        self.rows: list[Row] = []

    def run(self, group: str, name: str, cmd: Sequence[str] | Callable[[], Sequence[str]], *, reference: str = "",
            note: str = "", repeats: int | None = None, prepare: Callable[[], None] | None = None,
            **kw: object) -> Row:
        row = Row(group, name, reference=reference, note=note)
        for _ in range(repeats or self.repeats):
            if prepare:
                prepare()
            s, m = measure(cmd() if callable(cmd) else cmd, **kw)  # type: ignore[arg-type]
            row.seconds.append(s)
            row.rss_mb.append(m)
        self.rows.append(row)
        print(f"  {group:8s} {name:55s} {row.median:8.2f} s  {max(row.rss_mb):7.0f} MB", flush=True)
        return row

    def find(self, group: str, name: str) -> Row:
        return next(r for r in self.rows if r.group == group and r.name == name)


def ensure_data(cache: Path) -> Path:
    """Generate the VCFs that are missing (each complete with its index), once."""
    data = cache / "perfdata"
    missing = [k for k in ("wgs", "trio", "exome") if not (data / f"{k}.vcf.gz.tbi").exists()]
    if missing or not (data / "exome_targets.bed").exists():
        if not GENERATOR.exists():
            raise SystemExit(f"{GENERATOR} not found: the benchmarks need ../shared/bench")
        print(f"generating {', '.join(missing) or 'beds'} into {data} (once; a few minutes)", flush=True)
        subprocess.run([sys.executable, str(GENERATOR), "--outdir", str(data), "--only", ",".join(["bed", *missing])],
                       check=True)
    return data


def bench_panel(data: Path, work: Path) -> Path:
    """The synthetic panel.bed as a pidtriage panel TSV (1-based spans, every gene AR, LOF)."""
    from pidtriage.panel.model import Disease, GeneLocation, Mechanism, Moi, PanelGene
    from pidtriage.panel.tsv import Panel, write_panel

    out = work / "bench_panel.tsv"
    if out.exists():
        return out
    genes = []
    for i, line in enumerate((data / "panel.bed").read_text().splitlines()):
        chrom, start, end, name = line.split("\t")
        disease = Disease(f"{name} deficiency", "", Moi.AR, Mechanism.LOF, "1", "", "")
        genes.append(PanelGene(hgnc_id=f"HGNC:{900000 + i}", symbol=name, moi=Moi.AR, mechanism=Mechanism.LOF,
                               diseases=(disease,),
                               grch38=GeneLocation(chrom.removeprefix("chr"), int(start) + 1, int(end), "+", "synthetic")))
    write_panel(Panel(name="synthetic_bench", version="1.0", header=(("source", "make_perf_vcf.py panel.bed"),),
                      genes=tuple(genes)), out)
    # HPO annotations for the synthetic genes: the real panel's disease rows, in turn, so that the phenotype step
    # scores as many diseases and terms per gene as on the real panel; the real background beside them
    real = (REPO / "gene_panels/iuis_iei_2024.hpo.tsv").read_text().splitlines()
    head = [line for line in real if line.startswith("#")]
    rows = [line.split("\t") for line in real[len(head) + 1:] if line.split("\t")[7]]
    columns = "hgnc_id\tsymbol\tncbi_gene_id\tmatched_by\tdisease_id\tdisease_name\tn_terms\tannotations\n"
    out.with_suffix(".hpo.tsv").write_text("\n".join(head) + "\n" + columns + "".join(
        f"{g.hgnc_id}\t{g.symbol}\t.\tbench\t{r[4]}\t{r[5]}\t{r[6]}\t{r[7]}\n"
        for i, g in enumerate(genes) for r in (rows[i % len(rows)],)))
    shutil.copy(REPO / "gene_panels/iuis_iei_2024.hpo_background.tsv", out.with_suffix(".hpo_background.tsv"))
    return out


def write_config(work: Path, panel: Path, samples: Path, outdir: Path) -> Path:
    cfg = work / f"config_{samples.stem}.yaml"
    # ClinVar configured, as in every real run (without it and without consequence annotation nothing can be
    # assessed and the case fails): the derived PID ClinVar set from ../shared/data
    clinvar = SHARED / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    cfg.write_text(f"samples: {samples}\noutdir: {outdir}\ngenome_build: GRCh38\npanel: {panel}\npanel_padding: 0\n"
                   f"resources:\n  clinvar:\n    vcf: {clinvar}\n    min_review_stars: 0\n")
    return cfg


def case_steps(b: Bench, group: str, vcf: Path, sample: str, sex: str, work: Path, panel: Path, *,
               father: str = "", mother: str = "") -> None:
    """Each stage through the CLI, then `pidtriage run` and Snakemake for the same one case."""
    pid = str(BIN / "pidtriage")
    header = "sample_id\tvcf\tsex\tfather_id\tmother_id\taffected\n"
    rows = [f"{sample}\t{vcf}\t{sex}\t{father}\t{mother}\ttrue"]
    rows += [f"{p}\t{vcf}\t{s}\t\t\tfalse" for p, s in ((father, "male"), (mother, "female")) if p]
    sheet = work / f"{group}.samples.tsv"
    sheet.write_text(header + "\n".join(rows) + "\n")
    out = work / f"{group}_results"
    cfg = write_config(work, panel, sheet, out)
    st = work / f"{group}_stages"
    st.mkdir(exist_ok=True)
    common = ["--configfile", str(cfg)]
    b.run(group, "bcftools view -R panel.bed (reference)", ["bcftools", "view", "-R", str(work / "panel.bed"), str(vcf)])
    b.run(group, "validate", [pid, "validate", *common, "--samples", str(sheet), "--sample-id", sample, "--out", str(st / "v.json")],
          reference="bcftools view -R panel.bed (reference)")
    b.run(group, "extract (bcftools view -R, norm, index)", [pid, "extract", *common, "--record", str(st / "v.json"),
          "--out-vcf", str(st / "p.vcf.gz"), "--out", str(st / "e.json"), "--workdir", str(st / "w")],
          reference="bcftools view -R panel.bed (reference)")
    b.run(group, "annotate (incl. sample QC)", [pid, "annotate", *common, "--record", str(st / "e.json"), "--out", str(st / "a.json")],
          reference="bcftools view -R panel.bed (reference)")
    b.run(group, "triage", [pid, "triage", *common, "--record", str(st / "a.json"), "--out", str(st / "t.json")],
          reference="bcftools view -R panel.bed (reference)")
    b.run(group, "report", [pid, "report", str(st / "t.json"), "--outdir", str(st / "r")],
          reference="bcftools view -R panel.bed (reference)")
    family = ["--father", father, "--mother", mother] if father else []
    # --threads 1: as the workflow's job runs it (threads: 1), so that the two rows below compare like with like
    b.run(group, "pidtriage run (all steps, one process)", [pid, "run", *common, "--vcf", str(vcf), "--sample-id", sample,
          "--sex", sex, *family, "--threads", "1", "--outdir", str(work / f"{group}_run")],
          reference="bcftools view -R panel.bed (reference)")
    if not father:
        b.run(group, "pidtriage run with 5 HPO terms", [pid, "run", *common, "--vcf", str(vcf), "--sample-id", sample,
              "--sex", sex, "--threads", "1", "--hpo-terms", HPO_TERMS, "--outdir", str(work / f"{group}_run_hpo")],
              reference="pidtriage run (all steps, one process)")

    def clean() -> None:
        shutil.rmtree(out, ignore_errors=True)

    # Snakemake's own start (imports, plugin registry), the floor under the row below
    b.run(group, "snakemake --version (Snakemake's start alone)", [str(BIN / "snakemake"), "--version"],
          reference="pidtriage run (all steps, one process)")
    b.run(group, "snakemake, one case (one job: pidtriage case) + cohort summary", [str(BIN / "snakemake"), "-s",
          str(REPO / "workflow/Snakefile"), "--cores", "2", "--configfile", str(cfg), "-q"],
          reference="pidtriage run (all steps, one process)", prepare=clean, cwd=REPO)


def bench_unindexed(b: Bench, data: Path, work: Path, panel: Path) -> None:
    """The WGS as it often arrives: bgzipped without its index (indexed in the work directory)."""
    plain = work / "wgs_unindexed.vcf.gz"
    if not plain.exists():
        shutil.copy(data / "wgs.vcf.gz", plain)
    pid = str(BIN / "pidtriage")
    b.run("unindex", "bcftools view -T panel.bed, no index (reference)", ["bcftools", "view", "-T", str(work / "panel.bed"), str(plain)], repeats=1)
    sheet = work / "unindexed.samples.tsv"
    sheet.write_text(f"sample_id\tvcf\tvcf_sample\tsex\nS\t{plain}\t{_first_sample(plain)}\tmale\n")
    cfg = write_config(work, panel, sheet, work / "unindexed_results")
    st = work / "unindexed_stages"
    b.run("unindex", "validate + extract (index written to the work directory, then -R)", ["bash", "-c",
          f"{pid} validate --configfile {cfg} --samples {sheet} --sample-id S --out {st}/v.json && "
          f"{pid} extract --configfile {cfg} --record {st}/v.json --out-vcf {st}/p.vcf.gz --out {st}/e.json --workdir {st}/w"],
          reference="bcftools view -T panel.bed, no index (reference)", repeats=1,
          prepare=lambda: shutil.rmtree(st, ignore_errors=True))


def bench_annotation(b: Bench, data: Path, work: Path, panel: Path) -> None:
    """The annotate stage over the WGS panel-region records (screen, ClinVar and population lookups through the
    indexes) against `bcftools annotate` adding the same ClinVar fields to the same records (issue #5)."""
    pid = str(BIN / "pidtriage")
    vcf = data / "wgs.vcf.gz"
    sample = _first_sample(vcf)
    st = work / "annotation"
    st.mkdir(exist_ok=True)
    sheet = st / "samples.tsv"
    sheet.write_text(f"sample_id\tvcf\tsex\n{sample}\t{vcf}\tmale\n")
    names = st / "chr.txt"
    names.write_text("".join(f"{c}\tchr{c}\n" for c in [*map(str, range(1, 23)), "X", "Y"]))
    clinvar = st / "clinvar_chr.vcf.gz"
    subprocess.run(["bcftools", "annotate", "--rename-chrs", str(names), "-Oz", "-o", str(clinvar),
                    str(SHARED / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz")], check=True)
    subprocess.run(["bcftools", "index", "-t", str(clinvar)], check=True)
    cfg = write_config(st, panel, sheet, st / "results")
    cfg.write_text(cfg.read_text() + f"resources:\n  clinvar:\n    vcf: {clinvar}\n    min_review_stars: 0\n"
                   f"  population:\n    vcf: {clinvar}\n    af_field: gnomADg_AF\n    an_field: gnomADg_AN\n"
                   "    faf_field: ''\n    nhomalt_field: ''\n    grpmax_field: ''\n")
    common = ["--configfile", str(cfg)]
    subprocess.run([pid, "validate", *common, "--samples", str(sheet), "--sample-id", sample, "--out", str(st / "v.json")],
                   check=True)
    subprocess.run([pid, "extract", *common, "--record", str(st / "v.json"), "--out-vcf", str(st / "p.vcf.gz"),
                    "--out", str(st / "e.json"), "--workdir", str(st / "w")], check=True)
    n = subprocess.run(["bcftools", "index", "-n", str(st / "p.vcf.gz")], capture_output=True, text=True).stdout.strip()
    ref = "bcftools annotate -a ClinVar -c CLNSIG,gnomADg_AF (reference)"
    b.run("annotate", ref, ["bcftools", "annotate", "-a", str(clinvar), "-c", "INFO/CLNSIG,INFO/gnomADg_AF", "-Ob",
                            "-o", os.devnull, str(st / "p.vcf.gz")], note=f"{n} panel-region records")
    b.run("annotate", "pidtriage annotate (sample QC, screen, ClinVar + population + scores)",
          [pid, "annotate", *common, "--record", str(st / "e.json"), "--out", str(st / "a.json")], reference=ref,
          note=f"{n} panel-region records")


def dense_resources(data: Path, work: Path, panel_bed: Path, *, clinvar_records: int = 150_000,
                    population_step: int = 10) -> tuple[Path, Path]:
    """A ClinVar-sized and a gnomAD-sized sites VCF over the real panel's regions (issue #17), generated once:
    ClinVar: `clinvar_records` records spread evenly over the panel (ClinVar's density in PID genes), plus 2.5 % of
    the WGS's own panel records (a genome's variants in ClinVar are mostly its coding and splice-region ones, and
    mostly benign: classes drawn 60 % B, 25 % LB, 12 % VUS, 3 % LP/P), with review statuses;
    population: every WGS record in the panel plus a site every `population_step` bases (gnomAD genomes has about
    one variant site per 8-10 bases), with AF/AN/FAF/nhomalt/grpmax INFO as gnomAD v4 joint."""
    import random

    out_c, out_p = work / "dense_clinvar.vcf.gz", work / "dense_population.vcf.gz"
    if out_c.exists() and out_p.exists():
        return out_c, out_p
    rng = random.Random(17)
    regions = [(c, int(s), int(e)) for c, s, e, *_ in (line.split("\t") for line in panel_bed.read_text().splitlines())]
    total = sum(e - s for _, s, e in regions)
    wgs = subprocess.run(["bcftools", "query", "-R", str(panel_bed), "-f", "%CHROM\t%POS\t%REF\t%ALT\n",
                          str(data / "wgs.vcf.gz")], capture_output=True, text=True, check=True).stdout.splitlines()
    own = [tuple(x.split("\t")) for x in wgs]
    contigs = [*map(str, range(1, 23)), "X", "Y"]
    head = "##fileformat=VCFv4.2\n" + "".join(f"##contig=<ID=chr{c}>\n" for c in contigs)
    sig = ["Pathogenic", "Likely_pathogenic", "Uncertain_significance", "Likely_benign", "Benign"]
    stars = ["criteria_provided,_single_submitter", "criteria_provided,_multiple_submitters,_no_conflicts",
             "reviewed_by_expert_panel", "no_assertion_criteria_provided"]
    clinvar: dict[tuple[str, int], str] = {}
    step = max(1, total // clinvar_records)
    for c, s, e in regions:
        for pos in range(s + 1, e, step):
            clinvar[(c, pos)] = f"{c}\t{pos}\t{len(clinvar)}\tN\tA"
    for c, p, r, a in rng.sample(own, len(own) // 40):
        clinvar[(c, int(p))] = f"{c}\t{p}\t{len(clinvar)}\t{r}\t{a}"
    order = {f"chr{c}": i for i, c in enumerate(contigs)}

    def write(path: Path, header: str, rows: dict[tuple[str, int], str], info) -> None:  # type: ignore[no-untyped-def]
        plain = path.with_suffix("")
        with plain.open("w") as fh:
            fh.write(header + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
            for key in sorted(rows, key=lambda k: (order.get(k[0], 99), k[1])):
                fh.write(f"{rows[key]}\t.\t.\t{info()}\n")
        subprocess.run(["bgzip", "-f", str(plain)], check=True)
        subprocess.run(["tabix", "-f", "-p", "vcf", str(path)], check=True)

    weights = [1.5, 1.5, 12, 25, 60]  # P, LP, VUS, LB, B
    write(out_c, head + "##fileDate=20260101\n" + "".join(
        f'##INFO=<ID={k},Number=.,Type=String,Description="{k}">\n' for k in ("CLNSIG", "CLNREVSTAT", "CLNDN")),
          clinvar, lambda: f"CLNSIG={rng.choices(sig, weights)[0]};CLNREVSTAT={rng.choice(stars)};CLNDN=synthetic")
    population: dict[tuple[str, int], str] = {}
    for c, s, e in regions:
        for pos in range(s + 1, e, population_step):
            population[(c, pos)] = f"{c}\t{pos}\t.\tN\tA"
    for c, p, r, a in own:
        population[(c, int(p))] = f"{c}\t{p}\t.\t{r}\t{a}"
    fields = ("AF_joint", "AN_joint", "fafmax_faf95_max_joint", "nhomalt_joint", "AF_grpmax_joint", "nhomalt_joint_XY")
    write(out_p, head + "".join(f'##INFO=<ID={k},Number=A,Type=Float,Description="{k}">\n' for k in fields),
          population, lambda: (f"AF_joint={rng.random() * 1e-3:.3g};AN_joint=1500000;fafmax_faf95_max_joint="
                               f"{rng.random() * 1e-3:.3g};nhomalt_joint={rng.randint(0, 3)};AF_grpmax_joint="
                               f"{rng.random() * 2e-3:.3g};nhomalt_joint_XY=0"))
    return out_c, out_p


def bench_realistic(b: Bench, data: Path, work: Path) -> None:
    """The WGS as a laboratory runs it: the real 505-gene panel, a ClinVar-sized and a gnomAD-sized resource
    (dense_resources), `pidtriage run` against `bcftools view -R` on the real panel's regions (issue #17)."""
    real = work / "real_panel.bed"
    subprocess.run([str(BIN / "pidtriage"), "panel", "bed", str(REPO / "gene_panels/iuis_iei_2024.tsv"), "--padding",
                    "50", "--chr-prefix", "-o", str(real)], check=True)
    gen = generated(work)
    shutil.copy(real, gen / real.name)
    clinvar, population = gen / "dense_clinvar.vcf.gz", gen / "dense_population.vcf.gz"
    if not (clinvar.exists() and population.exists()):
        # in a separate process: the generation holds millions of rows, and a process forked later would
        # report this one's peak memory as its own (ru_maxrss is inherited across fork)
        subprocess.run([sys.executable, __file__, "--make-dense", str(gen / real.name)], check=True)
    n_c = subprocess.run(["bcftools", "index", "-n", str(clinvar)], capture_output=True, text=True).stdout.strip()
    n_p = subprocess.run(["bcftools", "index", "-n", str(population)], capture_output=True, text=True).stdout.strip()
    vcf = data / "wgs.vcf.gz"
    sample = _first_sample(vcf)
    cfg = work / "config_realistic.yaml"
    cfg.write_text(f"genome_build: GRCh38\npanel: {REPO / 'gene_panels/iuis_iei_2024.tsv'}\nresources:\n"
                   f"  clinvar:\n    vcf: {clinvar}\n  population:\n    vcf: {population}\n    score_fields: {{}}\n")
    ref = "bcftools view -R real panel (reference)"
    b.run("wgs-real", ref, ["bcftools", "view", "-R", str(real), str(vcf)])
    b.run("wgs-real", "pidtriage run, real panel, ClinVar- and gnomAD-sized resources",
          [str(BIN / "pidtriage"), "run", "--configfile", str(cfg), "--vcf", str(vcf), "--sample-id", sample, "--sex",
           "male", "--outdir", str(work / "realistic_run")], reference=ref,
          note=f"ClinVar {n_c} records, population {n_p} records in the panel regions")
    # htslib's own annotation of the same panel records (the run's normalised extract) from each resource: what
    # one streaming `bcftools annotate` pass costs at these densities, beside the whole pidtriage run above
    extract = work / "realistic_run/work" / sample / "panel.vcf.gz"
    n_e = subprocess.run(["bcftools", "index", "-n", str(extract)], capture_output=True, text=True).stdout.strip()
    for label, resource in (("ClinVar-sized", clinvar), ("gnomAD-sized", population)):
        b.run("wgs-real", f"bcftools annotate -a {label} resource -c ID (the extract's records)",
              ["bcftools", "annotate", "-a", str(resource), "-c", "ID", "-Ob", "-o", os.devnull, str(extract)],
              reference=ref, note=f"{n_e} panel records")


def bench_qc(b: Bench, data: Path, work: Path) -> None:
    """Sample QC on the WGS: the chrX/chrY index query (sex) and the index record count."""
    code = ("import sys; from pidtriage.io.vcf import read_header; from pidtriage.io import genotype_table; from pidtriage.qc import sex; "
            "from pidtriage.config import load_config; c = load_config(None); h = read_header(sys.argv[1]); "
            "print(sex.infer_sex(sys.argv[1], h.samples[:1], contigs=h.contigs, formats=h.formats, build='GRCh38', "
            "thresholds=c.get('qc'))); print(genotype_table.records_in_index(sys.argv[1]))")
    b.run("qc", "python start-up + import (baseline)", [sys.executable, "-c", "import pidtriage.qc.sex, pidtriage.config"])
    b.run("qc", "sample QC: sex (chrX/chrY index query) + record count", [sys.executable, "-c", code, str(data / "wgs.vcf.gz")],
          reference="wgs:bcftools view -R panel.bed (reference)")


def make_exome_bam(data: Path, bam: Path) -> None:
    """A 30x exome BAM over every synthetic exome target (depth per target lognormal around 30x)."""
    import numpy as np
    import pysam

    from synthetic_bam import write_bam

    targets = [line.split("\t") for line in (data / "exome_targets.bed").read_text().splitlines()]
    depths = np.random.default_rng(7).lognormal(np.log(30), 0.35, len(targets))
    with pysam.VariantFile(str(data / "exome.vcf.gz")) as vf:
        contigs = {c: vf.header.contigs[c].length for c in vf.header.contigs}
    write_bam(bam, ((c, int(s), int(e), float(d)) for (c, s, e, _), d in zip(targets, depths, strict=True)), contigs)


def bench_coverage(b: Bench, data: Path, work: Path) -> None:
    """Coverage of the panel genes' exons (the PIDxxxx exons of the synthetic exome targets) from a 30x exome BAM:
    pysam through the index (what pidtriage uses), mosdepth (whole file, --by exons --thresholds 20), samtools depth."""
    bam = work.parent / "exome30x.bam"
    if not bam.exists():
        print("  writing a 30x exome BAM (once, in a separate process)", flush=True)
        subprocess.run([sys.executable, __file__, "--make-bam", str(bam)], check=True)
    panel_exons = work / "panel_exons.tsv"
    bed = work / "panel_exons.bed"
    with panel_exons.open("w") as fh, bed.open("w") as bfh:
        fh.write("build\tchrom\tstart\tend\thgnc_id\tsymbol\texon\n")
        for line in (data / "exome_targets.bed").read_text().splitlines():
            c, s, e, name = line.split("\t")
            if name.startswith("PID"):
                gene = name.split("_")[0]
                fh.write(f"GRCh38\t{c.removeprefix('chr')}\t{s}\t{e}\tHGNC:{gene}\t{gene}\t1\n")
                bfh.write(f"{c}\t{s}\t{e}\n")
    ref = "pysam count_coverage over the panel exons (pidtriage)"
    b.run("coverage", ref, [sys.executable, "-c", "import sys; from pidtriage.qc.depth import *; "
          "ex = read_exons(sys.argv[1], 'GRCh38'); print(len(coverage_from_bam(sys.argv[2], ex, min_depth=20)))",
          str(panel_exons), str(bam)])
    if shutil.which("mosdepth"):
        b.run("coverage", "mosdepth -n --fast-mode --by exons --thresholds 20", ["mosdepth", "-n", "--fast-mode", "--by",
              str(bed), "--thresholds", "20", str(work / "mos"), str(bam)], reference=ref)
    b.run("coverage", "samtools depth -a -b exons (pysam)", [sys.executable, "-c",
          "import sys, pysam.samtools; print(len(pysam.samtools.depth('-a', '-b', sys.argv[1], sys.argv[2])))",
          str(bed), str(bam)], reference=ref)


def _exome_cohort_sheet(sheet: Path, data: Path, n: int, *, prefix: str, hpo: str = "") -> None:
    """`n` single-sample exomes: the synthetic exome under `n` names (hard links, each with its index), so that
    each case reads a file of its own as in a lab's cohort (one file read by many cases would be a joint-called
    VCF, extracted once for all: group `joint`)."""
    vcf = data / "exome.vcf.gz"
    sample = _first_sample(vcf)
    files = sheet.parent / "exomes"
    files.mkdir(exist_ok=True)
    for i in range(n):
        for suffix in ("", ".tbi"):
            link = files / f"E{i:04d}.vcf.gz{suffix}"
            if not link.exists():
                os.link(f"{vcf}{suffix}", link)
    sheet.write_text("sample_id\tvcf\tvcf_sample\tsex\thpo_terms\n"
                     + "".join(f"{prefix}{i:04d}\t{files}/E{i:04d}.vcf.gz\t{sample}\tmale\t{hpo}\n" for i in range(n)))


def bench_cohort(b: Bench, data: Path, work: Path, panel: Path, n: int) -> None:
    sheet = work / "cohort.samples.tsv"
    _exome_cohort_sheet(sheet, data, n, prefix="E")
    out = work / "cohort_results"
    cfg = write_config(work, panel, sheet, out)
    b.run("cohort", f"bcftools view -R on {n} exomes, serial (reference)", ["bash", "-c",
          f"for i in $(seq {n}); do bcftools view -R {work / 'panel.bed'} {data / 'exome.vcf.gz'} > /dev/null; done"], repeats=1)
    b.run("cohort", f"snakemake, {n} exomes end to end, --cores 2", [str(BIN / "snakemake"), "-s", str(REPO / "workflow/Snakefile"),
          "--cores", "2", "--configfile", str(cfg), "-q"], cwd=REPO, repeats=1,
          prepare=lambda: shutil.rmtree(out, ignore_errors=True), reference=f"bcftools view -R on {n} exomes, serial (reference)")
    # the same cohort again, compared with the first run's results: what a reanalysis costs
    out_re = work / "cohort_reanalysis_results"
    cfg_re = work / "config_cohort_reanalysis.yaml"
    cfg_re.write_text(cfg.read_text().replace(f"outdir: {out}", f"outdir: {out_re}")
                      + f"reanalysis:\n  previous: {out}\n")
    b.run("cohort", f"snakemake, {n} exomes, reanalysis against the previous run", [str(BIN / "snakemake"), "-s",
          str(REPO / "workflow/Snakefile"), "--cores", "2", "--configfile", str(cfg_re), "-q"], cwd=REPO, repeats=1,
          prepare=lambda: shutil.rmtree(out_re, ignore_errors=True), reference=f"snakemake, {n} exomes end to end, --cores 2")
    # the same cohort with five HPO terms per case: what the phenotype step costs a cohort
    sheet_hpo = work / "cohort_hpo.samples.tsv"
    _exome_cohort_sheet(sheet_hpo, data, n, prefix="E", hpo=HPO_TERMS)
    out_hpo = work / "cohort_hpo_results"
    cfg_hpo = write_config(work, panel, sheet_hpo, out_hpo)
    b.run("cohort", f"snakemake, {n} exomes with 5 HPO terms each", [str(BIN / "snakemake"), "-s",
          str(REPO / "workflow/Snakefile"), "--cores", "2", "--configfile", str(cfg_hpo), "-q"], cwd=REPO, repeats=1,
          prepare=lambda: shutil.rmtree(out_hpo, ignore_errors=True), reference=f"snakemake, {n} exomes end to end, --cores 2")


def generated(work: Path) -> Path:
    """Inputs generated once and kept between runs (the work directory is emptied at every run): the dense
    resources and the joint-called VCFs."""
    out = work.parent / "generated"
    out.mkdir(exist_ok=True)
    return out


def joint_vcf(data: Path, work: Path, n: int) -> tuple[Path, Path, dict[str, str]]:
    """A joint-called VCF of `n` samples over the synthetic panel and chrX/chrY (the trio's records there, its
    three samples renamed and repeated: `bcftools merge` of n/3 renamed copies), its regions BED, and each
    sample's sex (the trio's roles: child and father male, mother female)."""
    regions = work / "joint_regions.bed"
    regions.write_text((work / "panel.bed").read_text() + "chrX\t0\t156040895\tX\nchrY\t0\t57227415\tY\n")
    out = generated(work) / f"joint{n}.vcf.gz"
    copies = -(-n // 3)
    names = [f"J{k:03d}_{role}" for k in range(copies) for role in "CFM"]
    sexes = {name: "female" if name.endswith("M") else "male" for name in names[:n]}
    if out.exists():
        return out, regions, sexes
    base = work / "joint_base.bcf"
    subprocess.run(["bcftools", "view", "--no-version", "-R", str(regions), "-Ob", "-o", str(base),
                    str(data / "trio.vcf.gz")], check=True)
    parts = []
    for k in range(copies):
        (work / "joint_names.txt").write_text("".join(f"{name}\n" for name in names[3 * k:3 * k + 3]))
        part = work / f"joint_part{k}.bcf"
        subprocess.run(["bcftools", "reheader", "-s", str(work / "joint_names.txt"), "-o", str(part), str(base)], check=True)
        parts.append(str(part))
    (work / "joint_keep.txt").write_text("".join(f"{name}\n" for name in names[:n]))
    subprocess.run(["bash", "-c", f"bcftools merge --no-version --no-index -m none -Ou {' '.join(parts)} | "
                    f"bcftools view --no-version -S {work / 'joint_keep.txt'} -Oz -o {out}.part.vcf.gz && "
                    f"bcftools index -t {out}.part.vcf.gz && mv {out}.part.vcf.gz.tbi {out}.tbi && mv {out}.part.vcf.gz {out}"],
                   check=True)
    for part in parts:
        Path(part).unlink()
    return out, regions, sexes


def bench_joint(b: Bench, data: Path, work: Path, panel: Path, sizes: Sequence[int], cases: int) -> None:
    """`cases` cases from one joint-called VCF of each size in `sizes`, through Snakemake (rule joint once, then
    one job per case), against one `bcftools view -S <cases> -R <panel and chrX/chrY> | bcftools +split` pass."""
    for n in sizes:
        vcf, regions, sexes = joint_vcf(data, work, n)
        chosen = list(sexes)[:: max(1, n // cases)][:cases]
        keep = work / f"joint{n}_cases.txt"
        keep.write_text("".join(f"{s}\n" for s in chosen))
        split = work / f"joint{n}_split"
        ref = f"bcftools view -S <{cases} cases> -R, piped to +split, {n} samples (reference)"
        b.run("joint", ref, ["bash", "-c", f"bcftools view -S {keep} -R {regions} -Ou {vcf} | "
                             f"bcftools +split -Oz -o {split}"], repeats=1,
              prepare=lambda split=split: shutil.rmtree(split, ignore_errors=True))
        sheet = work / f"joint{n}.samples.tsv"
        sheet.write_text("sample_id\tvcf\tsex\n" + "".join(f"{s}\t{vcf}\t{sexes[s]}\n" for s in chosen))
        out = work / f"joint{n}_results"
        cfg = write_config(work, panel, sheet, out)
        row = b.run("joint", f"snakemake, {cases} cases from a joint VCF of {n} samples, --cores 2",
                    [str(BIN / "snakemake"), "-s", str(REPO / "workflow/Snakefile"), "--cores", "2", "--configfile",
                     str(cfg), "-q"], cwd=REPO, repeats=1, reference=ref,
                    prepare=lambda out=out: shutil.rmtree(out, ignore_errors=True))
        joint_s = sum(float(line.split("\t")[0]) for p in (out / "benchmarks/joint").glob("*.tsv")
                      for line in p.read_text().splitlines()[1:])
        row.note = f"{row.median / cases:.2f} s per case; the joint job (read once) {joint_s:.1f} s"


def bench_exomes(b: Bench, data: Path, work: Path, panel: Path, n: int) -> None:
    """`n` single-sample exomes end to end on 2 cores (issue #17: 1,000 in at most 10 minutes)."""
    sheet = work / "exomes.samples.tsv"
    _exome_cohort_sheet(sheet, data, n, prefix="X")
    out = work / "exomes_results"
    cfg = write_config(work, panel, sheet, out)
    row = b.run("exomes", f"snakemake, {n} single-sample exomes end to end, --cores 2", [str(BIN / "snakemake"), "-s",
                str(REPO / "workflow/Snakefile"), "--cores", "2", "--configfile", str(cfg), "-q"], cwd=REPO,
                repeats=1, prepare=lambda: shutil.rmtree(out, ignore_errors=True))
    row.note = f"{row.median / n:.2f} s per case ({row.median / 60:.1f} min)"


def _first_sample(vcf: Path) -> str:
    return subprocess.run(["bcftools", "query", "-l", str(vcf)], capture_output=True, text=True).stdout.split()[0]


def bench_scale(b: Bench, data: Path, work: Path, panel: Path, n: int, slurm_env: dict[str, str]) -> None:
    """`n` exome cases locally and under SLURM (config/profiles/slurm, when a cluster answers): wall time, per
    case, and cluster jobs submitted; then a SLURM run killed midway and resumed."""
    import re
    import signal

    sheet = work / "scale.samples.tsv"
    _exome_cohort_sheet(sheet, data, n, prefix="S")
    out = work / "scale_results"
    cfg = write_config(work, panel, sheet, out)
    smk = [str(BIN / "snakemake"), "-s", str(REPO / "workflow/Snakefile"), "--configfile", str(cfg)]
    local = b.run("scale", f"snakemake, {n} exomes, local --cores 2", [*smk, "--cores", "2", "-q"], cwd=REPO,
                  repeats=1, prepare=lambda: shutil.rmtree(out, ignore_errors=True))
    local.note = f"{local.median / n:.2f} s per case"
    if not shutil.which("sinfo") or subprocess.run(["sinfo"], capture_output=True, env=slurm_env).returncode != 0:
        print("  no SLURM cluster answers: the SLURM rows are skipped", flush=True)
        return
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        print("  the SLURM plugin is not installed (snakemake-executor-plugin-slurm): the SLURM rows are skipped", flush=True)
        return
    slurm = [*smk, "--profile", "config/profiles/slurm"]
    log = work / "scale_slurm.log"

    def run_logged() -> list[str]:
        return ["bash", "-c", f"{' '.join(slurm)} > {log} 2>&1"]

    row = b.run("scale", f"snakemake, {n} exomes, SLURM profile", run_logged, cwd=REPO, repeats=1,
                prepare=lambda: shutil.rmtree(out, ignore_errors=True), env=slurm_env)
    jobs = len(re.findall(r"submitted with SLURM jobid", log.read_text()))
    row.note = (f"{jobs} cluster jobs for {n} cases; {row.median / n:.2f} s per case; SLURM overhead "
                f"{(row.median - local.median) / n:.2f} s per case over the local run")
    # interrupted: kill the whole snakemake process group once a quarter of the cases are done, then resume
    shutil.rmtree(out, ignore_errors=True)
    with log.open("w") as fh:
        proc = subprocess.Popen(slurm, cwd=REPO, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
                                env=slurm_env)
    while len(list(out.glob("cases/*/triage.json"))) < n // 4 and proc.poll() is None:
        time.sleep(1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    subprocess.run(["scancel", "--user", os.environ.get("USER", "root")], capture_output=True, env=slurm_env)
    done_before = len(list(out.glob("cases/*/triage.json")))
    subprocess.run([*slurm, "--unlock"], cwd=REPO, capture_output=True, env=slurm_env)
    resumed = b.run("scale", f"snakemake, {n} exomes, SLURM, resumed after a kill", run_logged, cwd=REPO, repeats=1,
                    env=slurm_env)
    jobs = len(re.findall(r"submitted with SLURM jobid", log.read_text()))
    complete = len(list(out.glob("cases/*/triage.json")))
    resumed.note = (f"killed with {done_before}/{n} cases done; the rerun submitted {jobs} jobs and ended with "
                    f"{complete}/{n} cases")


def versions() -> list[str]:
    import pysam.version

    def first_line(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "not found"

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next((line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")), "?")
    import pidtriage

    return [f"- machine: {os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB RAM, {platform.platform()}",
            f"- Python {platform.python_version()}, pidtriage {pidtriage.__version__}, pysam {pysam.__version__} "
            f"(htslib {pysam.version.__htslib_version__}), {first_line(['bcftools', '--version'])}, "
            f"{first_line(['mosdepth', '--version'])}, {first_line([str(BIN / 'snakemake'), '--version'])} (snakemake)"]


def write_results(b: Bench, path: Path, started: str, args: argparse.Namespace) -> None:
    lines = ["# Benchmark results", "",
             f"Written by `make bench` (tests/benchmarks/run_benchmarks.py) on {started}; median of {args.repeats} runs "
             "(min-max), peak RSS of the process and its children, and the ratio to the bcftools reference measured in "
             "the same run on the same file and panel (500 synthetic genes, 32.9 Mb). Absolute times vary between "
             "machines; the ratios are what to compare.", "", *versions(), "",
             "| group | step | median s | min-max s | peak RSS MB | ratio | reference | note |", "|---|---|---|---|---|---|---|---|"]
    for r in b.rows:
        ref_group, _, ref_name = r.reference.rpartition(":")
        ref = b.find(ref_group or r.group, ref_name) if r.reference else None
        ratio = f"{r.median / ref.median:.2f}x" if ref else ""
        lines.append(f"| {r.group} | {r.name} | {r.median:.2f} | {min(r.seconds):.2f}-{max(r.seconds):.2f} | "
                     f"{max(r.rss_mb):.0f} | {ratio} | {ref_name if ref else ''} | {r.note} |")
    # the generated table replaces the file's head; the dated sections under it (## ...) are history: kept
    kept = ""
    if path.exists():
        text = path.read_text()
        at = text.find("\n## ")
        kept = text[at:] if at >= 0 else ""
    path.write_text("\n".join(lines) + "\n" + kept)
    print(f"written {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", default="wgs,realistic,trio,exome,unindexed,qc,annotate,coverage,cohort,joint,exomes",
                    help="groups; `scale` (200 exomes locally and on SLURM) runs only when named")
    ap.add_argument("--cohort-size", type=int, default=100)
    ap.add_argument("--scale-size", type=int, default=200)
    ap.add_argument("--exomes", type=int, default=1000, help="cases of the `exomes` group")
    ap.add_argument("--joint-sizes", default="100,400", help="samples in the joint-called VCFs of the `joint` group")
    ap.add_argument("--cache", type=Path, default=Path(os.environ.get("PIDTRIAGE_BENCH_DIR", Path.home() / ".cache/pidtriage-bench")))
    ap.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--make-bam", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--make-dense", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.make_bam:
        make_exome_bam(args.cache / "perfdata", args.make_bam)
        return 0
    if args.make_dense:
        dense_resources(args.cache / "perfdata", args.make_dense.parent, args.make_dense)
        return 0
    if not shutil.which("bcftools"):
        raise SystemExit("bcftools not on PATH: the reference measurements need it (apt-get install bcftools)")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"
    # Local runs: the SLURM executor plugin's `scontrol show config` at every Snakemake start waits 10 s where
    # the SLURM client is installed but no controller answers (README); an empty SLURM config makes it fail at
    # once. The SLURM rows (group scale) run with the real one.
    slurm_conf = os.environ.pop("SLURM_CONF", None)
    (args.cache / "empty_slurm.conf").write_text("")
    os.environ["SLURM_CONF"] = str(args.cache / "empty_slurm.conf")
    args.slurm_env = {**os.environ, **({"SLURM_CONF": slurm_conf} if slurm_conf else {})}
    if not slurm_conf:
        args.slurm_env.pop("SLURM_CONF")
    started = time.strftime("%Y-%m-%d %H:%M")
    data = ensure_data(args.cache)
    work = args.cache / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copy(data / "panel.bed", work / "panel.bed")
    panel = bench_panel(data, work)
    only = set(args.only.split(","))
    b = Bench(args.repeats)
    if "wgs" in only:
        case_steps(b, "wgs", data / "wgs.vcf.gz", _first_sample(data / "wgs.vcf.gz"), "male", work, panel)
    if "realistic" in only:
        bench_realistic(b, data, work)
    elif "qc" in only:
        b.run("wgs", "bcftools view -R panel.bed (reference)", ["bcftools", "view", "-R", str(work / "panel.bed"), str(data / "wgs.vcf.gz")])
    if "trio" in only:
        names = subprocess.run(["bcftools", "query", "-l", str(data / "trio.vcf.gz")], capture_output=True, text=True).stdout.split()
        case_steps(b, "trio", data / "trio.vcf.gz", names[0], "male", work, panel, father=names[1], mother=names[2])
    if "exome" in only:
        case_steps(b, "exome", data / "exome.vcf.gz", _first_sample(data / "exome.vcf.gz"), "male", work, panel)
    if "unindexed" in only:
        bench_unindexed(b, data, work, panel)
    if "qc" in only:
        bench_qc(b, data, work)
    if "annotate" in only:
        bench_annotation(b, data, work, panel)
    if "coverage" in only:
        bench_coverage(b, data, work)
    if "cohort" in only:
        bench_cohort(b, data, work, panel, args.cohort_size)
    if "joint" in only:
        bench_joint(b, data, work, panel, [int(x) for x in args.joint_sizes.split(",")], args.cohort_size)
    if "exomes" in only:
        bench_exomes(b, data, work, panel, args.exomes)
    if "scale" in only:
        bench_scale(b, data, work, panel, args.scale_size, args.slurm_env)
    write_results(b, args.results, started, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
