"""Quality checks: per genotype (FILTER, GQ, DP, allele balance) and per sample (inferred sex).

A FORMAT field the VCF does not have is "not evaluated", never a failure. Every check records the value
and the threshold it was held against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pidtriage.genome import bare, in_par
from pidtriage.models import Genotype, Outcome, QcCheck, Sex, Variant, Zygosity

__all__ = ["SexInference", "failed_checks", "genotype_checks", "infer_sex"]


def genotype_checks(variant: Variant, gt: Genotype, thresholds: Mapping[str, Any], *, haploid: bool) -> list[QcCheck]:
    checks = []
    if thresholds["require_pass"]:
        passed = variant.passed
        value = ";".join(variant.filters) or "."
        checks.append(QcCheck("FILTER", Outcome.MET if passed else Outcome.NOT_MET, value, "PASS",
                              f"FILTER {value}: {'passed' if passed else 'not PASS'}"))
    for name, value, key in (("GQ", gt.gq, "min_gq"), ("DP", gt.dp, "min_dp")):
        limit = thresholds[key]
        if value is None:
            checks.append(QcCheck(name, Outcome.NOT_EVALUATED, ".", f">= {limit}", f"{name} not in the VCF"))
        else:
            ok = value >= limit
            checks.append(QcCheck(name, Outcome.MET if ok else Outcome.NOT_MET, str(value), f">= {limit}",
                                  f"{name} {value} {'>=' if ok else '<'} {limit}"))
    if gt.zygosity(haploid_region=haploid) == Zygosity.HET:
        ab = gt.allele_balance
        lo, hi = thresholds["min_het_allele_balance"], thresholds["max_het_allele_balance"]
        if ab is None:
            checks.append(QcCheck("AB", Outcome.NOT_EVALUATED, ".", f"{lo}-{hi}", "allele depths (AD) not in the VCF"))
        else:
            ok = lo <= ab <= hi
            checks.append(QcCheck("AB", Outcome.MET if ok else Outcome.NOT_MET, f"{ab:.2f}", f"{lo}-{hi}",
                                  f"het allele balance {ab:.2f} {'within' if ok else 'outside'} {lo}-{hi}"))
    return checks


def failed_checks(checks: Iterable[QcCheck]) -> list[str]:
    return [c.name for c in checks if c.outcome == Outcome.NOT_MET]


@dataclass(frozen=True, slots=True)
class SexInference:
    inferred: Sex
    x_calls: int
    x_het: int
    explanation: str


def infer_sex(calls: Iterable[tuple[str, int, Genotype]], build: str, thresholds: Mapping[str, Any]) -> SexInference:
    """Sex from the heterozygosity of chrX calls outside the PARs (the panel's X-linked genes)."""
    n = het = 0
    for chrom, pos, gt in calls:
        if bare(chrom) != "X" or in_par(chrom, pos, build):
            continue
        called = [a for a in gt.alleles if a >= 0]
        if not called or all(a == 0 for a in called):
            continue
        n += 1
        if len(called) > 1 and len(set(called)) > 1:
            het += 1
    minimum = thresholds["min_x_calls_for_sex"]
    if n < minimum:
        return SexInference(Sex.UNKNOWN, n, het, f"{n} non-reference chrX calls outside the PARs (< {minimum} needed)")
    fraction = het / n
    if fraction <= thresholds["max_male_x_het_fraction"]:
        sex = Sex.MALE
    elif fraction >= thresholds["min_female_x_het_fraction"]:
        sex = Sex.FEMALE
    else:
        sex = Sex.UNKNOWN
    return SexInference(sex, n, het, f"{het}/{n} chrX calls heterozygous ({fraction:.2f}) outside the PARs")
