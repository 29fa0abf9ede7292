"""Quality checks per genotype (FILTER, GQ, DP, allele balance); per-sample QC is in `sampleqc`.

A FORMAT field the VCF does not have is "not evaluated", never a failure. Every check records the value
and the threshold it was held against.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pidtriage.models import Genotype, Outcome, QcCheck, Variant, Zygosity

__all__ = ["failed_checks", "genotype_checks"]


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
