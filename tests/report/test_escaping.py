"""Text from a VCF (CSQ fields, sample names), a resource (ClinVar condition names) and the sample sheet (HPO
terms, suspected category) never becomes markup in the case report or the cohort dashboard: markup and script
tags go in, and the rendered pages contain only the elements the templates write, and no event handlers."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pysam
import pytest

pytestmark = pytest.mark.workflow

TEMPLATE_TAGS = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div", "span", "table", "tr",
                 "th", "td", "ul", "li", "dl", "dt", "dd", "strong", "br", "code", "a", "script",
                 "svg", "rect", "text", "line", "main", "section", "colgroup", "col"}
LINK_HOSTS = {"www.ncbi.nlm.nih.gov", "gnomad.broadinstitute.org", "www.ensembl.org", "grch37.ensembl.org"}
LENGTHS = {"4": 190214555, "11": 135086622, "X": 156040895, "Y": 57227415}
EVIL_SAMPLE = "<svg/onload=alert(1)>"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []
        self.scripts: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.lower().startswith("on")]
        self.urls += [(tag, name, value or "") for name, value in attrs if name.lower() in ("href", "src")]
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _vcf(tmp_path: Path) -> Path:
    lines = ["##fileformat=VCFv4.2", '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: '
             'Allele|Consequence|IMPACT|SYMBOL|Feature|HGVSc|HGVSp|HGNC_ID">',
             *[f"##contig=<ID=chr{c},length={n}>" for c, n in LENGTHS.items()],
             f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{EVIL_SAMPLE}",
             "chr11\t36573626\t<b>id</b>\tC\tT\t900\tPASS\tCSQ=T|stop_gained|HIGH|RAG1<script>alert(2)</script>|"
             "ENST00000299440|c.322C>T<b>bold</b>|p.Arg108Ter<script>alert(3)</script>|HGNC:9831\tGT\t1/1"]
    path = tmp_path / "evil.vcf"
    path.write_text("\n".join(lines) + "\n")
    return path


def _clinvar(tmp_path: Path) -> str:
    path = tmp_path / "clinvar.vcf"
    path.write_text("##fileformat=VCFv4.2\n##fileDate=<script>alert(4)</script>\n"
                    + "".join(f"##contig=<ID={c},length={n}>\n" for c, n in LENGTHS.items())
                    + '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="sig">\n'
                    + '##INFO=<ID=CLNDN,Number=.,Type=String,Description="disease">\n'
                    + "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                    + "11\t36573626\t1\tC\tT\t.\t.\tCLNSIG=Pathogenic;CLNDN=<script>alert(5)</script>_<i>SCID</i>\n")
    pysam.tabix_index(str(path), preset="vcf", force=True)
    return str(path) + ".gz"


def test_markup_from_vcf_resources_and_sheet_is_escaped(run_cohort, tmp_path):
    vcf = _vcf(tmp_path)
    rows = run_cohort("sample_id\tvcf\tvcf_sample\tsex\tsuspected_category\thpo_terms", [
        f"EVIL1\t{vcf}\t{EVIL_SAMPLE}\tmale\t1;2\tHP:0004313",  # categories and HPO IDs are checked by the sheet
    ], {"resources": {"clinvar": {"vcf": _clinvar(tmp_path), "min_review_stars": 0}}})
    assert rows["EVIL1"]["status"] in ("positive", "inconclusive")  # the record was read and reported
    pages = [tmp_path / "results/cases/EVIL1/report.html", tmp_path / "results/cohort/report.html"]
    case_html = pages[0].read_text()
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in case_html or "&lt;script&gt;alert(3)" in case_html
    for page in pages:
        html = page.read_text()
        parser = Tags()
        parser.feed(html)
        assert parser.tags <= TEMPLATE_TAGS, (page.name, parser.tags - TEMPLATE_TAGS)
        assert not parser.handlers, (page.name, parser.handlers)
        # the only script is the dashboard's own table sorter, which holds no data
        assert len(parser.scripts) == (1 if page.parent.name == "cohort" else 0)
        assert all("alert" not in s and "sortable" in s for s in parser.scripts)
        # nothing is loaded from elsewhere; the only URLs are link-outs (anchors) to ClinVar, gnomAD and Ensembl, and
        # the dashboard's links to the case reports
        for tag, attr, url in parser.urls:
            assert tag == "a" and attr == "href", (tag, attr, url)
            parsed = urlparse(url)
            assert (parsed.scheme == "https" and parsed.hostname in LINK_HOSTS) or (
                not parsed.scheme and url.startswith("../cases/") and url.endswith("/report.html")), url
        assert "<" not in "".join(url for _, _, url in parser.urls)
