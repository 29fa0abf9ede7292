"""ClinVar records from a ClinVar VCF (official or derived): significance, review stars, condition, HGVS."""

from __future__ import annotations

from collections.abc import Mapping

from pidtriage.models import ClinVarRecord

__all__ = ["CLINVAR_ABSENT", "CLINVAR_NOT_CONFIGURED", "REVIEW_STARS", "clinvar_record", "clinvar_summary", "clinvar_words",
           "stars_of"]

CLINVAR_ABSENT = "absent from ClinVar"
CLINVAR_NOT_CONFIGURED = "ClinVar not configured"

# ClinVar review status → gold stars (ClinVar's own table).
REVIEW_STARS: dict[str, int] = {
    "practice_guideline": 4,
    "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_multiple_submitters": 2,
    "criteria_provided,_conflicting_classifications": 1,
    "criteria_provided,_conflicting_interpretations": 1,
    "criteria_provided,_single_submitter": 1,
    "no_assertion_criteria_provided": 0,
    "no_assertion_provided": 0,
    "no_classification_provided": 0,
    "no_classifications_from_unflagged_records": 0,
    "no_interpretation_for_the_single_variant": 0,
}


def stars_of(review_status: str) -> int | None:
    if not review_status:
        return None
    key = review_status.strip().lower().replace(" ", "_")
    return REVIEW_STARS.get(key, 0)


def clinvar_record(info: Mapping[str, str]) -> ClinVarRecord | None:
    significance = info.get("CLNSIG", "")
    if not significance:
        return None
    conflicts = info.get("CLNSIGCONF", "").replace("%3B", ";").replace("|", "; ").replace("_", " ")
    review = info.get("CLNREVSTAT", "")
    mc = info.get("MC", "")
    return ClinVarRecord(
        significance=significance,
        stars=stars_of(review),
        review_status=review,
        conditions=info.get("CLNDN", "").replace("_", " ").replace("|", "; "),
        conflicts=conflicts,
        variation_id=info.get("CLNVID") or (info.get("_ID", "") if info.get("_ID", ".") != "." else ""),
        hgvs_c=info.get("HGVSc", ""),
        hgvs_p=info.get("HGVSp", ""),
        molecular_consequence=mc.split("|", 1)[1].split(",")[0] if "|" in mc else mc,
    )


def clinvar_summary(record: ClinVarRecord | None, *, configured: bool) -> str:
    """What ClinVar says of a variant, in the one wording of every output (report, candidates.tsv/xlsx,
    triage.json): "ClinVar not configured", "absent from ClinVar", or its class with its review stars
    ("Likely pathogenic (1 star)", "Pathogenic (review status not given)" for a resource without CLNREVSTAT)."""
    return clinvar_words(record.significance if record else "", record.stars if record else None,
                         configured=configured)


def clinvar_words(significance: str, stars: int | None, *, configured: bool) -> str:
    """clinvar_summary from triage.json's fields (clinvar_significance, clinvar_stars): "" significance is absent."""
    if not configured:
        return CLINVAR_NOT_CONFIGURED
    if not significance:
        return CLINVAR_ABSENT
    words = significance.replace("_", " ").replace("|", "; ")
    words = words[:1].upper() + words[1:]
    if stars is None:
        return f"{words} (review status not given)"
    return f"{words} ({stars} star{'' if stars == 1 else 's'})"
