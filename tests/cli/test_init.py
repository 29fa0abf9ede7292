"""`pidtriage init`: the starter config holds every schema key at the schema's default (never the demo's), marks
what a real run must set, and runs once those are set; the sheet is the sheet reader's format."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pidtriage.cli import main
from pidtriage.config import load_config, schema


def _defaults(props: dict, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], object]:
    out = {}
    for key, prop in props.items():
        if prop.get("type") == "object" and "properties" in prop and not prop.get("default"):
            out |= _defaults(prop["properties"], (*prefix, key))
        else:
            out[(*prefix, key)] = prop.get("default")
    return out


def _get(values: dict, path: tuple[str, ...]) -> object:
    for key in path:
        values = values[key]
    return values


def test_init_writes_the_schemas_defaults_and_marks_what_to_set(tmp_path: Path, repo: Path, demo_data: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path / "run")]) == 0
    text = (tmp_path / "run/config.yaml").read_text()
    written = yaml.safe_load(text)
    edited = {("samples",), ("outdir",), ("resources", "clinvar", "vcf"), ("resources", "population", "vcf")}
    for path, default in _defaults(schema()["properties"]).items():
        if path not in edited:
            assert _get(written, path) == default, path
    assert text.count("# EDIT") == len(edited)
    assert _get(written, ("resources", "clinvar", "min_review_stars")) == 1  # not the demo's 0
    # once the EDIT lines point at real files, the config loads
    demo = yaml.safe_load((repo / "config/config.yaml").read_text())
    written["resources"]["clinvar"]["vcf"] = str(demo_data / "clinvar_demo.vcf.gz")
    written["resources"]["population"]["vcf"] = str(demo_data / "population_demo.vcf.gz")
    written["panel"] = str(repo / written["panel"])
    (tmp_path / "ok.yaml").write_text(yaml.safe_dump(written))
    config = load_config(tmp_path / "ok.yaml")
    assert config.get("resources", "population", "faf_field") != demo["resources"]["population"]["faf_field"]
    # the sheet: header and comments only, read by the sheet reader once a row is added
    sheet = (tmp_path / "run/samples.tsv").read_text()
    assert sheet.splitlines()[0].startswith("sample_id\tvcf\t")
    assert main(["init", str(tmp_path / "run")]) == 2  # never overwrites without --force
    assert "already exist" in capsys.readouterr().err
