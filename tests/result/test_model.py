"""The case result as one typed model: every golden triage.json reads into `CaseResult` and writes back byte for
byte (the JSON edge, io/jsonio.py), and the schema file is the one the model generates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pidtriage.io.jsonio import from_jsonable, to_jsonable
from pidtriage.models import Status, VariantKey
from pidtriage.result.case_result import NOT_ANALYSED, CaseResult, ScopeSection, read_result
from pidtriage.result.schema import SCHEMA_VERSION, schema_text, validate_document, validate_result

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
REPO = Path(__file__).resolve().parents[2]
DOCS = sorted(GOLDEN.glob("**/triage.json"))


@pytest.mark.parametrize("path", DOCS, ids=[p.parent.name for p in DOCS])
def test_a_triage_json_reads_into_the_model_and_writes_back_unchanged(path: Path) -> None:
    text = path.read_text()
    result = from_jsonable(CaseResult, json.loads(text))
    assert isinstance(result.status, Status) and all(isinstance(k, VariantKey) for f in result.findings
                                                     for k in f.variants)
    assert json.dumps(to_jsonable(result), indent=2, ensure_ascii=False) + "\n" == text
    validate_result(result)


def test_the_schema_file_is_the_one_the_model_generates() -> None:
    """`python -m pidtriage.result.schema` rewrites it after a change of result/model.py."""
    assert (REPO / "src/pidtriage/data/triage.schema.json").read_text() == schema_text()


def test_the_schema_refuses_a_key_the_model_does_not_know() -> None:
    doc = json.loads(DOCS[0].read_text())
    doc["candidates"][0]["surprise"] = 1
    with pytest.raises(Exception, match="surprise"):
        validate_document(doc)
    assert doc["schema_version"] == SCHEMA_VERSION


def test_a_case_not_analysed_writes_only_the_summary_of_its_scope() -> None:
    assert to_jsonable(ScopeSection(summary=NOT_ANALYSED)) == {"summary": "not analysed", "limits": [],
                                                                "assessable": False}
    analysed = to_jsonable(ScopeSection(summary="full"))
    assert "genes_total" in analysed and "structural" not in analysed  # the SV key only with SV input


def test_an_earlier_schema_version_reads_with_its_missing_keys_at_their_defaults(tmp_path: Path) -> None:
    """A kept run's triage.json of 1.1 (no phenotype, no changes, no scope genes): `pidtriage diff` still reads it."""
    old = {"schema_version": "1.1", "case": {"sample_id": "P1", "vcf": "p1.vcf.gz"}, "status": "negative",
           "reason": "no qualifying variant", "findings": [], "candidates": [],
           "provenance": {"panel_name": "p", "panel_version": "1.0"}}
    (tmp_path / "triage.json").write_text(json.dumps(old))
    result = read_result(tmp_path / "triage.json")
    assert (result.status, result.sample_id, result.scope.genes_total, result.changes.previous) == (
        Status.NEGATIVE, "P1", 0, None)
