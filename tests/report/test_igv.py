"""IGV sessions: a case's session opens its reads (when the sheet has a BAM/CRAM), its VCF and its
candidates.vcf.gz at the findings' loci, with every candidate a region of interest; the cohort's holds every
case. In a browser: igv.js (fetched by `make igvjs`; skipped without it or without Chromium) loads the demo trio's
session from a local HTTP server and draws candidates.vcf.gz's genotypes; the screenshot goes to
$PIDTRIAGE_ARTIFACTS (igv_P03.png) when set. No IGV-hosted genome is reachable here: the page defines the
session's genome (hg38) as a local FASTA with the real contig lengths and N bases around the candidates."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pysam
import pytest

from builders import result_of
from pidtriage.report.igv import case_session, cohort_session
from range_server import RangeServer

REPO = Path(__file__).resolve().parents[2]
IGVJS = sorted(REPO.glob("tests/.cache/igv.js-*/igv.min.js"))


def _doc(tmp_path, coverage=""):
    vcf = tmp_path / "in.vcf.gz"
    vcf.write_bytes(b"")
    (tmp_path / "in.vcf.gz.tbi").write_bytes(b"")
    cand = {"rank": 1, "gene": "RAG1", "finding": "AR_compound_het", "acmg_class": "P", "hgvs_c": "c.1A>G",
            "hgvs_p": "p.Met1?", "chrom": "11", "pos": 36594000, "ref": "A", "alt": "G"}
    return {"case": {"sample_id": "P9", "vcf": str(vcf)}, "provenance": {"genome_build": "GRCh37"},
            "coverage": {"provided": bool(coverage), "source": coverage},
            "findings": [{"level": "inconclusive", "variants": ["11:36594000:A:G", "11:36595000:C:T"]}],
            "candidates": [cand, {**cand, "rank": 2, "pos": 36595000, "ref": "C", "alt": "T", "hgvs_p": ""}],
            "low_quality_calls": [{**cand, "pos": 36596000, "ref": "AT", "alt": "A", "hgvs_c": "c.5del<x>"}]}


def test_case_session_has_reads_vcf_candidates_and_regions(tmp_path):
    bam = tmp_path / "P9.bam"
    doc = _doc(tmp_path, coverage=str(bam))
    root = ET.fromstring(case_session(result_of(doc), session_dir=tmp_path / "results/cohort/igv",
                                      case_dir=tmp_path / "results/cases/P9"))
    assert root.get("genome") == "hg19"  # GRCh37
    assert root.get("locus") == "11:36593950-36594050 11:36594950-36595050"  # the finding's two variants
    res = [(r.get("name"), r.get("path"), r.get("index")) for r in root.iter("Resource")]
    assert res == [("P9 reads", str(bam), None), ("P9 input VCF", str(tmp_path / "in.vcf.gz"), str(tmp_path / "in.vcf.gz.tbi")),
                   ("P9 pidtriage candidates", "../../cases/P9/candidates.vcf.gz", "../../cases/P9/candidates.vcf.gz.tbi")]
    regions = [(r.get("chromosome"), r.get("start"), r.get("end"), r.get("description")) for r in root.iter("RegionOfInterest")]
    assert regions[0] == ("11", "36593999", "36594000", "rank 1 RAG1 AR_compound_het P c.1A>G p.Met1?")
    assert regions[2] == ("11", "36595999", "36596001", "low-quality call RAG1 AR_compound_het P c.5del<x> p.Met1?")


def test_no_reads_track_for_a_mosdepth_file_and_no_locus_without_candidates(tmp_path):
    doc = _doc(tmp_path, coverage=str(tmp_path / "P9.per-base.bed.gz")) | {"candidates": [], "findings": [],
                                                                           "low_quality_calls": []}
    root = ET.fromstring(case_session(result_of(doc), session_dir=tmp_path, case_dir=tmp_path / "cases/P9"))
    assert [r.get("name") for r in root.iter("Resource")] == ["P9 input VCF", "P9 pidtriage candidates"]
    assert root.get("locus") is None and not list(root.iter("Regions"))


def test_cohort_session(tmp_path):
    docs = [_doc(tmp_path) | {"case": {"sample_id": s, "vcf": ""}} for s in ("A", "B")]
    root = ET.fromstring(cohort_session([result_of(d) for d in docs], session_dir=tmp_path / "cohort",
                                        case_dirs={s: tmp_path / "cases" / s for s in ("A", "B")}))
    assert [r.get("path") for r in root.iter("Resource")] == ["../cases/A/candidates.vcf.gz", "../cases/B/candidates.vcf.gz"]
    assert [r.get("description").split(":")[0] for r in root.iter("RegionOfInterest")] == ["A"] * 3 + ["B"] * 3


@pytest.mark.workflow
def test_demo_sessions_name_files_that_exist(demo_results):
    for session in [demo_results / "cohort/igv_session.xml", *sorted((demo_results / "cohort/igv").glob("*.xml"))]:
        root = ET.parse(session).getroot()
        assert root.get("genome") == "hg38"
        for r in root.iter("Resource"):
            for key in ("path", "index"):
                if r.get(key):
                    assert (session.parent / r.get(key)).exists(), (session.name, r.get(key))


def _fasta(path: Path, contigs: dict[str, int], windows: dict[str, list[int]]) -> None:
    """A FASTA with the contigs' real lengths, N bases around the given positions and holes (a sparse file)
    elsewhere: igv.js reads only the bases of the window it shows."""
    fai = []
    with path.open("wb") as fh:
        for name, length in contigs.items():
            head = f">{name}\n".encode()
            fh.write(head)
            start = fh.tell()
            fai.append(f"{name}\t{length}\t{start}\t{length}\t{length + 1}\n")
            for pos in windows.get(name, []):
                fh.seek(start + max(0, pos - 5000))
                fh.write(b"N" * 10000)
            fh.seek(start + length)
            fh.write(b"\n")
    Path(f"{path}.fai").write_text("".join(fai))


def _link(root: Path, target: Path) -> Path:
    """`target` served at its own absolute path under `root` (the sessions name the inputs absolutely)."""
    link = root / str(target).lstrip("/")
    link.parent.mkdir(parents=True, exist_ok=True)
    if not link.exists():
        link.symlink_to(target)
    return link


@pytest.mark.workflow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian chromium (.ci/run installs it)")
@pytest.mark.skipif(not IGVJS, reason="needs igv.js: `make igvjs` (npm registry)")
def test_igvjs_loads_the_trio_session(demo_results, tmp_path):
    from PIL import Image

    doc = json.loads((demo_results / "cases/P03/triage.json").read_text())
    root = tmp_path / "srv"
    _link(root, demo_results / "cases")
    igv_dir = root / str(demo_results / "cohort/igv").lstrip("/")
    igv_dir.mkdir(parents=True)
    shutil.copy(demo_results / "cohort/igv/P03.xml", igv_dir / "P03.xml")
    vcf = Path(doc["case"]["vcf"]).resolve()
    for f in (vcf, Path(f"{vcf}.tbi")):
        _link(root, f)
    with pysam.VariantFile(str(demo_results / "cases/P03/candidates.vcf.gz")) as v:
        contigs = {c: v.header.contigs[c].length for c in v.header.contigs if v.header.contigs[c].length}
    windows: dict[str, list[int]] = {}
    for c in doc["candidates"]:
        windows.setdefault(c["chrom"], []).append(c["pos"])
    _fasta(igv_dir / "ref.fa", contigs, windows)
    shutil.copy(IGVJS[-1], igv_dir / "igv.min.js")
    genome = {"id": "hg38", "name": "GRCh38 (local test FASTA)", "fastaURL": "ref.fa", "indexURL": "ref.fa.fai"}
    (igv_dir / "index.html").write_text(f"""<!doctype html><html><head><meta charset="utf-8"><title>loading</title></head>
<body style="margin:0"><div id="igv" style="width:1200px"></div><script src="igv.min.js"></script><script>
igv.createBrowser(document.getElementById("igv"), {{loadDefaultGenomes: false, genomeList: [{json.dumps(genome)}],
  sessionURL: "P03.xml"}}).then(b => {{ document.title = "loaded " + b.findTracks(t => true).map(t => t.name).join("|"); }})
  .catch(e => {{ console.error("igv.js: " + e); document.title = "error"; }});
</script></body></html>""")
    env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
    flags = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr",
             "--v=0", f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=15000"]
    with RangeServer(root) as srv:
        url = f"{srv.url}/{igv_dir.relative_to(root).as_posix()}/index.html"
        dom = subprocess.run([*flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, env=env)
        shot = tmp_path / "igv_P03.png"
        subprocess.run([*flags, "--window-size=1200,700", f"--screenshot={shot}", url], capture_output=True,
                       timeout=120, env=env)
        served = {p for p, _ in srv.requests}
    title = re.search(r"<title>([^<]*)</title>", dom.stdout)
    assert title and title.group(1).startswith("loaded"), (title, dom.stderr[-2000:])
    tracks = title.group(1).removeprefix("loaded ").split("|")  # igv.js names a session's tracks by file name
    assert "candidates.vcf.gz" in tracks and Path(doc["case"]["vcf"]).name in tracks
    assert any(p.endswith("/cases/P03/candidates.vcf.gz") for p in served)  # the relative path, resolved
    assert not [line for line in dom.stderr.splitlines() if ":CONSOLE" in line and "igv.js:" in line]
    with Image.open(shot) as im:
        colours = {c for _, c in im.convert("RGB").getcolors(1 << 20)}
    assert (34, 12, 253) in colours  # igv.js's colour of a heterozygous call: the trio's genotypes are drawn
    if os.environ.get("PIDTRIAGE_ARTIFACTS"):
        Path(os.environ["PIDTRIAGE_ARTIFACTS"]).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(os.environ["PIDTRIAGE_ARTIFACTS"]) / "igv_P03.png")
