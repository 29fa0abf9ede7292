"""What changed between two analyses of one case: the one place for the reanalysis rules (issue #20).

`compare(old, new)` reads two case results (and, when they can be read, the two panels) and returns the changes,
each with its cause; `with_history(new, old)` carries each candidate's and finding's dates forward.

Kinds of change (`kind` in changes.tsv, result.case_result.ChangeKind), per case:

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

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from pidtriage.models import Finding, Status, base_code
from pidtriage.result.case_result import (
    CandidateResult,
    CaseResult,
    Change,
    ChangeKind,
    ChangesSection,
    FindingResult,
    PreviousRun,
)

__all__ = ["CHANGE_COLUMNS", "ChangeRow", "CohortChanges", "case_rows", "cohort_changes", "compare", "differences",
           "previous_cases", "with_history"]

# statuses from worst to best: a move up is news for the patient, a move down a result withdrawn
_RANK: dict[str, int] = {Status.FAILED: 0, Status.NEGATIVE: 1, Status.INCONCLUSIVE: 2, Status.POSITIVE: 3}
_PAIR = {Finding.AR_COMPOUND_HET, Finding.AR_POSSIBLE_COMPOUND_HET}
_DOMINANT = {Finding.DE_NOVO, Finding.AD_HET}
_POPULATION_CODES = {"PM2", "BS1", "BA1"}
_CLINVAR_CODES = {"PP5", "BP6"}
_FAMILY_CODES = {"PS2", "PM6", "PM3"}

CandidateKey = tuple[str, str]  # (gene symbol, chrom:pos:ref:alt in the panel's contig naming)
FindingKey = tuple[str, Finding, tuple[str, ...]]


def _rank(status: str) -> int:
    return _RANK.get(status, 0)


def _ckey(c: CandidateResult) -> CandidateKey:
    return c.gene, str(c.key.bare)


def _fkey(f: FindingResult) -> FindingKey:
    return f.gene, f.finding, tuple(sorted(str(v.bare) for v in f.variants))


def _flat(d: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in d.items():
        if isinstance(v, Mapping):
            out |= _flat(v, f"{prefix}{k}.")
        else:
            out[f"{prefix}{k}"] = v
    return out


def differences(old: CaseResult, new: CaseResult) -> dict[str, str]:
    """What differs between two runs' sources, by cause name."""
    po, pn = old.provenance, new.provenance
    out: dict[str, str] = {}
    if (po.panel_name, po.panel_version) != (pn.panel_name, pn.panel_version):
        out["new panel"] = f"{po.panel_name} {po.panel_version} → {pn.panel_name} {pn.panel_version}"
    if (po.clinvar, po.clinvar_date) != (pn.clinvar, pn.clinvar_date):
        out["new ClinVar"] = f"{po.clinvar_date or po.clinvar or 'none'} → {pn.clinvar_date or pn.clinvar or 'none'}"
    if po.population != pn.population:
        out["new population resource"] = f"{po.population or 'none'} → {pn.population or 'none'}"
    to, tn = _flat(old.thresholds), _flat(new.thresholds)
    moved = sorted(k for k in set(to) | set(tn) if to.get(k) != tn.get(k))
    if moved:
        out["new thresholds"] = ", ".join(f"{k} {to.get(k)} → {tn.get(k)}" for k in moved[:6])
    used_o, used_n = old.qc.samples_used, new.qc.samples_used
    vcf_moved = (old.case.vcf, po.input_size) != (new.case.vcf, pn.input_size)
    if vcf_moved or used_o != used_n:
        what = [f"individuals {','.join(used_o) or '-'} → {','.join(used_n) or '-'}"] if used_o != used_n else []
        what += ["the VCF"] if vcf_moved else []
        out["new input"] = "; ".join(what)
    if po.pidtriage_version != pn.pidtriage_version:
        out["new pidtriage version"] = f"{po.pidtriage_version} → {pn.pidtriage_version}"
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


def _acmg_cause(old_c: CandidateResult, new_c: CandidateResult, diffs: Mapping[str, str]) -> tuple[str, str]:
    gained, lost = new_c.met_codes - old_c.met_codes, old_c.met_codes - new_c.met_codes
    moved = {base_code(code) for code in gained | lost}
    relevant = (["new ClinVar"] if moved & _CLINVAR_CODES else []) + (
        ["new population resource"] if moved & _POPULATION_CODES else []) + (
        ["new input"] if moved & _FAMILY_CODES else []) + (["new panel"] if "PVS1" in moved else []) + [
        "new thresholds", "new pidtriage version"]
    detail = ", ".join([*(f"+{c}" for c in sorted(gained)), *(f"-{c}" for c in sorted(lost))])
    return _cause(diffs, relevant), f"criteria {detail}" if detail else "points changed"


def _clinvar_text(c: CandidateResult) -> str:
    """The one ClinVar wording (annotate/clinvar_record.clinvar_summary); built from the fields of a document older than
    triage.json 1.3, which lacks it (its candidate compared with a later one: ClinVar was configured)."""
    from pidtriage.annotate.clinvar_record import clinvar_words

    return c.clinvar or clinvar_words(c.clinvar_significance, c.clinvar_stars, configured=True)


def _panel_changes(old_c: Mapping[CandidateKey, CandidateResult], new_c: Mapping[CandidateKey, CandidateResult],
                   panels: tuple[dict[str, str] | None, dict[str, str] | None], diffs: Mapping[str, str]
                   ) -> tuple[list[Change], set[str]]:
    """Panel genes with a candidate in either run that entered, left or changed inheritance."""
    items, moved = [], set()
    for gene in sorted({g for g, _ in old_c} | {g for g, _ in new_c}):
        before = panels[0].get(gene) if panels[0] is not None else next(
            (str(c.moi) for (g, _), c in old_c.items() if g == gene), None)
        after = panels[1].get(gene) if panels[1] is not None else next(
            (str(c.moi) for (g, _), c in new_c.items() if g == gene), None)
        if before != after and (panels[0] is not None or before is not None) and (
                panels[1] is not None or after is not None):
            items.append(Change(kind=ChangeKind.PANEL_GENE, gene=gene, old=before or "not in the panel",
                                new=after or "not in the panel", cause=_cause(diffs, ["new panel"])))
            moved.add(gene)
    return items, moved


def _variant_changes(old_c: Mapping[CandidateKey, CandidateResult], new_c: Mapping[CandidateKey, CandidateResult],
                     diffs: Mapping[str, str]) -> tuple[list[Change], dict[CandidateKey, str]]:
    """Candidates of both runs whose ClinVar or automated class moved, and the cause of each move."""
    items: list[Change] = []
    moved: dict[CandidateKey, str] = {}
    for ckey in sorted(set(old_c) & set(new_c)):
        o, n = old_c[ckey], new_c[ckey]
        if (o.clinvar_significance, o.clinvar_stars) != (n.clinvar_significance, n.clinvar_stars):
            items.append(Change(kind=ChangeKind.CLINVAR, gene=ckey[0], variant=ckey[1], old=_clinvar_text(o),
                                new=_clinvar_text(n), cause=_cause(diffs, ["new ClinVar"])))
            moved[ckey] = _cause(diffs, ["new ClinVar"])
        if o.acmg_class != n.acmg_class:
            cause, detail = _acmg_cause(o, n, diffs)
            items.append(Change(kind=ChangeKind.ACMG_CLASS, gene=ckey[0], variant=ckey[1],
                                old=f"{o.acmg_class} ({o.acmg_points})", new=f"{n.acmg_class} ({n.acmg_points})",
                                cause=cause, detail=detail))
            moved[ckey] = cause
    return items, moved


@dataclass(frozen=True)
class _Context:
    diffs: Mapping[str, str]
    panel_moved: set[str]
    class_moved: Mapping[CandidateKey, str]
    old_c: Mapping[CandidateKey, CandidateResult]
    new_c: Mapping[CandidateKey, CandidateResult]

    def cause(self, gene: str, variants: Sequence[str], *, family: bool = False,
              only_in: Mapping[CandidateKey, CandidateResult] | None = None) -> str:
        """A finding's cause: the panel when its gene moved in it; else what moved its variants' classes; else, for
        variants that are candidates in one run only (`only_in`), ClinVar when it asserts them, then the input,
        the population resource, the thresholds."""
        if gene in self.panel_moved:
            return _cause(self.diffs, ["new panel"])
        moved = [self.class_moved[(gene, v)] for v in variants if (gene, v) in self.class_moved]
        if moved:
            return "; ".join(sorted(set("; ".join(moved).split("; "))))
        asserted = any(c.clinvar_significance for v in variants if (c := (only_in or {}).get((gene, v))) is not None)
        relevant = (["new input"] if family else []) + (["new ClinVar"] if asserted else []) + [
            "new input", "new population resource", "new thresholds", "new panel", "new pidtriage version"]
        return _cause(self.diffs, relevant, first=True)


def _finding_changes(old: CaseResult, new: CaseResult, ctx: _Context) -> list[Change]:
    old_f = {_fkey(f): f for f in old.qualifying_findings}
    new_f = {_fkey(f): f for f in new.qualifying_findings}
    items, paired = [], set()
    for key in sorted(set(new_f) - set(old_f)):
        gene, finding, variants = key
        was = [k for k in old_f if k[0] == gene]
        if finding in _PAIR and any(k[1] == Finding.AR_SINGLE_HET for k in was):
            items.append(Change(kind=ChangeKind.SECOND_HIT, gene=gene, variant=",".join(variants),
                                old=str(Finding.AR_SINGLE_HET), new=str(finding),
                                cause=ctx.cause(gene, variants, family=True),
                                detail="a second variant completes the recessive pair"))
            paired |= {k for k in was if k[1] == Finding.AR_SINGLE_HET}
            continue
        if was and set(variants) == set(was[0][2]) and ({finding, was[0][1]} <= _PAIR or {finding, was[0][1]} <= _DOMINANT):
            items.append(Change(kind=ChangeKind.PHASE, gene=gene, variant=",".join(variants), old=str(was[0][1]),
                                new=str(finding), cause=ctx.cause(gene, variants, family=True)))
            paired.add(was[0])
            continue
        items.append(Change(kind=ChangeKind.FINDING_NEW, gene=gene, variant=",".join(variants),
                            new=f"{finding} ({new_f[key].level})",
                            cause=ctx.cause(gene, variants, only_in={k: v for k, v in ctx.new_c.items()
                                                                    if k not in ctx.old_c})))
    for key in sorted(set(old_f) - set(new_f) - paired):
        gene, finding, variants = key
        items.append(Change(kind=ChangeKind.FINDING_GONE, gene=gene, variant=",".join(variants),
                            old=f"{finding} ({old_f[key].level})",
                            cause=ctx.cause(gene, variants, only_in={k: v for k, v in ctx.old_c.items()
                                                                    if k not in ctx.new_c})))
    return items


def compare(old: CaseResult, new: CaseResult, *, previous_path: str = "") -> ChangesSection:
    """The changes from `old` to `new` (module docstring)."""
    diffs = differences(old, new)
    po = old.provenance
    prev = PreviousRun(triage_json=previous_path, analysis_date=po.analysis_date, status=old.status,
                       panel=f"{po.panel_name} {po.panel_version}", clinvar_date=po.clinvar_date or "",
                       pidtriage_version=po.pidtriage_version)
    old_c = {_ckey(c): c for c in old.candidates}
    new_c = {_ckey(c): c for c in new.candidates}
    panels = (_panel_genes(po.panel_path), _panel_genes(new.provenance.panel_path))
    items, panel_moved = _panel_changes(old_c, new_c, panels, diffs)
    variant_items, class_moved = _variant_changes(old_c, new_c, diffs)
    items += variant_items
    items += _finding_changes(old, new, _Context(diffs, panel_moved, class_moved, old_c, new_c))
    if old.status != new.status:
        causes = sorted({part for c in items for part in c.cause.split("; ")}) or [_cause(diffs, list(diffs))]
        items.insert(0, Change(kind=ChangeKind.STATUS, old=str(old.status), new=str(new.status),
                               cause="; ".join(causes), detail=new.reason))
    return changes_section(prev, tuple(items), diffs, _panel_note(panels, new_c))


def changes_section(previous: PreviousRun, items: tuple[Change, ...], diffs: Mapping[str, str],
                    panel_note: str) -> ChangesSection:
    """The `changes` block: the items, with the summary line and whether the case needs recontact or was
    downgraded (module docstring)."""
    up = any(c.kind == ChangeKind.STATUS and _rank(c.new) > _rank(c.old) and c.new != Status.NEGATIVE for c in items)
    recontact = up or any(c.kind in (ChangeKind.FINDING_NEW, ChangeKind.SECOND_HIT) for c in items)
    down = any(c.kind == ChangeKind.STATUS and _rank(c.new) < _rank(c.old) for c in items)
    renewed = {c.gene for c in items if c.kind in (ChangeKind.FINDING_NEW, ChangeKind.SECOND_HIT, ChangeKind.PHASE)}
    downgraded = down or any(c.kind == ChangeKind.FINDING_GONE and c.gene not in renewed for c in items)
    return ChangesSection(previous=previous, summary=_summary(items, panel_note), recontact=recontact,
                          downgraded=downgraded, differences=dict(diffs), panel_note=panel_note, items=items)


def _summary(items: Sequence[Change], panel_note: str) -> str:
    note = f"; {panel_note}" if panel_note else ""
    if not items:
        return f"no change in the result{note}" if note else "no change"
    status = next((c for c in items if c.kind == ChangeKind.STATUS), None)
    head = f"status {status.old} → {status.new}" if status else "status unchanged"
    kinds = sorted({str(c.kind) for c in items if c.kind != ChangeKind.STATUS})
    causes = sorted({cause for c in items for cause in c.cause.split("; ")})
    return f"{head}; {', '.join(kinds) or 'no other change'} ({'; '.join(causes)}){note}"


def _panel_note(panels: tuple[dict[str, str] | None, dict[str, str] | None],
                candidates: Mapping[CandidateKey, CandidateResult]) -> str:
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


def with_history(new: CaseResult, old: CaseResult | None) -> CaseResult:
    """`new` with dates on each candidate (`first_seen`, `evidence_last_updated`) and finding (`first_seen`,
    `last_changed`), carried forward from `old` (None: a first analysis, today's date)."""
    today = new.provenance.analysis_date
    before = old.provenance.analysis_date if old else ""
    old_c = {_ckey(c): c for c in old.candidates} if old else {}

    def evidence(c: CandidateResult) -> tuple[object, ...]:
        return c.acmg_class, sorted(c.met_codes), c.clinvar_significance, c.clinvar_stars, c.finding

    candidates = []
    for c in new.candidates:
        o = old_c.get(_ckey(c))
        if o is None:
            candidates.append(dataclasses.replace(c, first_seen=today, evidence_last_updated=today))
            continue
        updated = (o.evidence_last_updated or before) if evidence(c) == evidence(o) else today
        candidates.append(dataclasses.replace(c, first_seen=o.first_seen or before, evidence_last_updated=updated))
    old_f = {_fkey(f): f for f in old.findings} if old else {}
    findings = []
    for f in new.findings:
        of = old_f.get(_fkey(f))
        findings.append(dataclasses.replace(
            f, first_seen=(of.first_seen or before) if of else today,
            last_changed=(of.last_changed or before) if of and of.level == f.level else today))
    return dataclasses.replace(new, candidates=tuple(candidates), findings=tuple(findings))


CHANGE_COLUMNS = ("sample_id", "kind", "gene", "variant", "old", "new", "cause", "detail")


@dataclass(frozen=True, slots=True)
class ChangeRow:
    """A row of changes.tsv: one change of one case."""

    sample_id: str
    kind: ChangeKind
    gene: str
    variant: str
    old: str
    new: str
    cause: str
    detail: str

    @classmethod
    def of(cls, sample_id: str, c: Change) -> ChangeRow:
        return cls(sample_id, c.kind, c.gene, c.variant, c.old, c.new, c.cause, c.detail)


def case_rows(result: CaseResult) -> list[ChangeRow]:
    """changes.tsv rows of one case: its change items ("no change" and a first analysis have none)."""
    return [ChangeRow.of(result.sample_id, item) for item in result.changes.items]


def previous_cases(previous: str | Path) -> dict[str, Status]:
    """sample_id -> status of the previous run's cases (its cohort/summary.tsv, else its cases' triage.json)."""
    import csv

    from pidtriage.io.jsonio import from_jsonable, read_json

    root = Path(previous)
    summary = root / "cohort" / "summary.tsv"
    if summary.exists():
        with summary.open() as fh:
            return {r["sample_id"]: Status(r["status"]) for r in csv.DictReader(fh, delimiter="\t")}
    return {p.parent.name: from_jsonable(CaseResult, read_json(p)).status for p in sorted(root.glob("cases/*/triage.json"))}


@dataclass(frozen=True)
class CohortChanges:
    """The cohort's view of a reanalysis: the rows of cohort/changes.tsv (every case's changes, and the cases added
    to or removed from the sheet), the cases to recontact and the downgraded ones, counts by cause, and the
    diagnostic yield of both runs. `previous` False: no previous run (everything empty)."""

    previous: bool = False
    rows: tuple[ChangeRow, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    recontact: tuple[str, ...] = ()
    downgraded: tuple[str, ...] = ()
    unchanged: int = 0
    by_cause: dict[str, int] = field(default_factory=dict)
    yield_before: float | None = None
    yield_now: float | None = None


def _yield(statuses: Sequence[Status]) -> float | None:
    analysed = [s for s in statuses if s != Status.FAILED]
    return round(100 * sum(s == Status.POSITIVE for s in analysed) / len(analysed), 1) if analysed else None


def cohort_changes(results: Sequence[CaseResult], previous: Mapping[str, Status] | None) -> CohortChanges:
    """The cohort's changes (CohortChanges); none of it when there is no previous run."""
    if previous is None:
        return CohortChanges()
    now = {r.sample_id: r for r in results}
    added = sorted(set(now) - set(previous))
    removed = sorted(set(previous) - set(now))
    rows = [ChangeRow(s, ChangeKind.CASE_ADDED, "", "", "", str(now[s].status), "new row in the sample sheet", "")
            for s in added]
    rows += [ChangeRow(s, ChangeKind.CASE_REMOVED, "", "", str(previous[s]), "", "row removed from the sample sheet", "")
             for s in removed]
    for sid in sorted(now):
        rows += case_rows(now[sid])
    rows.sort(key=lambda r: (r.sample_id, r.kind != ChangeKind.STATUS))
    by_cause: dict[str, int] = {}
    for r in rows:
        for cause in r.cause.split("; "):
            by_cause[cause] = by_cause.get(cause, 0) + 1
    changes = {sid: r.changes for sid, r in now.items()}
    return CohortChanges(
        previous=True, rows=tuple(rows), added=tuple(added), removed=tuple(removed),
        recontact=tuple(sorted(s for s, c in changes.items() if c.recontact)),
        downgraded=tuple(sorted(s for s, c in changes.items() if c.downgraded)),
        unchanged=sum(1 for c in changes.values() if c.previous and not c.items),
        by_cause=dict(sorted(by_cause.items(), key=lambda kv: -kv[1])),
        yield_before=_yield(list(previous.values())), yield_now=_yield([r.status for r in results]))
