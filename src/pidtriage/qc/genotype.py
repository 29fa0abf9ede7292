"""Quality checks per genotype (FILTER, GQ, DP, allele balance); per-sample QC is in `qc.sample`.

A FORMAT field the VCF does not have is "not evaluated", never a failure. Every check records the value
and the threshold it was held against.
"""

from __future__ import annotations

from collections.abc import Iterable

from pidtriage.models import Genotype, Outcome, QcCheck, Variant, Zygosity
from pidtriage.settings import QcThresholds

__all__ = ["FAILURE_WORDS", "failed_checks", "failure_words", "genotype_checks", "hard_failures"]


def genotype_checks(variant: Variant, gt: Genotype, thresholds: QcThresholds, *, haploid: bool) -> list[QcCheck]:
    """FILTER, GT shape, GQ, DP, alternate reads and allele balance of one call, each with its value and
    threshold. Hard failures (the call cannot be trusted at all: FILTER not PASS, a half or haploid call on a
    diploid chromosome, no read with the alternate allele, GQ below `hard_min_gq`, a het allele balance outside
    the hard range) keep a call from being a finding; soft failures (GQ, DP or balance outside the usual range)
    make a finding need confirmation."""
    checks = []
    if thresholds["require_pass"]:
        passed = variant.passed
        value = ";".join(variant.filters) or "."
        checks.append(QcCheck("FILTER", Outcome.MET if passed else Outcome.NOT_MET, value, "PASS",
                              f"FILTER {value}: {'passed' if passed else 'not PASS'}", hard=not passed))
    shape = _shape_problem(gt, haploid=haploid)
    checks.append(QcCheck("GT", Outcome.NOT_MET if shape else Outcome.MET, gt.gt, "a full diploid call" if not haploid
                          else "a haploid or diploid call", shape or f"GT {gt.gt}", hard=bool(shape)))
    checks.append(_at_least("GQ", gt.gq, thresholds["min_gq"], thresholds["hard_min_gq"]))
    checks.append(_at_least("DP", gt.dp, thresholds["min_dp"], None))
    alt = gt.alt_reads
    if alt is not None:
        limit = int(thresholds["hard_min_alt_reads"])
        ok = alt >= limit
        checks.append(QcCheck("ALT_READS", Outcome.MET if ok else Outcome.NOT_MET, str(alt), f">= {limit}",
                              f"{alt} read(s) with the alternate allele {'>=' if ok else '<'} {limit}", hard=not ok))
    if gt.zygosity(haploid_region=haploid) == Zygosity.HET and not gt.is_partial and not gt.is_haploid:
        checks.append(_balance(gt.allele_balance, thresholds))
    return checks


def _shape_problem(gt: Genotype, *, haploid: bool) -> str:
    if gt.is_partial:
        return f"half call {gt.gt}: one allele not called; confirm the genotype"
    if gt.is_haploid and not haploid:
        return f"haploid call {gt.gt} on a diploid chromosome: confirm the genotype (and the sample's sex)"
    return ""


def _at_least(name: str, value: int | None, limit: int, hard_limit: int | None) -> QcCheck:
    if value is None:
        return QcCheck(name, Outcome.NOT_EVALUATED, ".", f">= {limit}", f"{name} not in the VCF")
    ok = value >= limit
    hard = hard_limit is not None and value < hard_limit
    text = f"{name} {value} {'>=' if ok else '<'} {limit}"
    if hard:
        text += f" (and < {hard_limit}: not usable)"
    return QcCheck(name, Outcome.MET if ok else Outcome.NOT_MET, str(value), f">= {limit}", text, hard=hard)


def _balance(ab: float | None, thresholds: QcThresholds) -> QcCheck:
    lo, hi = thresholds["min_het_allele_balance"], thresholds["max_het_allele_balance"]
    hard_lo, hard_hi = thresholds["hard_min_het_allele_balance"], thresholds["hard_max_het_allele_balance"]
    if ab is None:
        return QcCheck("AB", Outcome.NOT_EVALUATED, ".", f"{lo}-{hi}", "allele depths (AD) not in the VCF")
    ok = lo <= ab <= hi
    hard = not hard_lo <= ab <= hard_hi
    text = f"het allele balance {ab:.2f} {'within' if ok else 'outside'} {lo}-{hi}"
    if hard:
        text += f" (and outside {hard_lo}-{hard_hi}: not usable)"
    return QcCheck("AB", Outcome.MET if ok else Outcome.NOT_MET, f"{ab:.2f}", f"{lo}-{hi}", text, hard=hard)


# A failed check in words, for the counsellor's view and the scope (the codes stay in the appendix and tables)
FAILURE_WORDS = {"FILTER": "not passed by the caller's filters", "GT": "a half or haploid call",
                 "GQ": "low genotype quality", "DP": "low read depth", "ALT_READS": "too few reads carry the variant",
                 "AB": "an unbalanced share of reads"}  # fmt: skip


def failure_words(codes: Iterable[str]) -> str:
    """'not passed by the caller's filters, too few reads carry the variant' for ['FILTER', 'ALT_READS']."""
    return ", ".join(FAILURE_WORDS.get(c, c) for c in codes)


def failed_checks(checks: Iterable[QcCheck]) -> list[str]:
    return [c.name for c in checks if c.outcome == Outcome.NOT_MET]


def hard_failures(checks: Iterable[QcCheck]) -> list[str]:
    """The checks whose failure makes the call unusable as a finding."""
    return [c.name for c in checks if c.failed and c.hard]
