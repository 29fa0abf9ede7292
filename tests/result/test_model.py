"""The case result as one typed model: every golden triage.json reads into `CaseResult` and writes back byte for
byte (the JSON edge, io/jsonio.py), and the schema file is the one the model generates."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
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


_BREAKS = {  # one way to break a document each, and the rule it breaks
    "unknown key": lambda d: d["candidates"][0].update(surprise=1),
    "enum": lambda d: d.update(status="maybe"),
    "integer as text": lambda d: d["candidates"][0].update(pos="36594000"),
    "boolean for an integer": lambda d: d["candidates"][0].update(acmg_points=True),
    "required": lambda d: d.pop("reason"),
    "variant key pattern": lambda d: d["findings"][0]["variants"].__setitem__(0, "not a key"),
    "ClinVar wording": lambda d: d["candidates"][0].update(clinvar="Pathogenic"),
    "empty reason": lambda d: d.update(reason=""),
    "schema version": lambda d: d.update(schema_version="1.3"),
    "manifest entry": lambda d: d["provenance"].update(manifest_clinvar=1),
    "array item": lambda d: d["candidates"][0].update(ad=[1, "2"]),
    "null for an integer": lambda d: d["scope"].update(genes_total=None),
    "pair of three": lambda d: d["candidates"][0].update(structural={"cipos": [0, 0, 0]}),
}


@pytest.mark.parametrize("what", sorted(_BREAKS))
def test_the_compiled_check_refuses_what_jsonschema_refuses(what: str) -> None:
    """validate_document (the check before writing, compiled from the schema) agrees with the jsonschema library
    on a valid document and on each way of breaking it."""
    from pidtriage.result.schema import SchemaError, validate_with_jsonschema

    doc = json.loads(DOCS[0].read_text())
    validate_document(doc)
    validate_with_jsonschema(doc)
    _BREAKS[what](doc)
    with pytest.raises(SchemaError):
        validate_document(doc)
    with pytest.raises(jsonschema.ValidationError):
        validate_with_jsonschema(doc)


def test_a_schema_error_names_where(tmp_path: Path) -> None:
    from pidtriage.result.schema import SchemaError

    doc = json.loads(DOCS[0].read_text())
    doc["candidates"][1]["qc_checks"][2]["hard"] = "yes"
    with pytest.raises(SchemaError, match=r"^candidates\[1\]\.qc_checks\[2\]\.hard: 'yes' is not of type boolean$"):
        validate_document(doc)
