"""Scores of the real-referral validation (real_referrals.py): each case's outcome with and without HPO terms read
from its triage.json, the tables of VALIDATION.md's real-referral section, and the per-case TSV.

Top-1 / top-3: a causal allele of the patient's gene is candidate rank 1 / rank <= 3. Not negative: the case's
status is positive or inconclusive. A case counts once per class of its causal alleles (a compound het of a
nonsense and a missense allele is in both rows).
"""

from __future__ import annotations

import collections
import csv
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from referral_cases import Case, Spike

__all__ = ["NOHPO", "Outcome", "Scored", "read_outcome", "section", "write_section", "write_tsv"]

NOHPO = ".nohpo"  # the suffix of the same case run without its phenopacket
START, END = "<!-- real-referrals:start -->", "<!-- real-referrals:end -->"


@dataclass(frozen=True)
class Outcome:
    status: str
    reason: str
    rank: int | None  # best rank of a causal allele, None when it is not a candidate
    top: str  # the rank-1 candidate: gene variant consequence ACMG-class finding
    n_candidates: int


@dataclass(frozen=True)
class Scored:
    case: Case
    hpo: Outcome
    nohpo: Outcome

    def classes(self) -> list[str]:
        return sorted({s.derived.klass for s in self.case.causes})

    def clinvar(self) -> list[str]:
        """What the derived ClinVar set says of the causal alleles (a group per allele)."""
        return sorted({_clinvar_group(s) for s in self.case.causes})


def _clinvar_group(s: Spike) -> str:
    if not s.clnsig:
        return "absent"
    if "athogenic" in s.clnsig and "onflicting" not in s.clnsig:
        return "P/LP"
    return "B/LB" if "enign" in s.clnsig and "onflicting" not in s.clnsig else "VUS, conflicting or other"


def _norm(chrom: object) -> str:
    return str(chrom).removeprefix("chr")


def _is_cause(c: dict[str, Any], gene: str, causes: list[Spike]) -> bool:
    if c.get("gene") != gene:
        return False
    pos = int(c.get("pos", 0))
    return any(_norm(c.get("chrom")) == s.chrom and s.pos <= pos <= s.pos + max(len(s.ref), 1) for s in causes)


def read_outcome(results: Path, case_id: str, case: Case) -> Outcome:
    path = results / "cases" / case_id / "triage.json"
    if not path.exists():
        return Outcome("no output", f"{path} was not written (see the Snakemake log)", None, "", 0)
    doc = json.loads(path.read_text())
    candidates = doc.get("candidates") or []
    ranks = [int(c.get("rank", i + 1)) for i, c in enumerate(candidates)
             if _is_cause(c, case.patient.gene, case.causes)]
    top = ""
    if candidates:
        c = candidates[0]
        top = (f"{c.get('gene', '')} {_norm(c.get('chrom'))}:{c.get('pos')}:{c.get('ref')}:{c.get('alt')} "
               f"{c.get('consequence', '')} {c.get('acmg_class', '')} {c.get('finding', '')}")
    return Outcome(str(doc.get("status", "")), " ".join(str(doc.get("reason", "")).split()), min(ranks, default=None),
                   top, len(candidates))


def _top(o: Outcome, k: int) -> bool:
    return o.rank is not None and o.rank <= k


def _not_negative(o: Outcome) -> bool:
    return o.status in ("positive", "inconclusive")


def _frac(rows: list[Scored], test: Callable[[Scored], bool]) -> str:
    n = sum(1 for r in rows if test(r))
    return f"{n}/{len(rows)} ({100 * n / len(rows):.0f} %)" if rows else "-"


def _table(title: str, groups: dict[str, list[Scored]]) -> list[str]:
    lines = [f"| {title} | cases | top-1 with HPO | top-1 without | top-3 with HPO | top-3 without | "
             "not negative (HPO) |", "|---|---|---|---|---|---|---|"]
    for name, rows in groups.items():
        lines.append(f"| {name} | {len(rows)} | {_frac(rows, lambda r: _top(r.hpo, 1))} | "
                     f"{_frac(rows, lambda r: _top(r.nohpo, 1))} | {_frac(rows, lambda r: _top(r.hpo, 3))} | "
                     f"{_frac(rows, lambda r: _top(r.nohpo, 3))} | {_frac(rows, lambda r: _not_negative(r.hpo))} |")
    return lines


def _groups(rows: Iterable[Scored], keys: Callable[[Scored], list[str]], order: list[str] | None = None
            ) -> dict[str, list[Scored]]:
    out: dict[str, list[Scored]] = collections.defaultdict(list)
    for r in rows:
        for k in keys(r):
            out[k].append(r)
    names = order or sorted(out)
    return {k: out[k] for k in names if k in out}


CLASS_ORDER = ["nonsense", "frameshift", "missense", "splice +/-1/2", "splice region", "intronic", "in-frame",
               "synonymous", "start lost", "stop lost", "5' UTR", "3' UTR"]


def _lopo_line(facts: dict[str, Any]) -> list[str]:
    """HPO's annotations of these diseases were partly curated from the same case reports: the figure with each
    patient's own publication left out of them (referral_rerank.py --lopo) is what a new patient can expect."""
    if not facts.get("lopo"):
        return []
    top1, n = facts["lopo"]
    return [f"With each patient's own publication left out of the HPO annotations (HPO's annotations of these "
            f"diseases were partly curated from the same case reports; tests/benchmarks/referral_rerank.py --lopo "
            f"re-ranks the run): cause at rank 1 with HPO {top1}/{n} ({100 * top1 / n:.0f} %). That is the figure a "
            "new patient, whose paper is in no annotation, can expect.", ""]


def section(scored: list[Scored], decoy_only: list[Scored], facts: dict[str, Any]) -> str:
    """The markdown between the real-referral markers of VALIDATION.md."""
    rows = scored
    statuses = {label: collections.Counter(getattr(r, attr).status for r in decoy_only)
                for label, attr in (("with HPO", "hpo"), ("without HPO", "nohpo"))}
    lines = [START, "", "## Real referrals: published patients, genes A–L (issue #28)", "",
             "Generated by `make validate` (tests/benchmarks/real_referrals.py; its docstring says how the set is "
             "built). Do not edit by hand.",
             f"Phenopacket-store {facts['store_revision']}; {facts['patients_used']} patients in {facts['genes_used']} "
             f"panel genes A–L (at most {facts['max_per_gene']} per gene), each also run without HPO terms, and "
             f"{len(decoy_only)} decoy-only cases: {facts['n_cases']} cases through Snakemake in "
             f"{facts['wall']:.0f} s on this machine (load average {facts['load']:.1f} at the start; the case jobs "
             f"took {facts['cpu']:.0f} s of CPU){facts['code_note']}.", "",
             "| patients with a cause | with HPO | without HPO |", "|---|---|---|",
             f"| cause at rank 1 | {_frac(rows, lambda r: _top(r.hpo, 1))} | {_frac(rows, lambda r: _top(r.nohpo, 1))} |",
             f"| cause in the top 3 | {_frac(rows, lambda r: _top(r.hpo, 3))} | "
             f"{_frac(rows, lambda r: _top(r.nohpo, 3))} |",
             f"| cause a candidate at all | {_frac(rows, lambda r: r.hpo.rank is not None)} | "
             f"{_frac(rows, lambda r: r.nohpo.rank is not None)} |",
             f"| not negative (positive or inconclusive) | {_frac(rows, lambda r: _not_negative(r.hpo))} | "
             f"{_frac(rows, lambda r: _not_negative(r.nohpo))} |",
             f"| positive | {_frac(rows, lambda r: r.hpo.status == 'positive')} | "
             f"{_frac(rows, lambda r: r.nohpo.status == 'positive')} |",
             f"| failed (or no output) | {sum(r.hpo.status in ('failed', 'no output') for r in rows)} | "
             f"{sum(r.nohpo.status in ('failed', 'no output') for r in rows)} |", "",
             *_lopo_line(facts),
             f"Decoy-only cases (a real patient's phenotype, three decoys, no cause): positive "
             f"{statuses['with HPO']['positive']}/{len(decoy_only)} with HPO, "
             f"{statuses['without HPO']['positive']}/{len(decoy_only)} without; statuses with HPO "
             + ", ".join(f"{k} {v}" for k, v in sorted(statuses["with HPO"].items())) + ".", "",
             *_table("consequence class", _groups(rows, Scored.classes, CLASS_ORDER)), "",
             *_table("genotype", _groups(rows, lambda r: [r.case.patient.genotype],
                                         ["hom", "het", "hemi", "compound het"])), "",
             *_table("sex", _groups(rows, lambda r: [r.case.patient.sex])), "",
             *_table("causal allele in ClinVar", _groups(rows, Scored.clinvar,
                                                         ["absent", "P/LP", "VUS, conflicting or other", "B/LB"])), "",
             *_table("gene", _groups(rows, lambda r: [r.case.patient.gene])), "",
             "Patients not used, by reason (of "
             f"{facts['patients_total']} phenopackets in these genes): "
             + "; ".join(f"{k} {v}" for k, v in facts["skipped"].most_common()) + ".",
             "Patients per gene (used / usable / phenopackets): "
             + ", ".join(f"{g} {u}/{n}/{t}" for g, (u, n, t) in sorted(facts["per_gene"].items())) + ".",
             "Corrections: " + ("; ".join(f"{k} ({v})" for k, v in facts["notes"].items()) or "none") + ".",
             f"Exonic splice-region terms could be given in {facts['exon_genes']} panel genes (exon table confirmed by "
             "intronic HGVS).",
             "REF checks of the usable patients' alleles: "
             + "; ".join(f"{k} {v}" for k, v in sorted(facts["ref_checks"].items())) + ".", "", END]
    return "\n".join(lines) + "\n"


def write_section(out: Path, text: str) -> None:
    """Replace the section between the markers, or put it before `## History` (or at the end) the first time."""
    previous = out.read_text() if out.exists() else ""
    if START in previous and END in previous:
        new = previous[:previous.index(START)] + text.rstrip("\n") + previous[previous.index(END) + len(END):]
    elif "\n## History" in previous:
        i = previous.index("\n## History")
        new = previous[:i].rstrip("\n") + "\n\n" + text + previous[i:]
    else:
        new = previous.rstrip("\n") + "\n\n" + text
    out.write_text(new)


TSV_COLUMNS = ["case_id", "kind", "gene", "sex", "genotype", "variants", "classes", "decoys", "n_hpo_observed",
               "n_hpo_excluded", "status_hpo", "status_nohpo", "rank_hpo", "rank_nohpo", "top1_hpo", "top1_nohpo",
               "n_candidates_hpo", "reason_hpo", "reason_nohpo", "note"]


def _variant(s: Spike) -> str:
    clinvar = f"ClinVar {s.clnsig} AF {s.af if s.af is not None else '.'}" if s.clnsig else "not in ClinVar"
    return f"{s.key} {s.derived.hgvs_c} {s.derived.hgvs_p or '.'} {'&'.join(s.derived.terms)} {s.genotype} ({clinvar})"


def write_tsv(path: Path, scored: list[Scored]) -> None:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(TSV_COLUMNS)
        for r in scored:
            c, p = r.case, r.case.patient
            w.writerow([c.case_id, c.kind, p.gene, p.sex, p.genotype if c.kind == "cause" else "",
                        "; ".join(_variant(s) for s in c.causes), ",".join(r.classes()),
                        "; ".join(f"{s.gene} {_variant(s)}" for s in c.spikes if s.role == "decoy"),
                        len(p.observed), len(p.excluded), r.hpo.status, r.nohpo.status,
                        r.hpo.rank or "", r.nohpo.rank or "", r.hpo.top, r.nohpo.top, r.hpo.n_candidates,
                        r.hpo.reason, r.nohpo.reason, p.note])
