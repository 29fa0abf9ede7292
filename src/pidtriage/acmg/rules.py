"""Gene-specific ACMG/AMP rules as data (`data/acmg_gene_rules.yaml`): thresholds and switches per gene."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, cast

from pidtriage.config import load_yaml, schema
from pidtriage.settings import AcmgThresholds

__all__ = ["GeneRules", "rules_for"]



@cache
def overridable_keys() -> tuple[str, ...]:
    """The thresholds a gene's rule may override: every key of the config schema's `acmg` block (one source of
    truth: a threshold added there can be set per gene without touching this module)."""
    return tuple(schema()["properties"]["acmg"]["properties"])


@dataclass(frozen=True)
class GeneRules:
    """The thresholds in effect for one gene (general config merged with the gene's entry) and its switches."""

    thresholds: AcmgThresholds
    source: str = ""  # "" when the general thresholds apply
    pp3_missense: bool = True
    bp4: bool = True
    bs2: bool = True
    pm1: Mapping[str, Any] = field(default_factory=dict)
    bp7_intron_offset: Mapping[str, int] = field(default_factory=dict)  # from the schema's acmg.bp7_intron_offset
    note: str = ""
    overridden: frozenset[str] = frozenset()  # the threshold keys the gene's own rule set

    def cite(self, key: str) -> str:
        """' (source)' when the gene's own rule set the value of `key`, else ''."""
        return f" ({self.source})" if self.source and key in self.overridden else ""


@cache
def _table() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml(resources.files("pidtriage").joinpath("data/acmg_gene_rules.yaml").read_text())
    return data


def rules_for(hgnc_id: str, acmg: AcmgThresholds) -> GeneRules:
    table = _table()
    entry = table["genes"].get(hgnc_id)
    if not entry:
        return GeneRules(thresholds=acmg, bp7_intron_offset=acmg["bp7_intron_offset"])
    overridden = [k for k in overridable_keys() if k in entry]
    merged = cast(AcmgThresholds, {**acmg, **{k: entry[k] for k in overridden}})
    return GeneRules(
        thresholds=merged, source=f"{table['source']}, {entry['symbol']}",
        pp3_missense=entry.get("pp3_missense", True), bp4=entry.get("bp4", True), bs2=entry.get("bs2", True),
        pm1=entry.get("pm1", {}), bp7_intron_offset=entry.get("bp7_intron_offset", acmg["bp7_intron_offset"]),
        note=entry.get("note", ""), overridden=frozenset(overridden),
    )
