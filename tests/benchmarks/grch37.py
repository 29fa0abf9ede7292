"""The three real GRCh37 datasets through pidtriage with GRCh37 resources built by `pidtriage resources fetch`
(from a local server: tests/grch37_resources.py), measured: what scope each reaches, its status, what limited
it, and the times. Writes tests/benchmarks/GRCH37.md (`make grch37`); tests/workflow/test_grch37.py asserts the
same run."""

from __future__ import annotations

import collections
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

import grch37_resources as g37  # noqa: E402


def _ref_agreement(clinvar: Path, shared: Path) -> list[tuple[str, int, int]]:
    """Per real GRCh37 VCF: lifted ClinVar sites at one of its positions, and how many have the same REF."""
    def sites(vcf: Path) -> dict[tuple[str, str], str]:
        text = subprocess.run(["bcftools", "query", "-f", "%CHROM\t%POS\t%REF\n", str(vcf)], capture_output=True,
                              text=True, check=True).stdout
        return {(c, p): r for c, p, r in (line.split("\t") for line in text.splitlines())}

    lifted = sites(clinvar)
    out = []
    for name in ("scout_demo_643594_trio.clinical.GRCh37.vcf.gz", "giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz",
                 "exomiser_Pfeiffer_exome.GRCh37.vcf.gz"):
        real = sites(shared / "vcf" / name)
        shared_pos = [k for k in real if k in lifted]
        out.append((name, len(shared_pos), sum(real[k] == lifted[k] for k in shared_pos)))
    return out


def _fates(path: Path) -> collections.Counter[str]:
    with path.open() as fh:
        return collections.Counter(r["fate"].split(":")[0] for r in csv.DictReader(fh, delimiter="\t"))


def _case_seconds(results: Path, sid: str) -> str:
    with (results / f"benchmarks/case/{sid}.tsv").open() as fh:
        return next(csv.DictReader(fh, delimiter="\t"))["s"]


def _top(doc: dict[str, Any]) -> str:
    """The first candidate: gene, HGVS, zygosity, class, and why its effect could not be judged when so."""
    if not doc["candidates"]:
        return "none"
    c = doc["candidates"][0]
    why = f"; {c['unjudged_effect']}" if c.get("unjudged_effect") else ""
    return f"{c['gene']} {c['hgvs_c'] or c['consequence']} {c['zygosity']} ({c['acmg_class']}{why})"


def main() -> None:
    shared = REPO.parent / "shared" / "data"
    env = {**os.environ, "SLURM_CONF": "/dev/null"}
    with tempfile.TemporaryDirectory() as tmp:
        run = g37.fetch_and_run(shared, REPO, env, Path(tmp))
        res, results = Path(str(run["resources"])), Path(str(run["results"]))
        agreement = _ref_agreement(res / "clinvar.GRCh37.vcf.gz", shared)
        manifest = json.loads((res / "manifest.json").read_text())["resources"]
        choices = (res / "panel_transcripts.GRCh37.tsv").read_text().splitlines()[1:]
        rows = []
        for sid, what in g37.DATASETS.items():
            doc = json.loads((results / f"cases/{sid}/triage.json").read_text())
            s = doc["scope"]
            fates = _fates(results / f"cases/{sid}/variants.tsv")
            rows.append(f"| {what} | {s['records_in_panel_regions']} | {s['records_with_consequence']} "
                        f"({s['consequence_source']}) | {s['summary']} | {doc['status']} | {doc['n_candidates']} | "
                        f"{_top(doc)} | "
                        f"{len(doc['low_quality_calls'])} | {fates.get('dropped before annotation', 0)} | "
                        f"{_case_seconds(results, sid)} |")
    lifted = run["lifted"]
    times = run["times"]
    lines = [
        "# GRCh37 runs",
        "",
        f"`python tests/benchmarks/grch37.py` (`make grch37`), {os.uname().nodename}, "
        f"{os.cpu_count()} CPU(s). The three real GRCh37 datasets of ../shared/data as one cohort (two trios and a "
        "singleton), with GRCh37 resources built by `pidtriage resources fetch` (genome_build GRCh37) from a local "
        "HTTP server that serves, in the real sources' layout, files derived here (tests/grch37_resources.py):",
        "",
        f"- ClinVar: the shared GRCh38 PID ClinVar set lifted to GRCh37 with the UCSC hg19ToHg38 chain reversed: "
        f"{lifted['lifted']:,} of {lifted['records']:,} sites ({lifted['unmapped']} unmapped, "
        f"{lifted['minus_strand']} on the minus strand, alleles complemented). REF agreement with the real GRCh37 "
        "VCFs at shared positions: " + "; ".join(f"{n}: {same}/{total}" for n, total, same in agreement) + ".",
        "- Population: the gnomAD-genome AF/AN that set carries (dbNSFP), per chromosome in gnomAD v2.1.1's keys. "
        "It covers only the ClinVar sites: a variant absent from it is treated as absent from gnomAD (PM2), which "
        "real gnomAD v2.1.1 exomes + genomes (the GRCh37 default sources) would not do.",
        f"- Transcripts: an Ensembl-87-style GFF3 of three panel genes with synthetic models, and the real MANE "
        f"v1.0 summary; {sum(1 for c in choices if c.split(chr(9))[2] != '.')} of {len(choices)} panel genes got a "
        "transcript. Unused here: bcftools csq needs a GRCh37 reference FASTA, and none exists on this machine.",
        "",
        f"Fetch: {times['fetch']:.1f} s ({len(manifest)} manifest entries: "
        + ", ".join(f"{e['name']} ({e['release'] or e['version']})" for e in manifest) + "). "
        f"Workflow (3 cases, cohort; `--cores 2`): {times['workflow']:.1f} s.",
        "",
        "| dataset | panel records | with a consequence (source) | scope | status | candidates | first candidate "
        "| low-quality calls | dropped before annotation (no ClinVar entry, no consequence) | case job (s) |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "What limits each:",
        "",
        "- Scout trio: the resources are complete (VEP CSQ on every panel record, ClinVar, population), but the VCF "
        "is a clinical selection of 680 records, so only the 13 panel genes with calls count as assessed, and "
        "without coverage data even those may be partly unread; one call the data do not support (UNC93B1) is "
        "listed to confirm, not used. Its status rests on the first candidate: a homozygous intronic variant near a "
        "splice site with no splice prediction, counted as rare (PM2) because it is absent from the stand-in "
        "population file, which holds only ClinVar sites; real gnomAD v2.1.1 would say how common it is.",
        "- GIAB trio: resources complete (bcftools BCSQ in the input on all but one panel record, ClinVar, "
        "population), but the VCF holds chr1 and part of chr2 only: 56 of the 505 panel genes are assessed. "
        "Sex is not inferred.",
        "- Pfeiffer exome: limited to the ClinVar-known variants. The VCF has no consequence annotation, and "
        "computing one (bcftools csq) needs a GRCh37 reference FASTA, which does not exist on this machine; the "
        "GFF3 path is tested on a synthetic RAG1 model (tests/test_resources_grch37.py). With the lab's FASTA "
        "(`annotation.reference_fasta`) and the real Ensembl 87 GFF3 from `resources fetch`, every panel record "
        "would get a consequence. This is not presented as full scope: summary.tsv's `scope` and the report's "
        "first sentence say it.",
        "",
    ]
    (HERE / "GRCH37.md").write_text("\n".join(lines))
    print((HERE / "GRCH37.md").read_text())


if __name__ == "__main__":
    main()
