"""Sample QC of a case's extract: per individual sex (from the extract stage), panel call statistics, the
trio's Mendelian check, and the hard QC failures that fail the case."""

from __future__ import annotations

from typing import Any

from pidtriage import sampleqc
from pidtriage.config import Config
from pidtriage.models import Sex
from pidtriage.stages.record import StageRecord, family_of, sex_check

__all__ = ["sample_qc"]


def sample_qc(record: StageRecord, table: Any, config: Config) -> tuple[dict[str, Any], Sex, str, list[str]]:
    """Per-individual QC (sex from the extract stage, panel call statistics, the Mendelian check), the proband's
    inferred sex and its evidence, and the hard-QC failures."""
    thresholds = config.get("qc")
    samples = record.samples_in_vcf
    family = family_of(record, config)
    mendel = sampleqc.mendelian_check(table, samples, family.father, family.mother, min_gq=int(thresholds["min_gq"]),
                                      min_sites=int(thresholds["min_sites_for_mendelian"]))
    roles = {record.case.vcf_sample: "proband", family.father: "father", family.mother: "mother"}
    reported = {record.case.vcf_sample: record.case.sex, family.father: Sex.MALE, family.mother: Sex.FEMALE}
    unknown = {"sex": Sex.UNKNOWN.value, "sex_evidence": "", "records_in_vcf": None}
    individuals = []
    for i, sample in enumerate(samples):
        whole = record.whole_vcf.get(sample, unknown)
        individuals.append({
            "sample": sample, "role": roles.get(sample, "relative"), "sex_reported": reported[sample].value,
            "sex_inferred": whole["sex"], "sex_check": sex_check(reported[sample], whole["sex"]),
            "sex_evidence": whole["sex_evidence"], "records_in_vcf": whole["records_in_vcf"],
            "panel": sampleqc.call_stats(table, i).as_dict(),
        })  # fmt: skip
    sexes = [sampleqc.SexCheck(i["sample"], i["role"], i["sex_reported"], i["sex_inferred"], i["sex_check"],
                               i["sex_evidence"]) for i in individuals]
    stats = sampleqc.call_stats(table, 0)
    failures = sampleqc.hard_failures(stats, mendel, thresholds, sample=record.case.vcf_sample, vcf=record.case.vcf,
                                      sex=sexes[0] if sexes else None)
    doc = {
        "individuals": individuals,
        "warnings": sampleqc.warnings(stats, sexes, thresholds),
        "mendelian": {"evaluated": mendel.evaluated, "informative_sites": mendel.informative, "errors": mendel.errors,
                      "rate": mendel.rate, "explanation": mendel.explanation, "examples": list(mendel.examples)},
        "hard_failures": failures,
    }  # fmt: skip
    proband = record.whole_vcf.get(record.case.vcf_sample, unknown)
    return doc, Sex(proband["sex"]), proband["sex_evidence"], failures
