"""ClinVar records from a ClinVar VCF (official or derived): significance, review stars, condition, HGVS."""

from __future__ import annotations

from collections.abc import Mapping

from pidtriage.models import ClinVarRecord

__all__ = ["REVIEW_STARS", "clinvar_record", "stars_of"]

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
