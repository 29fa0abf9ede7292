"""What changed between two analyses of one case: the one place for the reanalysis rules (issue #20).

`compare(old, new)` reads two triage.json documents (and, when they can be read, the two panels) and returns
the changes, each with its cause; `with_history(new, old)` carries each candidate's and finding's dates forward.

Kinds of change (`kind` in changes.tsv), per case:

    status         the case's status moved (e.g. negative → inconclusive → positive, or back)
    finding_new    a finding (gene, kind of finding, variants) at positive or inconclusive level appeared
    finding_gone   such a finding disappeared (withdrawn: as important to a counsellor as a new one)
    second_hit     a recessive gene's single heterozygous finding became a pair (compound heterozygous)
    phase          a pair's phase, or a variant's de novo status, changed (the family's data changed)
    clinvar        a candidate variant's ClinVar class or review stars changed
    acmg_class     a candidate variant's automated class changed; the detail names the criteria that moved it
    panel_gene     a gene with a candidate entered or left the panel, or its inheritance changed
    (cohort files add case_added and case_removed: a row of the sample sheet added or removed)

Causes, from what differs between the two runs' provenance: new panel (name, version), new ClinVar (file or
release date), new population resource, new thresholds (the thresholds block), new input (the VCF, its size,
the individuals used), new pidtriage version. Each change takes the causes relevant to its kind (a ClinVar class
change: new ClinVar; PM2/BS1/BA1 moving: new population resource; a gene entering the panel: new panel; phase:
new input; ...); a change none of whose relevant sources differs takes every difference found, and a change
with no difference at all is "unexplained (same sources and inputs)".

A case needs recontact when its status went up (to inconclusive or positive; a failed case now analysed
counts) or a positive or inconclusive finding appeared; it is downgraded when its status went down or such a
finding was withdrawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from pidtriage.genome import bare

__all__ = ["CHANGE_COLUMNS", "Change", "Changes", "case_rows", "cohort_changes", "compare", "no_previous",
           "previous_cases", "with_history"]

_RANK = {"failed": 0, "negative": 1, "inconclusive": 2, "positive": 3}
_PAIR = {"AR_compound_het", "AR_possible_compound_het"}
_POPULATION_CODES = {"PM2", "BS1", "BA1"}
_CLINVAR_CODES = {"PP5", "BP6"}
_FAMILY_CODES = {"PS2", "PM6", "PM3"}


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    gene: str
    variant: str  # chrom:pos:ref:alt (bare contig names), "" for a case-level change
    old: str
    new: str
    cause: str
    detail: str = ""


@dataclass(frozen=True)
class Changes:
    previous: dict[str, Any] | None
    items: tuple[Change, ...] = ()
    differences: dict[str, str] = field(default_factory=dict)  # source -> "old → new"
    # what a new panel did to this patient's analysis ("59 genes entered the panel; none carries a candidate in
    # this patient"), "" when the panel did not change or its files cannot be read
    panel_note: str = ""

    @property
    def recontact(self) -> bool:
        up = any(c.kind == "status" and _RANK.get(c.new, 0) > _RANK.get(c.old, 0) and c.new != "negative"
                 for c in self.items)
        return up or any(c.kind in ("finding_new", "second_hit") for c in self.items)

    @property
    def downgraded(self) -> bool:
        """Status down, or a finding withdrawn with nothing new in its gene."""
        down = any(c.kind == "status" and _RANK.get(c.new, 0) < _RANK.get(c.old, 0) for c in self.items)
        renewed = {c.gene for c in self.items if c.kind in ("finding_new", "second_hit", "phase")}
        return down or any(c.kind == "finding_gone" and c.gene not in renewed for c in self.items)

    def summary(self) -> str:
        if self.previous is None:
            return "first analysis"
        note = f"; {self.panel_note}" if self.panel_note else ""
        if not self.items:
            return f"no change in the result{note}" if note else "no change"
        status = next((c for c in self.items if c.kind == "status"), None)
        head = f"status {status.old} → {status.new}" if status else "status unchanged"
        kinds = sorted({c.kind for c in self.items if c.kind != "status"})
        causes = sorted({cause for c in self.items for cause in c.cause.split("; ")})
        return f"{head}; {', '.join(kinds) or 'no other change'} ({'; '.join(causes)}){note}"

    def as_json(self) -> dict[str, Any]:
        return {"previous": self.previous, "summary": self.summary(), "recontact": self.recontact,
                "downgraded": self.downgraded, "differences": self.differences, "panel_note": self.panel_note,
                "items": [asdict(c) for c in self.items]}


def no_previous() -> dict[str, Any]:
    """The `changes` block of a first analysis."""
    return Changes(None).as_json()


def _vkey(c: Mapping[str, Any]) -> str:
    return f"{bare(str(c['chrom']))}:{c['pos']}:{c['ref']}:{c['alt']}"


def _bare_key(key: str) -> str:
    """chrom:pos:ref:alt with the panel's (bare) contig name."""
    chrom, _, rest = key.partition(":")
    return f"{bare(chrom)}:{rest}"


def _fkey(f: Mapping[str, Any]) -> tuple[str, str, tuple[str, ...]]:
    return f["gene"], f["finding"], tuple(sorted(_bare_key(v) for v in f["variants"]))


def _met(c: Mapping[str, Any]) -> set[str]:
    return {k["code"] for k in c.get("criteria", []) if k.get("outcome") == "met"}


def _flat(d: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, Mapping):
            out |= _flat(v, f"{prefix}{k}.")
        else:
            out[f"{prefix}{k}"] = v
    return out


def differences(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, str]:
    """What differs between two runs' sources, by cause name."""
    po, pn = old["provenance"], new["provenance"]
    out: dict[str, str] = {}
    if (po.get("panel_name"), po.get("panel_version")) != (pn.get("panel_name"), pn.get("panel_version")):
        out["new panel"] = f"{po.get('panel_name')} {po.get('panel_version')} → {pn.get('panel_name')} {pn.get('panel_version')}"
    if (po.get("clinvar"), po.get("clinvar_date")) != (pn.get("clinvar"), pn.get("clinvar_date")):
        out["new ClinVar"] = f"{po.get('clinvar_date') or po.get('clinvar') or 'none'} → {pn.get('clinvar_date') or pn.get('clinvar') or 'none'}"
    if po.get("population") != pn.get("population"):
        out["new population resource"] = f"{po.get('population') or 'none'} → {pn.get('population') or 'none'}"
    to, tn = _flat(old.get("thresholds", {})), _flat(new.get("thresholds", {}))
    moved = sorted(k for k in set(to) | set(tn) if to.get(k) != tn.get(k))
    if moved:
        out["new thresholds"] = ", ".join(f"{k} {to.get(k)} → {tn.get(k)}" for k in moved[:6])
    io, inn = old["case"], new["case"]
    used_o, used_n = old["qc"].get("samples_used", []), new["qc"].get("samples_used", [])
    if (io.get("vcf"), po.get("input_size")) != (inn.get("vcf"), pn.get("input_size")) or used_o != used_n:
        what = [f"individuals {','.join(used_o) or '-'} → {','.join(used_n) or '-'}"] if used_o != used_n else []
        what += ["the VCF"] if (io.get("vcf"), po.get("input_size")) != (inn.get("vcf"), pn.get("input_size")) else []
        out["new input"] = "; ".join(what)
    if po.get("pidtriage_version") != pn.get("pidtriage_version"):
        out["new pidtriage version"] = f"{po.get('pidtriage_version')} → {pn.get('pidtriage_version')}"
    return out


def _cause(diffs: Mapping[str, str], relevant: Sequence[str], *, first: bool = False) -> str:
    """The relevant sources that differ (`first`: only the most likely, `relevant` being in order)."""
    found = list(dict.fromkeys(c for c in relevant if c in diffs))
    if found:
        return found[0] if first else "; ".join(found)
    return "; ".join(diffs) if diffs else "unexplained (same sources and inputs)"


@cache
def _panel_genes(path: str) -> dict[str, str] | None:
    """symbol -> moi of a panel file, or None when it cannot be read (moved, deleted)."""
    from pidtriage.errors import PidTriageError
    from pidtriage.panel.tsv import read_panel

    try:
        return {g.symbol: g.moi.value for g in read_panel(path).genes} if path and Path(path).exists() else None
    except (PidTriageError, OSError, ValueError):
        return None


def _acmg_cause(old_c: Mapping[str, Any], new_c: Mapping[str, Any], diffs: Mapping[str, str]) -> tuple[str, str]:
    gained, lost = _met(new_c) - _met(old_c), _met(old_c) - _met(new_c)
    moved = {code.split("_")[0] for code in gained | lost}
    relevant = (["new ClinVar"] if moved & _CLINVAR_CODES else []) + (
        ["new population resource"] if moved & _POPULATION_CODES else []) + (
        ["new input"] if moved & _FAMILY_CODES else []) + (["new panel"] if "PVS1" in moved else []) + [
        "new thresholds", "new pidtriage version"]
    detail = ", ".join([*(f"+{c}" for c in sorted(gained)), *(f"-{c}" for c in sorted(lost))])
    return _cause(diffs, relevant), f"criteria {detail}" if detail else "points changed"


def compare(old: Mapping[str, Any], new: Mapping[str, Any], *, previous_path: str = "") -> Changes:
    """The changes from `old` to `new` (module docstring)."""
    diffs = differences(old, new)
    prev = {"triage_json": previous_path, "analysis_date": old["provenance"].get("analysis_date", ""),
            "status": old["status"], "panel": f"{old['provenance'].get('panel_name')} {old['provenance'].get('panel_version')}",
            "clinvar_date": old["provenance"].get("clinvar_date", ""), "pidtriage_version": old["provenance"].get("pidtriage_version")}
    items: list[Change] = []
    old_c = {(c["gene"], _vkey(c)): c for c in old.get("candidates", [])}
    new_c = {(c["gene"], _vkey(c)): c for c in new.get("candidates", [])}
    # panel genes: entered, left, inheritance changed (genes with a candidate in either run)
    panels = (_panel_genes(old["provenance"].get("panel_path", "")), _panel_genes(new["provenance"].get("panel_path", "")))
    genes = {g for g, _ in old_c} | {g for g, _ in new_c}
    panel_moved: set[str] = set()
    for gene in sorted(genes):
        before = panels[0].get(gene) if panels[0] is not None else next((c["moi"] for (g, _), c in old_c.items() if g == gene), None)
        after = panels[1].get(gene) if panels[1] is not None else next((c["moi"] for (g, _), c in new_c.items() if g == gene), None)
        if before != after and (panels[0] is not None or before is not None) and (panels[1] is not None or after is not None):
            items.append(Change("panel_gene", gene, "", before or "not in the panel", after or "not in the panel",
                                _cause(diffs, ["new panel"])))
            panel_moved.add(gene)
    # candidate variants: ClinVar and automated class
    class_moved: dict[tuple[str, str], str] = {}
    for ckey in sorted(set(old_c) & set(new_c)):
        o, n = old_c[ckey], new_c[ckey]
        if (o.get("clinvar_significance"), o.get("clinvar_stars")) != (n.get("clinvar_significance"), n.get("clinvar_stars")):
            items.append(Change("clinvar", ckey[0], ckey[1], _clinvar_text(o), _clinvar_text(n),
                                _cause(diffs, ["new ClinVar"])))
            class_moved[ckey] = _cause(diffs, ["new ClinVar"])
        if o["acmg_class"] != n["acmg_class"]:
            cause, detail = _acmg_cause(o, n, diffs)
            items.append(Change("acmg_class", ckey[0], ckey[1], f"{o['acmg_class']} ({o['acmg_points']})",
                                f"{n['acmg_class']} ({n['acmg_points']})", cause, detail))
            class_moved[ckey] = cause
    # findings
    old_f = {_fkey(f): f for f in old.get("findings", []) if f["level"] in ("positive", "inconclusive")}
    new_f = {_fkey(f): f for f in new.get("findings", []) if f["level"] in ("positive", "inconclusive")}
    paired = set()
    for key in sorted(set(new_f) - set(old_f)):
        gene, finding, variants = key
        was = [k for k in old_f if k[0] == gene]
        if finding in _PAIR and any(k[1] == "AR_single_het" for k in was):
            items.append(Change("second_hit", gene, ",".join(variants), "AR_single_het", finding,
                                _finding_cause(gene, variants, diffs, panel_moved, class_moved, family=True),
                                "a second variant completes the recessive pair"))
            paired |= {k for k in was if k[1] == "AR_single_het"}
            continue
        if was and set(variants) == set(was[0][2]) and ({finding, was[0][1]} <= _PAIR or {finding, was[0][1]} <= {"de_novo", "AD_het"}):
            items.append(Change("phase", gene, ",".join(variants), was[0][1], finding,
                                _finding_cause(gene, variants, diffs, panel_moved, class_moved, family=True)))
            paired.add(was[0])
            continue
        items.append(Change("finding_new", gene, ",".join(variants), "", f"{finding} ({new_f[key]['level']})",
                            _finding_cause(gene, variants, diffs, panel_moved, class_moved,
                                           only_in={k: v for k, v in new_c.items() if k not in old_c})))
    for key in sorted(set(old_f) - set(new_f) - paired):
        gene, finding, variants = key
        items.append(Change("finding_gone", gene, ",".join(variants), f"{finding} ({old_f[key]['level']})", "",
                            _finding_cause(gene, variants, diffs, panel_moved, class_moved,
                                           only_in={k: v for k, v in old_c.items() if k not in new_c})))
    if old["status"] != new["status"]:
        causes = sorted({part for c in items for part in c.cause.split("; ")}) or [_cause(diffs, list(diffs))]
        items.insert(0, Change("status", "", "", old["status"], new["status"], "; ".join(causes),
                               new["reason"]))
    return Changes(prev, tuple(items), diffs, _panel_note(panels, new_c))


def _panel_note(panels: tuple[dict[str, str] | None, dict[str, str] | None],
                candidates: Mapping[tuple[str, str], Any]) -> str:
    """What the new panel changed for this patient: how many genes entered and left it, and which of them carry
    a candidate now ("" when the panel is the same or a panel file cannot be read)."""
    old, new = panels
    if old is None or new is None or old == new:
        return ""
    entered, left = sorted(set(new) - set(old)), sorted(set(old) - set(new))
    moi = sorted(g for g in set(old) & set(new) if old[g] != new[g])
    parts = [f"{len(entered)} gene(s) entered the panel"] if entered else []
    parts += [f"{len(left)} left it"] if left else []
    parts += [f"{len(moi)} changed inheritance"] if moi else []
    if not parts:
        return ""
    with_candidate = sorted({g for g, _ in candidates} & set(entered + moi))
    carries = (f"{', '.join(with_candidate)} carr{'ies' if len(with_candidate) == 1 else 'y'} a candidate in this "
               "patient" if with_candidate else "none of them carries a candidate in this patient")
    return f"{', '.join(parts)}; {carries}"


def _clinvar_text(c: Mapping[str, Any]) -> str:
    """The one ClinVar wording (annotate/clinvar.clinvar_summary); built from the fields of a document older than
    triage.json 1.3, which lacks it (its candidate compared with a later one: ClinVar was configured)."""
    from pidtriage.annotate.clinvar import clinvar_words

    return str(c.get("clinvar") or clinvar_words(c.get("clinvar_significance", ""), c.get("clinvar_stars"),
                                                 configured=True))


def _finding_cause(gene: str, variants: Sequence[str], diffs: Mapping[str, str], panel_moved: set[str],
                   class_moved: Mapping[tuple[str, str], str], *, family: bool = False,
                   only_in: Mapping[tuple[str, str], Mapping[str, Any]] | None = None) -> str:
    """A finding's cause: the panel when its gene moved in it; else what moved its variants' classes; else, for
    variants that are candidates in one run only (`only_in`), ClinVar when it asserts them, then the input, the
    population resource, the thresholds."""
    if gene in panel_moved:
        return _cause(diffs, ["new panel"])
    moved = [class_moved[(gene, v)] for v in variants if (gene, v) in class_moved]
    if moved:
        return "; ".join(sorted(set("; ".join(moved).split("; "))))
    asserted = any((only_in or {}).get((gene, v), {}).get("clinvar_significance") for v in variants)
    relevant = (["new input"] if family else []) + (["new ClinVar"] if asserted else []) + [
        "new input", "new population resource", "new thresholds", "new panel", "new pidtriage version"]
    return _cause(diffs, relevant, first=True)


def with_history(new: dict[str, Any], old: Mapping[str, Any] | None) -> None:
    """Dates on each candidate (`first_seen`, `evidence_last_updated`) and finding (`first_seen`,
    `last_changed`), carried forward from `old` (None: a first analysis, today's date)."""
    today = new["provenance"].get("analysis_date", "")
    before = old["provenance"].get("analysis_date", "") if old else ""
    old_c = {(c["gene"], _vkey(c)): c for c in (old or {}).get("candidates", [])}
    for c in new.get("candidates", []):
        o = old_c.get((c["gene"], _vkey(c)))
        evidence = (c["acmg_class"], sorted(_met(c)), c.get("clinvar_significance"), c.get("clinvar_stars"), c["finding"])
        if o is None:
            c["first_seen"], c["evidence_last_updated"] = today, today
            continue
        old_evidence = (o["acmg_class"], sorted(_met(o)), o.get("clinvar_significance"), o.get("clinvar_stars"),
                        o["finding"])
        c["first_seen"] = o.get("first_seen") or before
        c["evidence_last_updated"] = (o.get("evidence_last_updated") or before) if evidence == old_evidence else today
    old_f = {_fkey(f): f for f in (old or {}).get("findings", [])}
    for f in new.get("findings", []):
        o = old_f.get(_fkey(f))
        f["first_seen"] = (o.get("first_seen") or before) if o else today
        f["last_changed"] = (o.get("last_changed") or before) if o and o["level"] == f["level"] else today


CHANGE_COLUMNS = ("sample_id", "kind", "gene", "variant", "old", "new", "cause", "detail")


def case_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """changes.tsv rows of one case: its change items ("no change" and a first analysis have none)."""
    sid = doc["case"]["sample_id"]
    return [{"sample_id": sid, **item} for item in doc.get("changes", {}).get("items", [])]


def previous_cases(previous: str | Path) -> dict[str, str]:
    """sample_id -> status of the previous run's cases (its cohort/summary.tsv, else its cases' triage.json)."""
    import csv
    import json

    root = Path(previous)
    summary = root / "cohort" / "summary.tsv"
    if summary.exists():
        with summary.open() as fh:
            return {r["sample_id"]: r["status"] for r in csv.DictReader(fh, delimiter="\t")}
    return {p.parent.name: json.loads(p.read_text())["status"] for p in sorted(root.glob("cases/*/triage.json"))}


def cohort_changes(docs: Sequence[Mapping[str, Any]], previous: Mapping[str, str] | None) -> dict[str, Any]:
    """The cohort's view of a reanalysis: rows for cohort/changes.tsv (every case's changes, and the cases added
    to or removed from the sheet), the cases to recontact and the downgraded ones, counts by cause, and the yield
    of both runs. None of it when there is no previous run."""
    if previous is None:
        return {"previous": False, "rows": [], "recontact": [], "downgraded": [], "by_cause": {}, "added": [],
                "removed": [], "yield_before": None, "yield_now": None, "unchanged": 0}
    now = {d["case"]["sample_id"]: d for d in docs}
    rows: list[dict[str, Any]] = []
    added = sorted(set(now) - set(previous))
    removed = sorted(set(previous) - set(now))
    rows += [{"sample_id": s, "kind": "case_added", "gene": "", "variant": "", "old": "", "new": now[s]["status"],
              "cause": "new row in the sample sheet", "detail": ""} for s in added]
    rows += [{"sample_id": s, "kind": "case_removed", "gene": "", "variant": "", "old": previous[s], "new": "",
              "cause": "row removed from the sample sheet", "detail": ""} for s in removed]
    for sid in sorted(now):
        rows += case_rows(now[sid])
    rows.sort(key=lambda r: (r["sample_id"], r["kind"] != "status"))
    by_cause: dict[str, int] = {}
    for r in rows:
        for cause in str(r["cause"]).split("; "):
            by_cause[cause] = by_cause.get(cause, 0) + 1

    def pct(statuses: Sequence[str]) -> float | None:
        analysed = [s for s in statuses if s != "failed"]
        return round(100 * sum(s == "positive" for s in analysed) / len(analysed), 1) if analysed else None

    flags = {sid: d.get("changes") or {} for sid, d in now.items()}
    return {
        "previous": True, "rows": rows, "added": added, "removed": removed,
        "recontact": sorted(s for s, c in flags.items() if c.get("recontact")),
        "downgraded": sorted(s for s, c in flags.items() if c.get("downgraded")),
        "unchanged": sum(1 for s, c in flags.items() if c.get("previous") and not c.get("items")),
        "by_cause": dict(sorted(by_cause.items(), key=lambda kv: -kv[1])),
        "yield_before": pct(list(previous.values())), "yield_now": pct([d["status"] for d in docs]),
    }
