"""The typed threshold blocks (pidtriage.settings) and the config schema never disagree, and every threshold in the
schema carries its default, description and source."""

from __future__ import annotations

import typing

import pytest

from pidtriage import settings
from pidtriage.config import schema

JSON_TYPES = {"boolean": bool, "integer": int, "number": float, "string": str, "array": list, "object": dict}
BLOCKS = {"qc": settings.QcThresholds, "acmg": settings.AcmgThresholds, "triage": settings.TriageThresholds,
          "coverage": settings.CoverageThresholds, "sv": settings.SvThresholds,
          "ranking": settings.RankingSettings, "phenotype": settings.PhenotypeSettings}


@pytest.mark.parametrize("block", sorted(BLOCKS))
def test_typed_block_matches_the_schema(block):
    props = schema()["properties"][block]["properties"]
    hints = typing.get_type_hints(BLOCKS[block])
    assert set(hints) == set(props), set(hints) ^ set(props)
    for key, prop in props.items():
        expected = JSON_TYPES[prop["type"]]
        assert (typing.get_origin(hints[key]) or hints[key]) is expected, (block, key, hints[key], prop["type"])


@pytest.mark.parametrize("block", ["qc", "acmg", "triage", "coverage", "sv", "ranking", "phenotype"])
def test_every_threshold_has_default_description_and_source(block):
    for key, prop in schema()["properties"][block]["properties"].items():
        assert "default" in prop and prop.get("description"), (block, key)
        assert prop.get("source"), f"{block}.{key} has no source in the schema"
