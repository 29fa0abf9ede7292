"""The curated panel: built from the real sources, spot-checked, rebuilt byte-identically."""

from __future__ import annotations

import gzip
import importlib.util
import itertools
import subprocess
import sys
from pathlib import Path

import pytest

from pidtriage.panel.model import Moi
from pidtriage.panel.ops import bed_regions, diff_panels, resolve_gene_list, subset_panel, validate_panel
from pidtriage.panel.sources import read_mane
from pidtriage.panel.tsv import read_panel


@pytest.fixture(scope="module")
def panel(default_panel_path):
    return read_panel(default_panel_path)


@pytest.fixture(scope="module")
def by_symbol(panel):
    return {g.symbol: g for g in panel.genes}


def test_committed_panel_is_valid(panel):
    assert validate_panel(panel) == []
    assert len(panel.genes) >= 480


@pytest.mark.parametrize("symbol", ["IL2RG", "BTK", "CYBB", "WAS", "CD40LG", "FOXP3"])
def test_x_linked_spot_checks(by_symbol, symbol):
    assert by_symbol[symbol].moi.is_x_linked


@pytest.mark.parametrize("symbol", ["RAG1", "RAG2", "ADA", "JAK3", "DCLRE1C", "ITGB2"])
def test_autosomal_recessive_spot_checks(by_symbol, symbol):
    assert by_symbol[symbol].moi == Moi.AR


def test_dominant_spot_checks(by_symbol):
    assert by_symbol["CTLA4"].moi == Moi.AD
    hies = [d for d in by_symbol["STAT3"].diseases if "HIES" in d.name or "Hyper IgE" in d.name or "hyper" in d.name.lower()]
    assert hies and all(d.moi == Moi.AD for d in hies)


def test_stat1_keeps_both_diseases(by_symbol):
    stat1 = by_symbol["STAT1"]
    assert stat1.moi == Moi.AD_AR
    pairs = {(d.moi.value, d.mechanism.value) for d in stat1.diseases}
    assert ("AD", "GOF") in pairs and ("AR", "LOF") in pairs


def test_outdated_and_ncrna_symbols_resolved(by_symbol, panel):
    ids = {g.hgnc_id for g in panel.genes}
    assert "HGNC:11577" in ids  # TAZ -> TAFAZZIN
    assert by_symbol["TAFAZZIN"].iuis_symbol == "TAZ"
    for symbol in ("RMRP", "RNU4ATAC", "TERC", "SNORA31"):
        gene = by_symbol[symbol]
        assert gene.grch38 is not None and gene.grch37 is not None, symbol
    assert by_symbol["RMRP"].grch38.chrom == "9"
    for old, new in (("NOLA2", "NHP2"), ("NOLA3", "NOP10"), ("TNFRSF6", "FAS"), ("XRCC9", "FANCG")):
        assert by_symbol[new].iuis_symbol == old


def test_grch38_spans_agree_with_mane(panel, shared_data):
    mane = {m.hgnc_id: m for m in read_mane(shared_data / "genes/MANE.GRCh38.v1.0.summary.txt.gz") if m.status == "MANE Select"}
    checked = 0
    for g in panel.genes:
        if g.hgnc_id in mane:
            loc = mane[g.hgnc_id].location
            assert (g.grch38.chrom, g.grch38.start, g.grch38.end) == (loc.chrom, loc.start, loc.end), g.symbol
            assert g.mane_ensembl == mane[g.hgnc_id].ensembl_nuc
            checked += 1
    assert checked > 450
    with_37 = sum(1 for g in panel.genes if g.grch37 is not None)
    assert with_37 / len(panel.genes) >= 0.95


def test_every_resolvable_iuis_symbol_is_present(panel, shared_data):
    from pidtriage.panel.build import make_resolver, resolve_symbols
    from pidtriage.panel.sources import read_hgnc, read_iuis

    hgnc = read_hgnc(shared_data / "genes/hgnc_complete_set_2018-11.txt.gz")
    mane = read_mane(shared_data / "genes/MANE.GRCh38.v1.0.summary.txt.gz")
    resolver = make_resolver(hgnc, mane, None)
    rows = read_iuis(shared_data / "iuis/IUIS_IEI_2024_July_V2.tsv")
    ids, _ = resolve_symbols([r.genetic_defect for r in rows], resolver)
    assert ids <= {g.hgnc_id for g in panel.genes}


def _run_build(repo: Path, tmp_path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(repo / "scripts/build_panel.py"), "--out", str(out), "--build-date", "2026-01-01",
         "--readme", str(tmp_path / "README.md"), "--changelog", str(tmp_path / "CHANGELOG.md")],
        capture_output=True, text=True, check=True,
    )


def test_rebuild_is_byte_identical(repo, shared_data, tmp_path, default_panel_path):
    out = tmp_path / "panel.tsv"
    first = _run_build(repo, tmp_path, out)
    assert "rows read 582" in first.stdout and "unresolved rows" in first.stdout
    data = out.read_bytes()
    second = _run_build(repo, tmp_path, out)
    assert "unchanged" in second.stdout
    assert out.read_bytes() == data
    # the committed panel has the same genes as a fresh build from the same sources
    committed = read_panel(default_panel_path)
    assert diff_panels(committed, read_panel(out)).is_empty
    body = [line for line in data.decode().splitlines() if not line.startswith("##")]
    committed_body = [line for line in default_panel_path.read_text().splitlines() if not line.startswith("##")]
    assert body == committed_body
    assert "First build" in (tmp_path / "CHANGELOG.md").read_text()


def test_changed_source_bumps_version_and_logs(repo, shared_data, tmp_path):
    out = tmp_path / "panel.tsv"
    _run_build(repo, tmp_path, out)
    text = out.read_text().splitlines()
    # drop one gene from the previous build: the rebuild must add it back, bump the version and log it
    kept = [line for line in text if "\tRAG1\t" not in line]
    out.write_text("\n".join(kept) + "\n")
    result = _run_build(repo, tmp_path, out)
    assert "written" in result.stdout
    assert read_panel(out).version == "1.1"
    log = (tmp_path / "CHANGELOG.md").read_text()
    assert "1.1" in log and "Added (1): RAG1" in log


def test_bed_is_sorted_merged_and_padded(panel):
    regions = bed_regions(panel, build="GRCh38", padding=7000, chr_prefix=True)
    assert all(r[0].startswith("chr") for r in regions)
    for a, b in itertools.pairwise(regions):
        if a[0] == b[0]:
            assert a[2] < b[1], (a, b)
    rag = next(r for r in regions if "RAG1" in r[3].split(","))
    g = next(x for x in panel.genes if x.symbol == "RAG1")
    assert rag[1] <= g.grch38.start - 1 - 7000 and rag[2] >= g.grch38.end + 7000
    assert "RAG2" in rag[3]  # RAG1 and RAG2 lie 12 kb apart: with 7 kb padding they merge


def test_subset_and_gene_list(panel):
    scid = subset_panel(panel, iuis_tables=["1"])
    assert {"IL2RG", "RAG1", "JAK3"} <= {g.symbol for g in scid.genes}
    assert all("1" in g.iuis_tables for g in scid.genes)
    found, unknown = resolve_gene_list(["RAG1", "hgnc:6010", "TAZ", "NOTAGENE"], panel)
    assert found == ["HGNC:9831", "HGNC:6010", "HGNC:11577"]
    assert unknown == ["NOTAGENE"]


def test_spliceai_tables_are_gzip(shared_data):
    # guard for the reader: the source is gzip text with a '#NAME' header
    with gzip.open(shared_data / "genes/spliceai_gencode_v24_canonical_grch38.txt.gz", "rt") as fh:
        assert fh.readline().startswith("#NAME")


def test_build_script_importable(repo):
    spec = importlib.util.spec_from_file_location("build_panel", repo / "scripts/build_panel.py")
    assert spec is not None
