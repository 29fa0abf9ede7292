"""Symbol resolution (approved, MANE, PanelApp, previous, alias; ambiguous names never resolve) and the panel's
versioning (bump, changelog, the README's generated block)."""

from __future__ import annotations

from builders import genes
from pidtriage.panel.ops import diff_panels
from pidtriage.panel.release import BEGIN, END, bump_version, changelog_entry, splice_generated
from pidtriage.panel.symbols import Resolution, SymbolResolver
from pidtriage.panel.tsv import Panel


def _resolver() -> SymbolResolver:
    return SymbolResolver(approved=[("RAG1", "HGNC:9831")], newer=[("NEWSYM", "HGNC:1")],
                          previous=[("OLD1", "HGNC:2"), ("SHARED", "HGNC:3"), ("SHARED", "HGNC:4")],
                          aliases=[("RNF74", "HGNC:9831")])


def test_resolution_order_and_methods() -> None:
    r = _resolver()
    assert r.resolve(" rag1 ") == Resolution("HGNC:9831", "approved")
    assert r.resolve("NEWSYM") == Resolution("HGNC:1", "mane")
    assert r.resolve("OLD1") == Resolution("HGNC:2", "previous:OLD1")
    assert r.resolve("RNF74") == Resolution("HGNC:9831", "alias:RNF74")
    assert r.resolve("hgnc:5") == Resolution("HGNC:5", "hgnc_id")


def test_an_ambiguous_previous_symbol_does_not_resolve_and_is_recorded() -> None:
    r = _resolver()
    assert r.resolve("SHARED") is None and r.ambiguous == {"SHARED": {"HGNC:3", "HGNC:4"}}
    assert r.resolve("UNKNOWN") is None


def test_bump_version() -> None:
    assert bump_version("1.9") == "1.10"
    assert bump_version("draft") == "1.0"


def test_changelog_entry_lists_added_removed_and_changed_inheritance() -> None:
    g = genes()
    old = Panel(name="p", version="1.0", header=(("build_date", "2026-01-01"),), genes=(g["RAG1"], g["BTK"]))
    new = Panel(name="p", version="1.1", header=(("build_date", "2026-02-01"), ("source_iuis", "iuis.xlsx md5=x")),
                genes=(g["RAG1"], g["CYBB"]))
    text = changelog_entry(new, diff_panels(old, new))
    assert text.startswith("## p 1.1 (2026-02-01)")
    assert "- Added (1): CYBB" in text and "- Removed (1): BTK" in text and "iuis.xlsx md5=x" in text
    assert "First build: 2 genes" in changelog_entry(new, None)


def test_splice_generated_replaces_only_the_generated_block() -> None:
    readme = f"# Panels\n\nhand text\n\n{BEGIN}\nold\n{END}\n\nafter\n"
    out = splice_generated(readme, f"{BEGIN}\nnew\n{END}\n")
    assert out == f"# Panels\n\nhand text\n\n{BEGIN}\nnew\n{END}\n\nafter\n"
    assert splice_generated("# Panels\n", "GEN\n") == "# Panels\n\nGEN\n"
