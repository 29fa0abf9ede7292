"""`pidtriage resources fetch|check` against a local HTTP server serving real-format files (the real PID ClinVar
set, a chr-named copy of it as a gnomAD-like VCF): downloads, resumes after a dropped connection, verifies the
published md5 and refuses a corrupted file, slices the population VCF to the panel through remote tabix, writes
the manifest, and `check` notices a changed file. No test reaches the network."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pysam.bcftools
import pytest
import yaml

from pidtriage.errors import ResourceError
from pidtriage.resources.fetch import check_resources, download, read_manifest
from range_server import RangeServer

NO_PROXY = {"NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}


@pytest.fixture
def served(shared_data, tmp_path, monkeypatch):
    for k, v in NO_PROXY.items():
        monkeypatch.setenv(k, v)
    root = tmp_path / "srv"
    root.mkdir()
    clinvar = shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    shutil.copy(clinvar, root / "clinvar.vcf.gz")
    shutil.copy(str(clinvar) + ".tbi", root / "clinvar.vcf.gz.tbi")
    (root / "clinvar.vcf.gz.md5").write_text(hashlib.md5((root / "clinvar.vcf.gz").read_bytes()).hexdigest()
                                             + "  clinvar.vcf.gz\n")
    names = tmp_path / "chr.txt"
    names.write_text("".join(f"{c}\tchr{c}\n" for c in [*map(str, range(1, 23)), "X", "Y"]))
    pysam.bcftools.annotate("--rename-chrs", str(names), "-Oz", "-o", str(root / "population.vcf.gz"), str(clinvar),
                            catch_stdout=False)
    pysam.tabix_index(str(root / "population.vcf.gz"), preset="vcf", force=True)
    (root / "mane.gff3").write_text(  # GENCODE/MANE style: RAG1's MANE transcript (a panel gene) and one other
        "##gff-version 3\n"
        "chr11\tENSEMBL\tgene\t36510353\t36593156\t.\t+\t.\tID=ENSG00000166349.11;gene_name=RAG1;gene_type=protein_coding\n"
        "chr11\tENSEMBL\ttranscript\t36510353\t36593156\t.\t+\t.\tID=ENST00000299440.6;Parent=ENSG00000166349.11\n"
        "chr11\tENSEMBL\texon\t36510353\t36510600\t.\t+\t.\tID=exon:ENST00000299440.6:1;Parent=ENST00000299440.6\n"
        "chr1\tENSEMBL\tgene\t100\t900\t.\t+\t.\tID=ENSG00000999999.1;gene_name=NOTPID;gene_type=protein_coding\n"
        "chr1\tENSEMBL\ttranscript\t100\t900\t.\t+\t.\tID=ENST00000999999.1;Parent=ENSG00000999999.1\n")
    return root


def test_download_resumes_after_a_dropped_connection(served, tmp_path):
    size = (served / "clinvar.vcf.gz").stat().st_size
    with RangeServer(served, cut_after={"/clinvar.vcf.gz": size // 3}) as srv:
        dest = tmp_path / "out/clinvar.vcf.gz"
        with pytest.raises(ResourceError, match="run the same command again to resume"):
            download(f"{srv.url}/clinvar.vcf.gz", dest, md5="auto")
        assert not dest.exists() and dest.with_name("clinvar.vcf.gz.part").stat().st_size > 0
        md5, got = download(f"{srv.url}/clinvar.vcf.gz", dest, md5="auto")
        ranges = [r for p, r in srv.requests if p == "/clinvar.vcf.gz"]
    assert got == size and md5 == hashlib.md5((served / "clinvar.vcf.gz").read_bytes()).hexdigest()
    assert ranges[0] == "" and ranges[1].startswith("bytes=") and int(ranges[1][6:-1]) > 0  # resumed, not restarted


def test_a_corrupted_file_is_refused(served, tmp_path):
    (served / "clinvar.vcf.gz.md5").write_text("0" * 32 + "  clinvar.vcf.gz\n")
    with RangeServer(served) as srv:
        dest = tmp_path / "out/clinvar.vcf.gz"
        with pytest.raises(ResourceError, match="does not match the published"):
            download(f"{srv.url}/clinvar.vcf.gz", dest, md5="auto")
    assert not dest.exists() and dest.with_name("clinvar.vcf.gz.corrupt").exists()


def test_fetch_slices_the_population_to_the_panel_and_check_verifies(served, tmp_path, repo, tool_env):
    out = tmp_path / "resources"
    cfg = tmp_path / "config.yaml"
    with RangeServer(served) as srv:
        cfg.write_text(yaml.safe_dump({
            "panel": str(repo / "gene_panels/iuis_iei_2024.tsv"), "panel_padding": 0,
            "resources": {"sources": {"clinvar_vcf": f"{srv.url}/clinvar.vcf.gz", "clinvar_md5": "auto",
                                      "population_vcf": f"{srv.url}/population.vcf.gz",
                                      "mane_gff3": f"{srv.url}/mane.gff3",
                                      "score_revel": f"{srv.url}/population.vcf.gz"}}}))
        exe = Path(sys.executable).with_name("pidtriage")
        env = {**tool_env, **NO_PROXY}
        run = subprocess.run([str(exe), "resources", "fetch", "--configfile", str(cfg), "--outdir", str(out)],
                             capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
        assert run.returncode == 0, run.stderr
        served_paths = {p for p, _ in srv.requests}
    manifest = read_manifest(out)
    assert set(manifest) == {"clinvar", "population", "mane_gff3", "panel_gff3", "score_revel"}
    panel_gff = (out / manifest["panel_gff3"].path).read_text()
    assert "ID=transcript:ENST00000299440.6;Parent=gene:ENSG00000166349.11" in panel_gff and "NOTPID" not in panel_gff
    assert manifest["clinvar"].md5 == hashlib.md5((out / "clinvar.GRCh38.vcf.gz").read_bytes()).hexdigest()
    assert manifest["clinvar"].url.endswith("/clinvar.vcf.gz") and manifest["clinvar"].build == "GRCh38"
    assert "/population.vcf.gz.tbi" in served_paths and not list(tmp_path.glob("*.tbi"))  # index not left in cwd
    # the slice holds exactly the records a local region query over the panel gives
    panel_bed = tmp_path / "panel.bed"
    from pidtriage.config import load_config
    from pidtriage.panel.ops import bed_regions
    from pidtriage.panel.tsv import read_panel

    regions = bed_regions(read_panel(repo / "gene_panels/iuis_iei_2024.tsv"), build="GRCh38", padding=0, chr_prefix=True)
    panel_bed.write_text("".join(f"{c}\t{s}\t{e}\n" for c, s, e, *_ in regions))
    local = pysam.bcftools.view("-H", "-R", str(panel_bed), str(served / "population.vcf.gz")).count("\n")
    sliced = pysam.bcftools.view("-H", str(out / "population.GRCh38.panel.vcf.gz")).count("\n")
    assert sliced == local > 1000
    assert load_config  # imported for the panel
    assert check_resources(out) == []
    with (out / "clinvar.GRCh38.vcf.gz").open("ab") as fh:
        fh.write(b"tampered")
    problems = check_resources(out)
    assert any("changed since it was fetched" in p for p in problems)
    run = subprocess.run([str(exe), "resources", "check", "--outdir", str(out)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode == 2 and "changed since it was fetched" in run.stderr and "Traceback" not in run.stderr
    doc = json.loads((out / "manifest.json").read_text())
    assert {"written", "resources"} <= set(doc) and os.path.basename(doc["resources"][0]["path"]) == doc["resources"][0]["path"]


def test_no_network_is_said_as_such(tmp_path):
    """A host that cannot be reached (here: a closed local port) is 'no network', not an interrupted download."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed once the block ends: nothing listens there
    with pytest.raises(ResourceError, match=r"cannot reach 127\.0\.0\.1 .*needs internet access"):
        download(f"http://127.0.0.1:{port}/clinvar.vcf.gz", tmp_path / "c.vcf.gz", timeout=5)
