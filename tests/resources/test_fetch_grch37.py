"""`pidtriage resources fetch` for genome_build GRCh37 against a local HTTP server serving files in the real
sources' layout (tests/grch37_resources.py: the shared PID ClinVar set lifted to GRCh37, its gnomAD-genome
frequencies per chromosome, an Ensembl-87-style GFF3 with Ensembl's CHECKSUMS, the MANE summary): the GRCh37
sources are the ones fetched, each with URL, release and checksum in the manifest; the panel's GFF3 keeps the
GRCh37 transcript versions, maps MANE's RefSeq IDs where the Ensembl ID is MANE's and falls back to the longest
coding transcript elsewhere; bcftools csq reads it; `resources.yaml` holds the config keys to use them."""

from __future__ import annotations

import gzip
import json
import random
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

import grch37_resources as g37
from pidtriage.errors import ResourceError
from pidtriage.resources.fetch import bsd_sum, read_manifest, sources_for
from range_server import RangeServer

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@pytest.fixture(scope="module")
def served(shared_data, tmp_path_factory):
    root = tmp_path_factory.mktemp("grch37_srv")
    made = g37.build_sources(shared_data, root)
    return root, made


@pytest.fixture(scope="module")
def fetched(served, repo, tmp_path_factory):
    """`pidtriage resources fetch` of the GRCh37 sources, as a user runs it."""
    import os

    root, _ = served
    tmp = tmp_path_factory.mktemp("grch37_fetch")
    out = tmp / "resources"
    with RangeServer(root) as srv:
        cfg = tmp / "config.yaml"
        cfg.write_text(yaml.safe_dump({"genome_build": "GRCh37", "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"),
                                       "resources": {"sources": {"GRCh37": g37.sources(srv.url)}}}))
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", **NO_PROXY}
        run = subprocess.run([str(Path(sys.executable).with_name("pidtriage")), "resources", "fetch", "--configfile",
                              str(cfg), "--outdir", str(out)], capture_output=True, text=True, env=env, cwd=tmp,
                             timeout=600)
        requests = srv.requests
    assert run.returncode == 0, run.stderr[-3000:]
    return out, run, requests


def test_bsd_sum_is_what_coreutils_sum_prints(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(bytes(random.Random(3).randrange(256) for _ in range(5000)))
    expected = subprocess.run(["sum", str(f)], capture_output=True, text=True, check=True).stdout.split()
    assert bsd_sum(f) == (int(expected[0]), int(expected[1]))


def test_the_build_picks_its_sources():
    defaults = {"GRCh38": {"clinvar_vcf": "c38", "mane_gff3": "m"}, "GRCh37": {"clinvar_vcf": "c37", "ensembl_gff3": "e"}}
    assert sources_for(defaults, "GRCh37") == {"clinvar_vcf": "c37", "ensembl_gff3": "e"}
    assert sources_for({**defaults, "clinvar_md5": ""}, "GRCh38") == {"clinvar_vcf": "c38", "mane_gff3": "m",
                                                                      "clinvar_md5": ""}  # top-level keys apply to both
    assert sources_for({"clinvar_vcf": "flat"}, "GRCh37") == {"clinvar_vcf": "flat"}  # older configs' flat mapping


def test_grch37_fetch_records_url_release_and_checksum(fetched, served):
    out, run, requests = fetched
    manifest = read_manifest(out)
    assert set(manifest) == {"clinvar", "population", "ensembl_gff3", "mane_summary", "panel_gff3", "panel_transcripts"}
    for e in manifest.values():
        assert e.build == "GRCh37" and e.url.startswith("http://127.0.0.1") and len(e.md5) == 32 and e.release
    assert manifest["clinvar"].version == "fileDate=20250316"
    assert manifest["ensembl_gff3"].version.startswith("genome-build  GRCh37.p13")
    paths = {p for p, _ in requests}
    assert "/pub/clinvar/vcf_GRCh37/clinvar.vcf.gz.md5" in paths  # ClinVar's published md5 checked
    assert "/pub/grch37/release-87/gff3/homo_sapiens/CHECKSUMS" in paths  # Ensembl's published sum checked
    # per-chromosome remote tabix over the panel: bare GRCh37 names, only the panel's chromosomes asked for
    assert "/gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.11.vcf.bgz.tbi" in paths
    assert not any("sites.chr" in p or "sites.MT" in p for p in paths)
    with pysam.VariantFile(str(out / manifest["population"].path)) as v:
        records = sum(1 for _ in v)
    assert records > 10000  # the PID ClinVar sites with a gnomAD-genome frequency, in the panel regions
    assert "resources.yaml" in run.stdout


def test_the_panel_gff3_keeps_grch37_versions_and_maps_mane(fetched):
    out, _, _ = fetched
    gff = (out / "panel_transcripts.GRCh37.gff3").read_text()
    assert "ID=transcript:ENST00000299440.5;Parent=gene:ENSG00000166349" in gff  # RAG1: MANE's ID, GRCh37 version
    assert "ID=transcript:ENST00000999001.1" in gff  # ADA: not MANE's ID, the longest coding transcript instead
    assert "NOTPID" not in gff and "ENSG00000999999" not in gff
    rows = {r.split("\t")[1]: r.split("\t") for r in (out / "panel_transcripts.GRCh37.tsv").read_text().splitlines()[1:]}
    assert len(rows) == 505  # one row per panel gene
    rag1 = rows["RAG1"]
    assert rag1[2] == "ENST00000299440.5" and rag1[4].startswith("NM_000448")  # MANE RefSeq mapped
    assert rag1[5] == "MANE Select's Ensembl transcript (GRCh37 version 5, MANE's 6)"
    assert rows["ADA"][4] == "." and rows["ADA"][5].startswith("no MANE Select on GRCh37: longest protein-coding")
    assert rows["BTK"][2] == "." and rows["BTK"][5] == "gene not in the GFF3"


def test_resources_yaml_sets_the_config_for_grch37(fetched):
    out, _, _ = fetched
    doc = yaml.safe_load((out / "resources.yaml").read_text())
    assert doc["genome_build"] == "GRCh37"
    assert doc["resources"]["clinvar"]["vcf"] == str(out / "clinvar.GRCh37.vcf.gz")
    pop = doc["resources"]["population"]
    assert pop["vcf"] == str(out / "population.GRCh37.panel.vcf.gz") and pop["second_vcf"] == ""
    assert pop["af_field"] == "AF" and pop["an_field"] == "AN" and pop["faf_field"] == ""
    assert doc["annotation"]["gff3"] == str(out / "panel_transcripts.GRCh37.gff3")
    assert doc["resources"]["manifest"] == str(out / "manifest.json")
    check = subprocess.run([str(Path(sys.executable).with_name("pidtriage")), "resources", "check", "--outdir", str(out)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stderr  # every file present, unchanged, indexed, of its build


def test_a_wrong_ensembl_checksum_is_refused(served, tmp_path, repo):
    root, _ = served
    bad = tmp_path / "srv"
    ens = bad / "pub/grch37/release-87/gff3/homo_sapiens"
    ens.mkdir(parents=True)
    gff = root / "pub/grch37/release-87/gff3/homo_sapiens/Homo_sapiens.GRCh37.87.gff3.gz"
    (ens / gff.name).write_bytes(gff.read_bytes())
    (ens / "CHECKSUMS").write_text(f"1 1 {gff.name}\n")
    from pidtriage.resources.fetch import fetch_resources

    with RangeServer(bad) as srv, pytest.raises(ResourceError, match="does not match Ensembl's CHECKSUMS"):
        fetch_resources({"ensembl_gff3": f"{srv.url}/pub/grch37/release-87/gff3/homo_sapiens/{gff.name}",
                         "ensembl_gff3_checksum": "auto"}, tmp_path / "out", build="GRCh37", panel_bed=None)
    assert (tmp_path / "out" / (gff.name + ".corrupt")).exists()


def test_two_population_files_exomes_and_genomes(served, tmp_path):
    """gnomAD v2.1.1 ships exomes and genomes apart: both are sliced and resources.yaml names the second."""
    root, _ = served
    from pidtriage.resources.fetch import fetch_resources

    bed = tmp_path / "panel.bed"
    bed.write_text("11\t36589000\t36602000\tRAG1\n")
    url = "/gnomad/release/2.1.1/vcf/genomes/gnomad.genomes.r2.1.1.sites.{chrom}.vcf.bgz"
    with RangeServer(root) as srv:
        entries = fetch_resources({"population_vcf": srv.url + url, "population_second_vcf": srv.url + url,
                                   "population_release": "exomes (test: the genomes file again)",
                                   "population_second_release": "genomes", "population_af_field": "AF"},
                                  tmp_path / "out", build="GRCh37", panel_bed=bed)
    assert {"population", "population_second"} <= set(entries)
    doc = yaml.safe_load((tmp_path / "out/resources.yaml").read_text())
    assert doc["resources"]["population"]["second_vcf"].endswith("population_second.GRCh37.panel.vcf.gz")
    assert entries["population_second"].release == "genomes"


def _rag1_reference(path: Path) -> dict[str, str]:
    """A FASTA with GRCh37's chromosome 11 length: the synthetic RAG1 model's exons get a coding sequence (no
    stop before the end, canonical splice sites), the rest is a hole (a sparse file). Returns the CDS."""
    rng = random.Random(11)
    _, _, _, chrom, _, (start, end), _, _ = g37.GENES[0]
    codons = ["GCT", "GAA", "CGT", "TGG", "AAA", "CTG", "TCT", "GGC"]
    cds = "ATG" + "".join(rng.choice(codons) for _ in range(131)) + "TAA"  # 399 nt = 100 + 299
    seq = {start + i: rng.choice("ACGT") for i in range(200)} | {end - 999 + i: rng.choice("ACGT") for i in range(1000)}
    for i, base in enumerate(cds[:100]):
        seq[start + 100 + i] = base
    for i, base in enumerate(cds[100:]):
        seq[end - 999 + i] = base
    seq |= {start + 200: "G", start + 201: "T", end - 1001: "A", end - 1000: "G"}
    length = 135006516  # GRCh37 chromosome 11
    with path.open("wb") as fh:
        fh.write(f">{chrom}\n".encode())
        for pos in sorted(seq):
            fh.seek(len(chrom) + 2 + pos - 1)
            fh.write(seq[pos].encode())
        fh.seek(len(chrom) + 2 + length)
        fh.write(b"\n")
    Path(f"{path}.fai").write_text(f"{chrom}\t{length}\t{len(chrom) + 2}\t{length}\t{length + 1}\n")
    return {"cds": cds, "start": str(start)}


def test_bcftools_csq_reads_the_grch37_panel_gff3(fetched, tmp_path, shared_data):
    """A stop-gained SNV in the synthetic RAG1 model, through `pidtriage run` with the fetched GFF3 and a
    reference: the consequence is computed on the GRCh37 transcript (version kept), taken as MANE's, with
    MANE's RefSeq ID."""
    out, _, _ = fetched
    ref = _rag1_reference(tmp_path / "ref.fa")
    start = int(ref["start"])
    i = next(k for k in range(1, 33) if ref["cds"][3 * k:3 * k + 3] in ("GAA", "AAA"))  # in exon 1's CDS
    pos, base, alt = start + 100 + 3 * i, ref["cds"][3 * i], "T"  # GAA/AAA -> TAA: stop gained
    contigs = "\n".join(g37.grch37_contigs(shared_data))
    vcf = tmp_path / "p.vcf"
    vcf.write_text(f"##fileformat=VCFv4.2\n{contigs}\n##FORMAT=<ID=GT,Number=1,Type=String,Description=\"GT\">\n"
                   "##FORMAT=<ID=AD,Number=R,Type=Integer,Description=\"AD\">\n"
                   "##FORMAT=<ID=DP,Number=1,Type=Integer,Description=\"DP\">\n"
                   "##FORMAT=<ID=GQ,Number=1,Type=Integer,Description=\"GQ\">\n"
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tP1\n"
                   f"11\t{pos}\t.\t{base}\t{alt}\t99\tPASS\t.\tGT:AD:DP:GQ\t0/1:15,15:30:99\n")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(yaml.safe_dump({"genome_build": "GRCh37", "annotation": {"reference_fasta": str(tmp_path / "ref.fa"),
                                                                            "gff3": str(out / "panel_transcripts.GRCh37.gff3")}}))
    run = subprocess.run([str(Path(sys.executable).with_name("pidtriage")), "run", "--configfile", str(cfg), "--vcf",
                          str(vcf), "--sample-id", "P1", "--sex", "female", "--outdir", str(tmp_path / "res")],
                         capture_output=True, text=True, timeout=300)
    doc = json.loads((tmp_path / "res/cases/P1/triage.json").read_text())
    assert doc["scope"]["consequence_source"] == "bcftools csq", (run.stderr[-2000:], doc["scope"])
    cand = next(c for c in doc["candidates"] if c["gene"] == "RAG1")
    assert cand["transcript"] == "ENST00000299440.5" and cand["mane_refseq"].startswith("NM_000448")
    assert cand["consequence"] == "stop_gained" and cand["hgvs_c"] == f"c.{3 * i + 1}{base}>T"
    with gzip.open(tmp_path / "res/cases/P1/candidates.vcf.gz", "rt") as fh:
        assert any(f"PIDTRIAGE_HGVS_C=c.{3 * i + 1}{base}>T" in line for line in fh)
