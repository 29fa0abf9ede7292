"""GRCh37 end to end: the three real GRCh37 datasets (Scout trio, GIAB trio, Pfeiffer exome) as one cohort, with
resources built by `pidtriage resources fetch`'s GRCh37 code path from a local server (tests/grch37_resources.py
says what each derived file is). The Scout and GIAB trios carry their own consequence annotation and reach full
scope as far as resources go (a call failing hard genotype QC is still listed as a limit); the Pfeiffer exome has none and no reference FASTA exists here for bcftools csq, so it reaches only the
ClinVar-known variants, and says so. Every case's candidates.vcf.gz passes `bcftools view` with the input's
header lines and the case's samples, and the reports cite the resource manifest."""

from __future__ import annotations

import csv
import json
import subprocess

import pytest

import grch37_resources as g37

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def grch37(shared_data, repo, tool_env, tmp_path_factory):
    return g37.fetch_and_run(shared_data, repo, tool_env, tmp_path_factory.mktemp("grch37"))


def _summary(results):
    with (results / "cohort/summary.tsv").open() as fh:
        return {r["sample_id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def test_scope_reached_per_dataset(grch37):
    results = grch37["results"]
    rows = _summary(results)
    assert set(rows) == {"ADM1059A2", "HG002", "manuel"}
    assert all(r["status"] != "failed" for r in rows.values()), rows
    docs = {s: json.loads((results / f"cases/{s}/triage.json").read_text()) for s in rows}
    for sid in ("ADM1059A2", "HG002"):  # own consequences + ClinVar + population: no resource limits the scope
        # what still limits it is the data: a call of poor quality, and the genes the VCF has no calls in (the
        # Scout VCF is a clinical selection of 680 records; the GIAB one holds chr1 and part of chr2), with no
        # coverage to tell reference from no data (gene_scope)
        data = ("the data do not support", "panel genes not assessed", "coverage not measured")
        resource_limits = [x for x in docs[sid]["scope"]["limits"] if not any(d in x for d in data)]
        assert resource_limits == [], (sid, rows[sid]["scope"])
        assert 0 < docs[sid]["scope"]["genes_assessed"] < 100, sid
        assert docs[sid]["scope"]["records_with_consequence"] >= 0.99 * docs[sid]["scope"]["records_in_panel_regions"]
        assert docs[sid]["scope"]["clinvar"].endswith("clinvar.GRCh37.vcf.gz")
        assert docs[sid]["scope"]["population"].endswith("population.GRCh37.panel.vcf.gz")
    assert docs["ADM1059A2"]["scope"]["consequence_source"].startswith("input: VEP CSQ")
    assert docs["HG002"]["scope"]["consequence_source"] == "input: bcftools BCSQ"
    scope = docs["manuel"]["scope"]
    assert rows["manuel"]["scope"].startswith("limited: only ClinVar-known variants could be assessed")
    assert scope["records_with_consequence"] == 0 and scope["records_in_panel_regions"] > 1000
    for doc in docs.values():
        prov = doc["provenance"]
        assert prov["genome_build"] == "GRCh37"
        assert prov["manifest_clinvar"].startswith("ClinVar (test: shared PID set lifted to GRCh37): http://127.0.0.1")
        assert "md5 " in prov["manifest_population"] and "manifest_panel_gff3" in prov
    html = (results / "cases/manuel/report.html").read_text()
    assert "Resources (manifest)" in html and "Ensembl 87 GRCh37 layout" in html


def test_candidates_vcf_per_dataset(grch37, shared_data):
    results = grch37["results"]
    for sid, samples, input_line in (("ADM1059A2", ["ADM1059A2", "ADM1059A1", "ADM1059A3"], "##INFO=<ID=CSQ,"),
                                     ("HG002", ["HG002", "HG003", "HG004"], "##INFO=<ID=BCSQ,"),
                                     ("manuel", ["manuel"], "##contig=<ID=GL000192.1")):
        vcf = results / f"cases/{sid}/candidates.vcf.gz"
        view = subprocess.run(["bcftools", "view", str(vcf)], capture_output=True, text=True)
        assert view.returncode == 0, view.stderr
        lines = view.stdout.splitlines()
        assert any(line.startswith(input_line) for line in lines), sid  # the input's header lines kept
        assert lines[[x.startswith("#CHROM") for x in lines].index(True)].split("\t")[9:] == samples
        doc = json.loads((results / f"cases/{sid}/triage.json").read_text())
        body = [x for x in lines if not x.startswith("#")]
        assert len(body) == len({(c["chrom"], c["pos"], c["ref"], c["alt"]) for c in doc["candidates"] + doc["low_quality_calls"]
                                 if not c.get("structural")})
        assert all("PIDTRIAGE_GENE=" in x for x in body)


def test_cohort_files_for_other_tools(grch37):
    results = grch37["results"]
    assert (results / "cohort/multiqc/pidtriage_cases_mqc.yaml").exists()
    session = (results / "cohort/igv/ADM1059A2.xml").read_text()
    assert 'genome="hg19"' in session and "scout_demo_643594_trio.clinical.GRCh37.vcf.gz" in session
    from pidtriage.results import load

    r = load(results)
    assert set(r.summary.sample_id) == {"ADM1059A2", "HG002", "manuel"}
    assert set(r.qc.individual) >= {"ADM1059A1", "HG003", "manuel"}
