"""GA4GH Phenopackets in and out: a phenopacket (or a Family) gives the same case as the equivalent sheet row and
the same triage result; bad phenopackets are one-line errors naming the field; interpretation.json is a valid
Phenopacket that reads back to the same subject and terms."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pidtriage.cli import main
from pidtriage.errors import ConfigError
from pidtriage.io.phenopacket import read_phenopacket
from pidtriage.io.samples import cases_from_rows, read_sample_sheet

HEADER = "sample_id\tvcf\tvcf_sample\tsex\tfamily_id\tfather_id\tmother_id\taffected\tsuspected_category\thpo_terms\t" \
         "hpo_excluded\timmunophenotype"


def _quantity(value: float, low: float, high: float, unit: str) -> dict[str, Any]:
    u = {"id": f"UCUM:{unit}", "label": unit}
    return {"quantity": {"unit": u, "value": value, "referenceRange": {"unit": u, "low": low, "high": high}}}


# demo P01 (BTK, XLA) as a phenopacket: its HPO terms, and its immunophenotype as measurements with reference ranges
P01 = {
    "id": "P01-referral",
    "subject": {"id": "P01", "sex": "MALE"},
    "phenotypicFeatures": [{"type": {"id": t, "label": ""}} for t in ("HP:0004432", "HP:0002718", "HP:0030252")],
    "measurements": [
        {"assay": {"id": "LOINC:8116-6", "label": "CD19 cells [#/volume] in Blood"}, "value": _quantity(0, 100, 500, "/uL")},
        {"assay": {"id": "LOINC:2465-3", "label": "IgG [Mass/volume] in Serum or Plasma"}, "value": _quantity(1.2, 6, 16, "g/L")},
        {"assay": {"id": "LOINC:2458-8", "label": "IgA"}, "value": _quantity(0.05, 0.7, 4, "g/L")},
        {"assay": {"id": "LOINC:2472-9", "label": "IgM"}, "value": _quantity(0.1, 0.4, 2.3, "g/L")},
    ],
    "files": [{"uri": "P01.vcf.gz", "individualToFileIdentifiers": {"P01": "P01"},
               "fileAttributes": {"fileFormat": "vcf", "genomeAssembly": "GRCh38"}}],
    "metaData": {"createdBy": "test", "phenopacketSchemaVersion": "2.0"},
}


@pytest.fixture
def project(demo_data: Path, repo: Path, tmp_path: Path) -> Path:
    shutil.copytree(demo_data, tmp_path / "demo/data")
    shutil.copytree(repo / "gene_panels", tmp_path / "gene_panels")
    shutil.copytree(repo / "config", tmp_path / "config")
    return tmp_path


def _cases(sheet: Path, base: Path) -> dict[str, Any]:
    return {c.sample_id: c for c in cases_from_rows(read_sample_sheet(sheet, base_dir=base), base_dir=base)}


def test_a_phenopacket_gives_the_same_case_as_the_sheet_row(project: Path) -> None:
    (project / "demo/data/P01.json").write_text(json.dumps(P01))
    sheet = project / "pp.tsv"
    sheet.write_text("sample_id\tsuspected_category\tphenopacket\nP01\t3\tdemo/data/P01.json\n")
    want = _cases(project / "config/samples.tsv", project)["P01"]
    assert _cases(sheet, project)["P01"] == want


def test_a_yaml_family_gives_the_same_trio_as_the_sheet(project: Path) -> None:
    person = {"familyId": "F03", "paternalId": "0", "maternalId": "0", "affectedStatus": "UNAFFECTED"}
    family = {
        "id": "F03",
        "proband": {"subject": {"id": "P03", "sex": "MALE"},
                    "phenotypicFeatures": [{"type": {"id": t}} for t in ("HP:0004430", "HP:0002028", "HP:0009098")],
                    "measurements": [{"assay": {"id": "NCIT:C12535", "label": "T lymphocyte count"},
                                      "value": {"ontologyClass": {"id": "NCIT:C25640", "label": "Absent"}}},
                                     {"assay": {"id": "NCIT:C12474", "label": "B cell count"},
                                      "value": {"ontologyClass": {"id": "NCIT:C25640", "label": "Absent"}}}]},
        "pedigree": {"persons": [
            {"familyId": "F03", "individualId": "P03", "paternalId": "P03_F", "maternalId": "P03_M", "sex": "MALE",
             "affectedStatus": "AFFECTED"},
            {**person, "individualId": "P03_F", "sex": "MALE"}, {**person, "individualId": "P03_M", "sex": "FEMALE"}]},
        "files": [{"uri": f"file://{project}/demo/data/F03.vcf.gz", "fileAttributes": {"fileFormat": "VCF"}}],
        "metaData": {"createdBy": "test", "phenopacketSchemaVersion": "2.0"},
    }
    (project / "F03.yaml").write_text(yaml.safe_dump(family))
    sheet = project / "pp.tsv"
    sheet.write_text("sample_id\tsuspected_category\tphenopacket\nP03\t1\tF03.yaml\n")
    assert _cases(sheet, project)["P03"] == _cases(project / "config/samples.tsv", project)["P03"]


def test_run_from_a_phenopacket_gives_the_same_triage_json(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "demo/data/P01.json").write_text(json.dumps(P01))
    common = ["--configfile", str(project / "config/config.yaml"), "--config-base", str(project),
              "--suspected-category", "3"]
    assert main(["run", *common, "--phenopacket", str(project / "demo/data/P01.json"), "--outdir",
                 str(project / "a")]) == 0
    assert main(["run", *common, "--vcf", str(project / "demo/data/P01.vcf.gz"), "--sample-id", "P01", "--sex", "male",
                 "--hpo-terms", "HP:0004432;HP:0002718;HP:0030252", "--immunophenotype",
                 "B=absent;IgG=low;IgA=low;IgM=low", "--outdir", str(project / "b")]) == 0
    a, b = (json.loads((project / d / "cases/P01/triage.json").read_text()) for d in ("a", "b"))
    assert a == b and a["status"] == "positive" and a["phenotype"]["used"]
    # the result as a Phenopacket reads back to the same subject and features
    back = read_phenopacket(project / "a/cases/P01/interpretation.json")[0]
    assert (back["sample_id"], back["sex"], back["hpo_terms"]) == ("P01", "male", "HP:0004432;HP:0002718;HP:0030252")
    out = json.loads((project / "a/cases/P01/interpretation.json").read_text())
    genomic = out["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
    assert out["interpretations"][0]["progressStatus"] == "SOLVED" and genomic["interpretationStatus"] == "CAUSATIVE"
    assert genomic["variantInterpretation"]["variationDescriptor"]["geneContext"]["symbol"] == "BTK"
    # the disease is X-linked agammaglobulinemia's phenotype entry (gene_panels/iuis_iei_2024.diseases.tsv), never
    # OMIM:300300, the BTK gene's own entry that the IUIS table gives (issue #29)
    assert out["interpretations"][0]["diagnosis"]["disease"] == {"id": "OMIM:300755",
                                                                "label": "Agammaglobulinemia, X-linked"}


@pytest.mark.parametrize(("change", "words"), [
    ({"subject": {"id": "P01", "sexe": "MALE"}}, 'no field named "sexe" at "Phenopacket.subject"'),
    ({"subject": {"id": "P01", "sex": "M"}}, 'Invalid enum value M for enum type org.phenopackets.schema.v2.core.Sex'),
    ({"phenotypicFeatures": [{"type": {"id": "OMIM:300300"}}]}, "phenotypicFeatures[0].type.id: 'OMIM:300300'"),
    ({"measurements": [{"assay": {"id": "LOINC:2465-3", "label": "IgG"}, "value": {"quantity": {"value": 1.2}}}]},
     "measurements[0].value.quantity: no referenceRange"),
    ({"files": [{"uri": "https://example.org/P01.vcf.gz", "fileAttributes": {"fileFormat": "vcf"}}]},
     "files[0].uri: 'https://example.org/P01.vcf.gz' is not a local file"),
])
def test_bad_phenopackets_are_one_line_errors_naming_the_field(tmp_path: Path, change: dict[str, Any],
                                                              words: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**P01, **change}))
    with pytest.raises(ConfigError) as err:
        read_phenopacket(path)
    assert words in str(err.value) and str(err.value).startswith(str(path)) and "\n" not in str(err.value)


def test_a_sheet_row_that_disagrees_with_its_phenopacket(tmp_path: Path) -> None:
    (tmp_path / "p.json").write_text(json.dumps(P01))
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample_id\tphenopacket\nP99\tp.json\n")
    with pytest.raises(ConfigError, match=r"sample_id 'P99' but the phenopacket p\.json is about 'P01'"):
        read_sample_sheet(sheet, base_dir=tmp_path)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        read_phenopacket(path)


def test_header_constant_is_the_demo_sheets(repo: Path) -> None:
    assert (repo / "config/samples.tsv").read_text().splitlines()[0] == HEADER


@pytest.mark.workflow
def test_snakemake_runs_a_sheet_of_phenopackets(run_cohort: Any, demo_data: Path, tmp_path: Path,
                                                repo: Path) -> None:
    packet = {**P01, "files": [{**P01["files"][0], "uri": (demo_data / "P01.vcf.gz").as_uri()}]}
    (tmp_path / "P01.json").write_text(json.dumps(packet))
    rows = run_cohort("sample_id\tsuspected_category\tphenopacket", [f"P01\t3\t{tmp_path / 'P01.json'}"],
                      {"resources": {"clinvar": {"vcf": str(demo_data / "clinvar_demo.vcf.gz"), "min_review_stars": 0},
                                     "population": {"vcf": str(demo_data / "population_demo.vcf.gz"),
                                                    "af_field": "AF_joint", "an_field": "AN_joint"}}})
    assert rows["P01"]["status"] == "positive" and rows["P01"]["genes"] == "BTK"
    out = json.loads((tmp_path / "results/cases/P01/interpretation.json").read_text())
    assert out["subject"] == {"id": "P01", "sex": "MALE"} and out["interpretations"][0]["progressStatus"] == "SOLVED"
