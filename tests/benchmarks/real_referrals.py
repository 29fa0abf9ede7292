"""`make validate`, second part: real published patients as referrals, run through the workflow and scored into
the real-referral section of tests/benchmarks/VALIDATION.md (issue #28, item 4).

Patients: the GA4GH phenopackets of the monarch-initiative/phenopacket-store (`--store`: a checkout, or its git
directory) for the panel genes whose symbol starts with A-L. Genes M-Z are held out: their phenopackets are not read
unless `--include-held-out` is given (referral_store.py). Per patient: the causal alleles of the diagnosis (GRCh38
vcfRecord and allelic state; two heterozygous alleles in the gene are a compound het), the sex, and the HPO
terms. Not used, and counted by reason: no GRCh38 vcfRecord, a structural variant, an allele in another gene, an
allelic state that cannot be (a hemizygous autosomal allele, a heterozygous chrX allele in a male), HGVS not on
the gene's MANE transcript, a REF that disagrees with the derived ClinVar set, the background's own record or the
hgvs.c base, a consequence that cannot be derived. At most `--max-per-gene` patients per gene (a seeded choice).

Case VCF: the real Exomiser "Pfeiffer" exome (GRCh37) lifted to GRCh38 and restricted to the panel regions plus
chrX (validation.py's Background helpers), with the patient's alleles spiked in (validation.py's FORMAT values:
het 18/17 reads, hom and hemi all-alternate), each with a VEP-style CSQ derived from its HGVS on the MANE
transcript (referral_csq.py), and three decoys: rare (gnomAD AF < 1e-4 or absent) ClinVar VUS / likely-benign
autosomal SNVs of three other panel genes, heterozygous, with CSQ from their HGVS. The background's chrX is a
female's (referral_cases.py says why): a female case keeps it, a male or unknown-sex case gets no background chrX.
Background records carry no CSQ; the derived ClinVar set gives the known ones a consequence, as in validation.py.

Runs: each case with its phenopacket (interpretations, diseases and publication removed; subject renamed to the
case) in the sheet's `phenopacket` column, and again as `<case>.nohpo` without it; plus `--decoy-only` cases (a
real patient's phenopacket, the three decoys, no cause; one patient per gene in turn). One Snakemake run, the
config of validation.py (the derived ClinVar set as ClinVar with min_review_stars 0 and as population resource).

    python tests/benchmarks/real_referrals.py [--store DIR] [--workdir DIR] [--max-per-gene 15] [--limit N] [--keep]

Writes VALIDATION.md's section and a per-case TSV under the work dir (path printed); a `--limit` run writes only its
own TSV and run directory (`.limitN`). Cached in the work dir: the lifted background and the store's patients (per
store revision). Takes about 1.6 s of CPU per case (566 cases: 17 min on the shared 2-core machine; fewer with
`--max-per-gene` / `--decoy-only`).
"""

from __future__ import annotations

import argparse
import collections
import csv
import os
import random
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "benchmarks"))
from referral_cases import (  # noqa: E402
    Case,
    Context,
    causal_spikes,
    check_exons,
    decoy_pool,
    pick_decoys,
    read_clinvar,
    write_packet,
    write_vcf,
)
from referral_csq import ExonBoundaries, transcripts  # noqa: E402
from referral_scores import NOHPO, Scored, read_outcome, section, write_section, write_tsv  # noqa: E402
from referral_store import Patient, PhenopacketStore, StoreError, is_held_out, load_patients  # noqa: E402
from validation import Background, prepare_background, run_workflow, write_config, write_panel_bed  # noqa: E402

from pidtriage.panel.tsv import read_panel  # noqa: E402

STORE_HELP = ("the phenopacket-store is needed: git clone https://github.com/monarch-initiative/phenopacket-store "
              "~/.cache/pidtriage-validation/phenopacket-store (or give --store DIR, or set PIDTRIAGE_PHENOPACKET_STORE)")


def _args() -> argparse.Namespace:
    cache = Path(os.environ.get("PIDTRIAGE_VALIDATION_DIR", Path.home() / ".cache/pidtriage-validation"))
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path(os.environ.get("PIDTRIAGE_PHENOPACKET_STORE",
                                                                      cache / "phenopacket-store")))
    ap.add_argument("--shared", type=Path, default=REPO.parent / "shared/data")
    ap.add_argument("--workdir", type=Path, default=cache / "real-referrals")
    ap.add_argument("--max-per-gene", type=int, default=15)
    ap.add_argument("--decoy-only", type=int, default=60, help="decoy-only cases (one patient per gene in turn)")
    ap.add_argument("--seed", type=int, default=28)
    ap.add_argument("--limit", type=int, default=0, help="a quick run: at most N cases of each kind; no VALIDATION.md")
    ap.add_argument("--keep", action="store_true", help="keep the case VCFs, phenopackets and results")
    ap.add_argument("--include-held-out", action="store_true", help="also read genes M-Z (the held-out check)")
    ap.add_argument("--cores", type=int, default=2)
    ap.add_argument("--out", type=Path, default=REPO / "tests/benchmarks/VALIDATION.md")
    ap.add_argument("--repo", type=Path, default=REPO, help="run the workflow and package of another checkout")
    return ap.parse_args()


def _panel_rows(path: Path) -> list[dict[str, str]]:
    lines = [line for line in path.read_text().splitlines() if not line.startswith("##")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _interleave(by_gene: dict[str, list[Patient]], rng: random.Random) -> list[Patient]:
    """One patient of each gene in turn (genes in a seeded order), each gene's patients in a seeded order."""
    queues = {g: rng.sample(ps, len(ps)) for g, ps in sorted(by_gene.items())}
    order = rng.sample(sorted(queues), len(queues))
    out: list[Patient] = []
    while any(queues.values()):
        out += [queues[g].pop(0) for g in order if queues[g]]
    return out


def _safe(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in text)


def build(args: argparse.Namespace, store: PhenopacketStore, work: Path
          ) -> tuple[list[Case], dict[str, object], Background]:
    panel_rows = _panel_rows(args.repo / "gene_panels/iuis_iei_2024.tsv")
    bed = write_panel_bed(read_panel(args.repo / "gene_panels/iuis_iei_2024.tsv"), work / "panel.bed")
    background = prepare_background("manuel", args.shared, work, bed)
    ctx = Context(transcripts(panel_rows, args.shared / "genes/MANE.GRCh38.v1.0.summary.txt.gz"),
                  read_clinvar(args.shared / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"), background,
                  ExonBoundaries(args.shared / "genes/spliceai_gencode_v24_canonical_grch38.txt.gz"))
    panel_genes = {r["symbol"] for r in panel_rows}
    genes = [g for g in store.genes() if g in panel_genes and (args.include_held_out or not is_held_out(g))]
    patients = load_patients(store, genes, work / "store")
    check_exons(ctx, patients)
    background_ref = ctx.background_ref()
    skipped: collections.Counter[str] = collections.Counter()
    usable: dict[str, list[Patient]] = collections.defaultdict(list)
    spikes = {}
    for p in patients:
        found, why = ([], p.skip) if p.skip else causal_spikes(ctx, p, background_ref)
        if why:
            skipped[why] += 1
            continue
        usable[p.gene].append(p)
        spikes[p.packet_id] = found
    rng = random.Random(args.seed)
    chosen = {g: rng.sample(sorted(ps, key=lambda p: p.packet_id), min(args.max_per_gene, len(ps)))
              for g, ps in sorted(usable.items())}
    over_cap = sum(len(ps) for ps in usable.values()) - sum(len(ps) for ps in chosen.values())
    pool = decoy_pool(ctx)
    cases = [Case(_safe(f"{p.gene}_{p.packet_id}"), "cause", p, spikes[p.packet_id])
             for p in _interleave(chosen, random.Random(args.seed))]
    used = {p.packet_id for ps in chosen.values() for p in ps}
    phenotypes = {g: [p for p in patients if p.gene == g and p.observed and p.packet_id not in used]
                  or [p for p in patients if p.gene == g and p.observed] for g in genes}
    decoy_only = [Case(_safe(f"decoyonly_{p.gene}_{p.packet_id}"), "decoy_only", p)
                  for p in _interleave({g: ps for g, ps in phenotypes.items() if ps}, random.Random(args.seed + 1))]
    if args.limit:
        cases, decoy_only = cases[:args.limit], decoy_only[:args.limit]
    for c in [*cases, *decoy_only[:args.decoy_only]]:
        c.spikes += pick_decoys(pool, c.case_id, c.patient.gene, seed=args.seed)
    facts: dict[str, object] = {
        "store_revision": store.revision(), "patients_total": len(patients), "skipped": skipped,
        "notes": collections.Counter(p.note for p in (c.patient for c in cases) if p.note),
        "ref_checks": ctx.ref_checks, "genes_used": len({c.patient.gene for c in cases}),
        "patients_used": len(cases), "max_per_gene": args.max_per_gene, "over_cap": over_cap,
        "per_gene": {g: (len(chosen.get(g, [])), len(usable.get(g, [])), sum(p.gene == g for p in patients))
                     for g in genes},
        "exon_genes": sum(ctx.exons.usable(g) for g in ctx.transcripts)}
    skipped["over the per-gene cap"] = over_cap
    return cases + decoy_only[:args.decoy_only], facts, background


def write_run(cases: list[Case], run: Path, background: Background) -> Path:
    sheet = run / "samples.tsv"
    rows = ["sample_id\tvcf\tvcf_sample\tsex\taffected\tphenopacket"]
    for c in cases:
        vcf = run / "vcf" / f"{c.case_id}.vcf"
        write_vcf(c, background, vcf)
        packet = run / "phenopackets" / f"{c.case_id}.json"
        write_packet(c, packet)
        rows.append(f"{c.case_id}\t{vcf}\tmanuel\t{c.patient.sex}\ttrue\t{packet}")
        rows.append(f"{c.case_id}{NOHPO}\t{vcf}\tmanuel\t{c.patient.sex}\ttrue\t")
    sheet.write_text("\n".join(rows) + "\n")
    return sheet


def _cpu_seconds(results: Path) -> float:
    """CPU time of the case jobs from Snakemake's benchmark files (results/benchmarks/case/*.tsv), 0 if absent."""
    total = 0.0
    for path in (results / "benchmarks" / "case").glob("*.tsv"):
        rows = list(csv.DictReader(path.read_text().splitlines(), delimiter="\t"))
        total += sum(float(r.get("cpu_time") or 0) for r in rows)
    return total


def _leave_publication_out(work: Path, suffix: str) -> tuple[int, int]:
    """Cause at rank 1 with HPO when each patient's own publication is left out of the HPO annotations (the
    run re-ranked by referral_rerank.py with the default settings): the figure a new patient can expect."""
    from referral_rerank import rerank

    from pidtriage.config import validate_config

    r = rerank(work, dict(validate_config({}).values["phenotype"]), lopo=True, normalise=False, suffix=suffix)
    return int(r["top1"]), int(r["cases"])


def main() -> int:
    args = _args()
    start = time.monotonic()
    if not args.store.exists():
        print(f"{args.store}: not found; {STORE_HELP}", file=sys.stderr)
        return 2
    try:
        store = PhenopacketStore(args.store, include_held_out=args.include_held_out)
    except StoreError as exc:
        print(f"{exc}; {STORE_HELP}", file=sys.stderr)
        return 2
    work = args.workdir
    suffix = f".limit{args.limit}" if args.limit else ""  # a quick run leaves a full run's files alone
    run = work / f"run{suffix}"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir(parents=True)
    cases, facts, background = build(args, store, work)
    sheet = write_run(cases, run, background)
    results = run / "results"
    config = write_config(run / "config.yaml", sheet=sheet, results=results, repo=args.repo,
                          clinvar=args.shared / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz")
    t0, load = time.monotonic(), os.getloadavg()[0]
    snake = run_workflow(config, repo=args.repo, work=run, cores=args.cores)
    wall = time.monotonic() - t0
    if snake.returncode != 0:
        print(snake.stderr[-3000:], file=sys.stderr)
        print(f"Snakemake ended with {snake.returncode}; scoring what was written", file=sys.stderr)
    scored = [Scored(c, read_outcome(results, c.case_id, c), read_outcome(results, c.case_id + NOHPO, c))
              for c in cases]
    tsv = work / f"real_referrals_cases{suffix}.tsv"
    write_tsv(tsv, scored)
    facts.update(n_cases=2 * len(cases), wall=wall, load=load, cpu=_cpu_seconds(results),
                 code_note="" if args.repo == REPO else f", code of {args.repo}", lopo=_leave_publication_out(work, suffix))
    text = section([s for s in scored if s.case.kind == "cause"], [s for s in scored if s.case.kind != "cause"],
                   facts)
    if not args.limit:
        write_section(args.out, text)
    print(text)
    print(f"per-case TSV: {tsv}")
    if not args.keep:
        shutil.rmtree(run, ignore_errors=True)
    else:
        print(f"cases, phenopackets and results kept under {run}")
    print(f"run time {time.monotonic() - start:.0f} s (Snakemake {wall:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
