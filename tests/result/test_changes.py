"""The reanalysis rules (pidtriage.result.changes) on the golden triage.json documents, changed one source at a time:
what is reported, with which cause; dates carried forward; a re-run with nothing changed says so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pidtriage.io.jsonio import from_jsonable
from pidtriage.result.case_result import CaseResult
from pidtriage.result.changes import compare, with_history

GOLDEN = Path(__file__).resolve().parents[1] / "golden/demo/cases"


def _doc(case: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((GOLDEN / case / "triage.json").read_text())
    return doc


def _r(doc: dict[str, Any]) -> CaseResult:
    result: CaseResult = from_jsonable(CaseResult, doc)
    return result


def test_nothing_changed_is_no_change() -> None:
    doc = _doc("P03")
    changes = compare(_r(doc), _r(doc))
    assert changes.items == () and changes.summary == "no change" and not changes.recontact


def test_new_thresholds_move_a_class_and_name_the_threshold() -> None:
    old, new = _doc("P03"), _doc("P03")
    old["thresholds"]["acmg"]["pm2_max_af"] = 0.00001
    cand = old["candidates"][0]  # LP with PM2_Supporting now; a VUS before, without it
    cand["acmg_class"], cand["acmg_points"] = "VUS", 5
    cand["criteria"] = [k for k in cand["criteria"] if not k["code"].startswith("PM2")]
    changes = compare(_r(old), _r(new))
    (item,) = changes.items
    assert (item.kind, item.cause) == ("acmg_class", "new thresholds")
    assert item.detail == "criteria +PM2_Supporting"
    assert "acmg.pm2_max_af 1e-05 → 0.0001" in changes.differences["new thresholds"]


def test_a_withdrawn_finding_is_a_downgrade() -> None:
    old, new = _doc("P03"), _doc("P03")
    new["status"], new["findings"], new["candidates"] = "negative", [], []
    new["provenance"]["clinvar_date"] = "20990101"
    changes = compare(_r(old), _r(new))
    assert [c.kind for c in changes.items] == ["status", "finding_gone"]
    assert changes.downgraded and not changes.recontact
    assert changes.items[1].cause == "new ClinVar"


def test_a_change_with_no_source_changed_is_said_unexplained() -> None:
    old, new = _doc("P03"), _doc("P03")
    new["status"], new["findings"] = "negative", []
    assert compare(_r(old), _r(new)).items[0].cause == "unexplained (same sources and inputs)"


def test_history_is_carried_forward() -> None:
    old, new = _doc("P03"), _doc("P03")
    for c in old["candidates"]:
        c["first_seen"], c["evidence_last_updated"] = "2020-01-01", "2021-01-01"
    new["candidates"][1]["clinvar_significance"] = "Likely_pathogenic"
    dated = with_history(_r(new), _r(old))
    assert [c.first_seen for c in dated.candidates] == ["2020-01-01", "2020-01-01"]
    assert [c.evidence_last_updated for c in dated.candidates] == ["2021-01-01", dated.provenance.analysis_date]
    first = with_history(_r(_doc("P03")), None)
    assert {c.first_seen for c in first.candidates} == {first.provenance.analysis_date}


def test_previous_must_not_be_this_runs_outdir(tmp_path: Path) -> None:
    import pytest

    from pidtriage.config import load_config
    from pidtriage.errors import ConfigError

    (tmp_path / "c.yaml").write_text(f"outdir: {tmp_path}/results\nreanalysis:\n  previous: {tmp_path}/results/\n")
    with pytest.raises(ConfigError, match=r"reanalysis\.previous is this run's outdir"):
        load_config(tmp_path / "c.yaml")
