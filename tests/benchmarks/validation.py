"""`make validate`: a validation set of real ClinVar variants spiked into real backgrounds, run through the
workflow, scored, and written to tests/benchmarks/VALIDATION.md (issue #15).

Backgrounds (real, from ../shared/data/vcf): the Exomiser exome "manuel" (taken as male, without its chrX/chrY
records: its chrX is a female's, see write_case) and the GIAB Ashkenazi trio
(HG002 male, parents HG003/HG004), both GRCh37 lifted to GRCh38 with the shared hg19ToHg38 chain (pyliftover,
as tests/benchmarks/real_negatives.py), and Platinum NA12878 chr21 (female, GRCh38). Each is restricted to the
panel regions plus chrX before spiking, to keep 350 cases small.

Spikes: records of the derived GRCh38 ClinVar set for the PID genes (its P/LP and B/LB records, REF validated
against real VCFs, see PROVENANCE.md), one gene per case, chosen with a fixed seed, in the genotype each class
needs:
  expected positive   AD gene het; AR gene hom; AD+AR gene hom; XL gene hemizygous in a male; XLD het female;
                      trio: AR pair in trans (one from each parent); AD de novo (both parents 0/0)
  decoys              ClinVar P/LP with gnomAD AF > 0.01 (BS1/BA1 contradict it), het: not positive;
                      AR carrier (single P/LP het): inconclusive; XL (not XLD) female het: inconclusive;
                      low-quality call (FILTER LowQual, no alternate read): not a finding; ClinVar benign hom:
                      nothing from it; trio: AR pair in cis (both from the unaffected father): not positive;
                      trio: AR hom with an unaffected homozygous father: not positive
  background only     each background alone: its own status (the floor for the decoys)

Resources: the same derived ClinVar set as ClinVar (no review status: min_review_stars 0) and as the population
resource (its gnomAD genome AF/AN from dbNSFP); the default thresholds otherwise. No consequence annotation is
added: spiked variants get their consequence from ClinVar's HGVS, as in a lab VCF without VEP.

Scores: recall at rank 1 (expected positives that are positive with the spiked gene first), false positives
among decoys (positive), status accuracy (status among the acceptable ones), per category.

    python tests/benchmarks/validation.py [--shared ../shared/data] [--workdir DIR] [--genes-per-class N]
"""

from __future__ import annotations

import argparse
import collections
import csv
import gzip
import json
import os
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pysam
import pysam.bcftools

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from real_negatives import GRCH38, lift  # noqa: E402

from pidtriage.panel.model import Moi  # noqa: E402
from pidtriage.panel.ops import bed_regions  # noqa: E402
from pidtriage.panel.tsv import Panel, read_panel  # noqa: E402

PLP = ("Pathogenic", "Likely_pathogenic", "Pathogenic/Likely_pathogenic")
BENIGN = ("Benign", "Likely_benign", "Benign/Likely_benign")
NOT_POSITIVE = ("inconclusive", "negative")
COMMON_AF = 0.01  # the schema's acmg.bs1_min_af
CALL = {"het": "0/1:18,17:35:99", "hom": "1/1:0,34:34:99", "ref": "0/0:33,0:33:99",
        "het_noalt": "0/1:22,0:22:3"}  # fmt: skip
EXTRA_HEADER = [
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    '##FILTER=<ID=LowQual,Description="Low quality (validation decoy)">',
]


@dataclass
class Background:
    name: str
    samples: tuple[str, ...]  # proband first
    sex: str
    header: list[str]
    records: list[list[str]]
    chr_prefix: bool

    def taken(self) -> set[tuple[str, int]]:
        return {(r[0].removeprefix("chr"), int(r[1])) for r in self.records}


@dataclass
class Case:
    case_id: str
    background: Background
    category: str
    expected: tuple[str, ...]  # acceptable statuses
    gene: str = ""  # the spiked gene (rank 1 expected for positives)
    spikes: list[tuple[list[str], tuple[str, ...], str]] = field(default_factory=list)  # (clinvar fields, calls, filter)


def _read_clinvar(path: Path) -> list[list[str]]:
    with gzip.open(path, "rt") as fh:
        return [line.rstrip("\n").split("\t") for line in fh if not line.startswith("#")]


def _info(fields: list[str]) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in fields[7].split(";") if "=" in kv)


BACKGROUNDS = {  # name: (file in ../shared/data/vcf, samples with the proband first, the proband's sex)
    "manuel": ("exomiser_Pfeiffer_exome.GRCh37.vcf.gz", ("manuel",), "male"),
    "giab": ("giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz", ("HG002", "HG003", "HG004"), "male"),
    "na12878": ("platinum_NA12878_chr21.GRCh38.vcf.gz", ("NA12878",), "female"),
}


def prepare_background(name: str, shared: Path, work: Path, bed: Path) -> Background:
    """One background of BACKGROUNDS at GRCh38 (a GRCh37 one lifted once, cached in `work`), restricted to `bed`."""
    src, samples, sex = BACKGROUNDS[name]
    if src.endswith(".GRCh38.vcf.gz"):
        grch38 = shared / "vcf" / src
    else:
        lifted = work / f"{name}.GRCh38.vcf"
        if not lifted.exists():
            lift(shared / "vcf" / src, shared / "reference/hg19ToHg38.over.chain.gz", lifted)
        grch38 = work / f"{name}.GRCh38.vcf.gz"
        pysam.tabix_compress(str(lifted), str(grch38), force=True)
        pysam.tabix_index(str(grch38), preset="vcf", force=True)
    prefix = name == "na12878"
    regions = work / f"{name}.regions.bed"
    lines = bed.read_text().splitlines()
    regions.write_text("".join(("chr" if prefix else "") + line + "\n" for line in lines))
    text = pysam.bcftools.view("-R", str(regions), "-s", ",".join(samples), str(grch38))
    header = [h for h in text.splitlines() if h.startswith("#")]
    records = [r.split("\t") for r in text.splitlines() if r and not r.startswith("#")]
    return Background(name, samples, sex, header, records, prefix)


def prepare_backgrounds(shared: Path, work: Path, bed: Path) -> dict[str, Background]:
    return {name: prepare_background(name, shared, work, bed) for name in BACKGROUNDS}


def build_cases(clinvar: list[list[str]], panel: dict[str, object], bgs: dict[str, Background], *,
                per_class: int, seed: int = 15) -> list[Case]:
    rng = random.Random(seed)
    by_gene: dict[str, list[list[str]]] = collections.defaultdict(list)
    benign: dict[str, list[list[str]]] = collections.defaultdict(list)
    common: list[list[str]] = []
    for f in clinvar:
        info = _info(f)
        gene = info.get("GENE", "")
        if gene not in panel or len(f[3]) != 1 or len(f[4]) != 1:
            continue
        if info.get("CLNSIG") in PLP and float(info.get("gnomADg_AF", 0)) > COMMON_AF:
            common.append(f)  # P/LP in ClinVar but contradicted by frequency (BS1/BA1): not reportable
        elif info.get("CLNSIG") in PLP:
            by_gene[gene].append(f)
        elif info.get("CLNSIG") in BENIGN:
            benign[gene].append(f)

    def genes(mois: tuple[Moi, ...], n: int, min_variants: int = 1) -> list[str]:
        pool = sorted(g for g, v in by_gene.items() if panel[g].moi in mois and len(v) >= min_variants)  # type: ignore[attr-defined]
        rng.shuffle(pool)
        return pool[:n]

    singles = [bgs["manuel"], bgs["na12878"]]
    males = [bgs["manuel"]]
    trio = bgs["giab"]
    cases: list[Case] = []

    def add(category: str, expected: tuple[str, ...], bg: Background, gene: str, spikes: list) -> None:
        case_id = f"{category}_{gene}_{bg.name}"
        if any(c.case_id == case_id for c in cases):
            case_id += f"_{spikes[0][0][1]}"
        cases.append(Case(case_id, bg, category, expected, gene, spikes))

    def pick(gene: str, k: int = 1) -> list[list[str]]:
        return rng.sample(by_gene[gene], k)

    for i, g in enumerate(genes((Moi.AD,), per_class)):
        add("AD_het", ("positive",), singles[i % 2], g, [(pick(g)[0], ("het",), "PASS")])
    for i, g in enumerate(genes((Moi.AR,), per_class)):
        add("AR_hom", ("positive",), singles[i % 2], g, [(pick(g)[0], ("hom",), "PASS")])
    for i, g in enumerate(genes((Moi.AD_AR,), per_class // 2)):
        add("AD_AR_hom", ("positive",), singles[i % 2], g, [(pick(g)[0], ("hom",), "PASS")])
    for g in genes((Moi.XL, Moi.XLR), per_class):
        add("XL_hemi_male", ("positive",), males[0], g, [(pick(g)[0], ("hom",), "PASS")])
    for g in genes((Moi.XLD,), per_class):
        add("XLD_het_female", ("positive",), bgs["na12878"], g, [(pick(g)[0], ("het",), "PASS")])
    for g in genes((Moi.AR,), per_class // 4, min_variants=2):
        a, b = pick(g, 2)
        add("trio_AR_trans", ("positive",), trio, g, [(a, ("het", "het", "ref"), "PASS"), (b, ("het", "ref", "het"), "PASS")])
    for g in genes((Moi.AD,), per_class // 4):
        add("trio_AD_de_novo", ("positive",), trio, g, [(pick(g)[0], ("het", "ref", "ref"), "PASS")])
    # decoys
    for i, g in enumerate(genes((Moi.AR,), per_class // 4)):
        add("decoy_AR_carrier", ("inconclusive",), singles[i % 2], g, [(pick(g)[0], ("het",), "PASS")])
    for g in genes((Moi.XL, Moi.XLR), per_class // 4):
        add("decoy_XL_het_female", ("inconclusive",), bgs["na12878"], g, [(pick(g)[0], ("het",), "PASS")])
    for i, g in enumerate(genes((Moi.AD,), per_class // 4)):
        add("decoy_low_quality", NOT_POSITIVE, singles[i % 2], g, [(pick(g)[0], ("het_noalt",), "LowQual")])
    ben = sorted(g for g in benign if panel[g].moi == Moi.AR)  # type: ignore[attr-defined]
    rng.shuffle(ben)
    for i, g in enumerate(ben[:per_class // 4]):
        add("decoy_benign_hom", NOT_POSITIVE, singles[i % 2], g, [(rng.choice(benign[g]), ("hom",), "PASS")])
    for g in genes((Moi.AR,), per_class // 4, min_variants=2):
        a, b = pick(g, 2)
        add("decoy_trio_AR_cis", NOT_POSITIVE, trio, g, [(a, ("het", "het", "ref"), "PASS"), (b, ("het", "het", "ref"), "PASS")])
    for g in genes((Moi.AR,), per_class // 4):
        add("decoy_trio_unaffected_hom_father", NOT_POSITIVE, trio, g, [(pick(g)[0], ("hom", "hom", "het"), "PASS")])
    rng.shuffle(common)
    for i, f in enumerate(common[:per_class // 4]):
        add("decoy_common_clinvar_plp", NOT_POSITIVE, singles[i % 2], _info(f)["GENE"], [(f, ("het",), "PASS")])
    for bg in bgs.values():
        cases.append(Case(f"background_{bg.name}", bg, "background_only", ("negative", "inconclusive")))
    return cases


def write_case(case: Case, work: Path) -> Path:
    bg = case.background
    taken = bg.taken()
    # the Exomiser sample's chrX is a female's (31 of 53 non-PAR chrX SNV calls heterozygous; its chrY calls are X
    # reads mapped to Y: real_referrals' referral_cases.py): under its male label it would be a swapped sample,
    # which fails the case (sampleqc.hard_failures). Its chrX/chrY records are left out: sex is then not inferred.
    drop_x = bg.name == "manuel"
    records = [list(r) for r in bg.records if not (drop_x and r[0].removeprefix("chr") in ("X", "Y"))]
    for fields, calls, filt in case.spikes:
        chrom, pos = fields[0], int(fields[1])
        if (chrom, pos) in taken:
            continue  # the background has a record there: leave it
        records.append([("chr" if bg.chr_prefix else "") + chrom, str(pos), ".", fields[3], fields[4], "50", filt,
                        "VALIDATION_SPIKE", "GT:AD:DP:GQ", *(CALL[c] for c in calls)])
    order = {c: i for i, c in enumerate(GRCH38)}
    records.sort(key=lambda r: (order.get(r[0].removeprefix("chr"), 99), int(r[1])))
    header = bg.header[:-1] + [h for h in EXTRA_HEADER if h.split(",")[0] not in "\n".join(bg.header)]
    header.append('##INFO=<ID=VALIDATION_SPIKE,Number=0,Type=Flag,Description="spiked by tests/benchmarks/validation.py">')
    header.append(bg.header[-1])
    path = work / "vcf" / f"{case.case_id}.vcf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in records))
    return path


def sheet_rows(case: Case, vcf: Path) -> list[str]:
    bg = case.background
    if len(bg.samples) == 1:
        return [f"{case.case_id}\t{vcf}\t{bg.samples[0]}\t{bg.sex}\t\t\ttrue"]
    kid, dad, mum = bg.samples
    return [f"{case.case_id}\t{vcf}\t{kid}\t{bg.sex}\t{case.case_id}_F\t{case.case_id}_M\ttrue",
            f"{case.case_id}_F\t{vcf}\t{dad}\tmale\t\t\tfalse",
            f"{case.case_id}_M\t{vcf}\t{mum}\tfemale\t\t\tfalse"]


def score(cases: list[Case], results: Path) -> tuple[str, dict[str, object]]:
    rows = []
    for c in cases:
        doc = json.loads((results / "cases" / c.case_id / "triage.json").read_text())
        top = doc["candidates"][0]["gene"] if doc["candidates"] else ""
        positive_genes = [f["gene"] for f in doc["findings"] if f["level"] == "positive"]
        rows.append({"case": c.case_id, "category": c.category, "expected": "/".join(c.expected),
                     "status": doc["status"], "gene": c.gene, "rank1": top,
                     "ok": doc["status"] in c.expected and (c.expected != ("positive",) or top == c.gene),
                     "positive_genes": ",".join(positive_genes), "reason": doc["reason"][:200]})
    by_cat: dict[str, list[dict[str, object]]] = collections.defaultdict(list)
    for r in rows:
        by_cat[str(r["category"])].append(r)
    pos = [r for r in rows if r["expected"] == "positive"]
    decoys = [r for r in rows if str(r["category"]).startswith("decoy")]
    recall = sum(1 for r in pos if r["status"] == "positive" and r["rank1"] == r["gene"])
    fp = sum(1 for r in decoys if r["status"] == "positive")
    acc = sum(1 for r in rows if r["status"] in str(r["expected"]).split("/"))
    lines = [
        "| category | cases | expected | status as expected | spiked gene at rank 1 |", "|---|---|---|---|---|"]
    for cat, rs in sorted(by_cat.items()):
        lines.append(f"| {cat} | {len(rs)} | {rs[0]['expected']} | "
                     f"{sum(1 for r in rs if r['status'] in str(r['expected']).split('/'))} | "
                     f"{sum(1 for r in rs if r['rank1'] == r['gene'] and r['gene'])} |")
    summary = {"cases": len(rows), "expected_positive": len(pos), "recall_at_rank1": recall, "decoys": len(decoys),
               "false_positives": fp, "status_accurate": acc}
    misses = [r for r in rows if not r["ok"]]
    table = "\n".join(lines)
    detail = "\n".join(f"| {r['case']} | {r['expected']} | {r['status']} | {r['rank1'] or '.'} | {r['reason']} |"
                       for r in misses)
    return table + ("\n\nCases not as expected:\n\n| case | expected | status | rank 1 | reason |\n|---|---|---|---|---|\n"
                    + detail if misses else "\n\nEvery case as expected."), summary


def write_panel_bed(panel_obj: Panel, path: Path) -> Path:
    """The panel's GRCh38 gene spans (+50 bp) and the whole chrX (for sex inference): what a background keeps."""
    regions = bed_regions(panel_obj, build="GRCh38", padding=50)
    path.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e, _ in regions) + f"X\t0\t{GRCH38['X']}\n")
    return path


def write_config(path: Path, *, sheet: Path, results: Path, repo: Path, clinvar: Path) -> Path:
    """The validation's config: the derived ClinVar set as ClinVar (no review status: min_review_stars 0) and as
    the population resource (its gnomAD genome AF/AN); the schema's defaults otherwise."""
    path.write_text(json.dumps({
        "samples": str(sheet), "outdir": str(results), "genome_build": "GRCh38",
        "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"), "report": {"xlsx": False},
        "resources": {"clinvar": {"vcf": str(clinvar), "min_review_stars": 0},
                      "population": {"vcf": str(clinvar), "name": "gnomAD genomes via dbNSFP (ClinVar sites)",
                                     "af_field": "gnomADg_AF", "an_field": "gnomADg_AN", "faf_field": "",
                                     "nhomalt_field": "", "nhemi_field": "", "grpmax_field": ""}}}))
    return path


def run_workflow(config: Path, *, repo: Path, work: Path, cores: int = 2) -> subprocess.CompletedProcess[str]:
    """Snakemake of `repo` on `config` (the snakemake of this interpreter's venv, --keep-going), with an empty
    SLURM_CONF as the tests use: the SLURM plugin's `scontrol` check then fails at once instead of in 10 s."""
    exe = Path(sys.executable).with_name("snakemake")
    empty = work / "empty_slurm.conf"
    empty.write_text("")
    env = {**os.environ, "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}", "SLURM_CONF": str(empty)}
    if repo != REPO:
        env["PYTHONPATH"] = str(repo / "src")
    return subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", str(cores), "--configfile", str(config),
                           "-q", "--keep-going"], cwd=repo, env=env, capture_output=True, text=True)


# VALIDATION.md: the generated part of this script first, then the real-referral section of real_referrals.py
# between these markers, then the hand-kept History; each script rewrites its own part only.
REFERRALS_START, REFERRALS_END = "<!-- real-referrals:start -->", "<!-- real-referrals:end -->"


def write_generated(out: Path, text: str) -> None:
    """This script's part of `out`; the real-referral section and the History below it survive a rerun."""
    previous = out.read_text() if out.exists() else ""
    cut = min((i for i in (previous.find(REFERRALS_START), previous.find("\n## History")) if i >= 0), default=-1)
    kept = previous[cut:] if cut >= 0 else ""
    out.write_text(text.rstrip("\n") + "\n\n" + kept.lstrip("\n") if kept else text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared/data"))
    ap.add_argument("--workdir", default=str(Path(os.environ.get("PIDTRIAGE_VALIDATION_DIR",
                                                                 Path.home() / ".cache/pidtriage-validation"))))
    ap.add_argument("--genes-per-class", type=int, default=40)
    ap.add_argument("--out", default=str(REPO / "tests/benchmarks/VALIDATION.md"))
    ap.add_argument("--repo", default=str(REPO),
                    help="run the workflow and package of another checkout (e.g. a git worktree of an older commit)")
    args = ap.parse_args()
    repo = Path(args.repo)
    shared, work = Path(args.shared), Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    panel_obj = read_panel(REPO / "gene_panels/iuis_iei_2024.tsv")
    panel = {g.symbol: g for g in panel_obj.genes}
    bed = write_panel_bed(panel_obj, work / "panel.bed")
    clinvar_path = shared / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    bgs = prepare_backgrounds(shared, work, bed)
    cases = build_cases(_read_clinvar(clinvar_path), panel, bgs, per_class=args.genes_per_class)
    sheet = work / "samples.tsv"
    rows = ["sample_id\tvcf\tvcf_sample\tsex\tfather_id\tmother_id\taffected"]
    for c in cases:
        rows += sheet_rows(c, write_case(c, work))
    sheet.write_text("\n".join(rows) + "\n")
    results = work / "results"
    config = write_config(work / "config.yaml", sheet=sheet, results=results, repo=repo, clinvar=clinvar_path)
    start = time.monotonic()
    run = run_workflow(config, repo=repo, work=work)
    if run.returncode != 0:
        print(run.stderr[-3000:], file=sys.stderr)
        return 1
    wall = time.monotonic() - start
    table, summary = score(cases, results)
    with (work / "cases.tsv").open("w") as fh:
        w = csv.writer(fh, delimiter="\t")
        w.writerow(["case", "category", "gene", "expected"])
        for c in cases:
            w.writerow([c.case_id, c.category, c.gene, "/".join(c.expected)])
    text = f"""# Validation: real ClinVar variants spiked into real backgrounds

Generated by `make validate` (tests/benchmarks/validation.py; its docstring says how the set is built). Do not edit
by hand. {summary['cases']} cases, run through Snakemake in {wall:.0f} s on this machine{'' if repo == REPO else f', code of {repo}'}.

- **Recall at rank 1** (expected positives that are `positive` with the spiked gene first):
  {summary['recall_at_rank1']}/{summary['expected_positive']}
- **False positives among decoys** (status `positive`): {summary['false_positives']}/{summary['decoys']}
- **Status accuracy** (status among the acceptable ones): {summary['status_accurate']}/{summary['cases']}

{table}
"""
    write_generated(Path(args.out), text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
