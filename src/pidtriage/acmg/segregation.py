"""Family evidence: PS2/PM6 (de novo) and PM3 (in trans with a pathogenic variant in a recessive gene).

PS2 when both parents are confidently reference and parentage is supported by the genotypes (the trio's
Mendelian-error rate passed on enough sites); PM6 when it is only assumed. PM3 (ClinGen SVI 2019, simplified
to one proband): in trans with a P/LP variant: moderate; phase unknown with a P/LP variant: supporting.
"""

from __future__ import annotations

from collections.abc import Sequence

from pidtriage.acmg.base import POINTS, crit, scaled
from pidtriage.inheritance.family import Family
from pidtriage.models import Criterion, Outcome, VariantKey

__all__ = ["bs2_family", "pm3", "ps2_pm6"]


def ps2_pm6(de_novo: bool, family: Family) -> Criterion:
    if not family.is_trio:
        return crit("PS2", Outcome.NOT_EVALUATED, "strong", 4, "both parents' genotypes are needed")
    if not de_novo:
        return crit("PS2", Outcome.NOT_MET, "strong", 4, "inherited, or a parent's genotype is not confident")
    if family.parentage_checked:
        return crit("PS2", Outcome.MET, "strong", POINTS["strong"],
                    "de novo: both parents confidently homozygous reference, parentage supported by the trio's "
                    "Mendelian-error check (genotype-based, not a formal identity test)")
    return crit("PM6", Outcome.MET, "moderate", POINTS["moderate"],
                "de novo, parentage assumed (too few informative sites to check it from the genotypes)")


def bs2_family(against: Sequence[str]) -> Criterion:
    """BS2 from the family: an unaffected relative has the genotype that causes the disease (homozygous for a
    recessive or dominant variant, hemizygous for an X-linked one, heterozygous in a fully penetrant dominant
    disease), as the inheritance model found it (`ModelResult.against`)."""
    return crit("BS2", Outcome.MET, "strong", -4, "; ".join(against) + " (healthy relative with the disease genotype)")


def pm3(phase: str, other_class: str, other_key: VariantKey, *, other_reportable: bool = False) -> Criterion:
    """PM3 from the other variant of a pair: P/LP (automated, or reportable on ClinVar's word)."""
    if other_reportable and other_class not in ("P", "LP"):
        other_class = "ClinVar P/LP"
    if other_class not in ("P", "LP", "ClinVar P/LP"):
        return crit("PM3", Outcome.NOT_MET, "moderate", 2, f"the other variant ({other_key}) is {other_class}, not P/LP")
    if phase == "trans":
        return crit("PM3", Outcome.MET, "moderate", POINTS["moderate"], f"in trans with {other_class} variant {other_key}")
    if phase == "unknown":
        return crit(scaled("PM3", "moderate", "supporting"), Outcome.MET, "supporting", POINTS["supporting"],
                    f"with {other_class} variant {other_key}, phase unknown")
    return crit("PM3", Outcome.NOT_MET, "moderate", 2, f"in cis with {other_key}")
