"""Sample QC of a case's extract: per individual sex (from the extract stage), panel call statistics, the
trio's Mendelian check, and the hard QC failures that fail the case."""

from __future__ import annotations

from pidtriage.config import Config
from pidtriage.io.genotype_table import GenotypeTable
from pidtriage.models import Role, Sex, SexCheck
from pidtriage.qc import sample as sampleqc
from pidtriage.result.case_result import IndividualQc, MendelianResult
from pidtriage.stages.record import SampleQc, StageRecord, WholeVcfSample, family_of

__all__ = ["sample_qc"]


def sample_qc(record: StageRecord, table: GenotypeTable, config: Config) -> tuple[SampleQc, Sex, str]:
    """Per-individual QC (sex from the extract stage, panel call statistics, the Mendelian check) with its
    warnings and hard failures, and the proband's inferred sex with its evidence."""
    thresholds = config.get("qc")
    samples = record.samples_in_vcf
    family = family_of(record, config)
    mendel = sampleqc.mendelian_check(table, samples, family.father, family.mother, min_gq=int(thresholds["min_gq"]),
                                      min_sites=int(thresholds["min_sites_for_mendelian"]))
    roles = {record.case.vcf_sample: Role.PROBAND, family.father: Role.FATHER, family.mother: Role.MOTHER}
    reported = {record.case.vcf_sample: record.case.sex, family.father: Sex.MALE, family.mother: Sex.FEMALE}
    unknown = WholeVcfSample()
    individuals = []
    for i, sample in enumerate(samples):
        whole = record.whole_vcf.get(sample, unknown)
        individuals.append(IndividualQc(
            sample=sample, role=roles.get(sample, Role.RELATIVE), sex_reported=reported[sample],
            sex_inferred=whole.sex, sex_check=SexCheck.of(reported[sample], whole.sex), sex_evidence=whole.sex_evidence,
            records_in_vcf=whole.records_in_vcf, panel=sampleqc.call_stats(table, i).panel_calls()))
    stats = sampleqc.call_stats(table, 0)
    failures = sampleqc.hard_failures(stats, mendel, thresholds, sample=record.case.vcf_sample, vcf=record.case.vcf,
                                      sex=individuals[0] if individuals else None)
    qc = SampleQc(
        individuals=tuple(individuals), warnings=tuple(sampleqc.warnings(stats, individuals, thresholds)),
        mendelian=MendelianResult(evaluated=mendel.evaluated, informative_sites=mendel.informative,
                                  errors=mendel.errors, rate=mendel.rate, explanation=mendel.explanation,
                                  examples=mendel.examples),
        hard_failures=tuple(failures))
    proband = record.whole_vcf.get(record.case.vcf_sample, unknown)
    return qc, proband.sex, proband.sex_evidence
