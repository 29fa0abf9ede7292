"""Sample QC on small inputs, one situation per test: the sex decision on counts (sex.combine_sex), the Mendelian
check on a tiny genotype table, and the hard failures at their thresholds (sampleqc)."""

from __future__ import annotations

import numpy as np
import pytest

from pidtriage.config import load_config
from pidtriage.io.genotype_table import GenotypeTable
from pidtriage.models import Role, Sex, SexCheck
from pidtriage.qc.sample import CallStats, MendelianCheck, call_stats, hard_failures, mendelian_check
from pidtriage.qc.sex import combine_sex
from pidtriage.result.case_result import IndividualQc

QC = load_config().values["qc"]


def table(dosages: list[list[int]], *, chrom: str = "1", gq: float = 60.0, passed: bool = True) -> GenotypeTable:
    """One record per row of `dosages` (columns: proband, father, mother), SNVs A>G, all diploid."""
    d = np.array(dosages, dtype=np.int8)
    n = len(d)
    return GenotypeTable(chrom=np.array([chrom] * n), pos=np.arange(1, n + 1) * 100, ref=np.array(["A"] * n, dtype=object),
                         alt=np.array(["G"] * n, dtype=object), passed=np.array([passed] * n),
                         dosage=d, diploid=np.ones_like(d, dtype=bool), gq=np.full(d.shape, gq), dp=np.full(d.shape, 30.0))


# --- sex ----------------------------------------------------------------------------------------------------------

def test_male_from_chrx_homozygosity_and_chry_calls():
    s = combine_sex(x_calls=40, x_het=1, y_calls=5, y_sites=10, y_dp=[30, 31], thresholds=QC)
    assert s.inferred == Sex.MALE and "1/40 bins" in s.explanation


def test_female_from_chrx_heterozygosity_and_no_chry_reads():
    s = combine_sex(x_calls=40, x_het=20, y_calls=0, y_sites=8, y_dp=[0, 1, 0], thresholds=QC)
    assert s.inferred == Sex.FEMALE


def test_too_few_chrx_bins_decide_nothing():
    s = combine_sex(x_calls=9, x_het=0, y_calls=0, y_sites=0, y_dp=[], thresholds=QC)
    assert s.inferred == Sex.UNKNOWN and "(< 10 needed)" in s.explanation


def test_conflicting_x_and_y_are_not_a_sex():
    s = combine_sex(x_calls=40, x_het=20, y_calls=5, y_sites=10, y_dp=[30], thresholds=QC)
    assert s.inferred == Sex.UNKNOWN and "conflicting evidence" in s.explanation


def test_chrx_fraction_between_the_ranges_is_undecided_by_x():
    s = combine_sex(x_calls=40, x_het=6, y_calls=0, y_sites=0, y_dp=[], thresholds=QC)  # 0.15: between 0.1 and 0.25
    assert s.inferred == Sex.UNKNOWN and "between the male and female ranges" in s.explanation


# --- Mendelian check ------------------------------------------------------------------------------------------------

def test_consistent_trio_has_no_error():
    t = table([[1, 1, 0], [2, 1, 1], [1, 0, 2], [0, 1, 1]] * 5)
    m = mendelian_check(t, ["kid", "dad", "mum"], "dad", "mum", min_gq=20, min_sites=20)
    assert m.evaluated and m.errors == 0 and m.informative == 20


def test_child_allele_no_parent_has_is_an_error():
    t = table([[1, 0, 0]] + [[1, 1, 0]] * 19)
    m = mendelian_check(t, ["kid", "dad", "mum"], "dad", "mum", min_gq=20, min_sites=20)
    assert m.errors == 1 and m.examples == ("1:100:A:G",)


def test_homozygous_child_of_a_reference_parent_is_an_error():
    t = table([[2, 0, 1]] + [[1, 1, 0]] * 19)
    assert mendelian_check(t, ["kid", "dad", "mum"], "dad", "mum", min_gq=20, min_sites=20).errors == 1


def test_low_gq_and_sex_chromosome_sites_are_not_informative():
    t = table([[1, 0, 0]] * 30, gq=10)
    assert mendelian_check(t, ["kid", "dad", "mum"], "dad", "mum", min_gq=20, min_sites=20).informative == 0
    t = table([[1, 0, 0]] * 30, chrom="chrX")
    assert mendelian_check(t, ["kid", "dad", "mum"], "dad", "mum", min_gq=20, min_sites=20).informative == 0


def test_too_few_sites_is_not_evaluated():
    t = table([[1, 0, 0]] * 19)
    m = mendelian_check(t, ["kid", "dad", "mum"], "dad", "mum", min_gq=20, min_sites=20)
    assert not m.evaluated and m.explanation == "19 informative sites in the panel regions (< 20 needed)"


# --- hard failures ----------------------------------------------------------------------------------------------------

def _stats(nonref: int, filtered_fraction: float) -> CallStats:
    return CallStats(records=nonref, nonref=nonref, het=nonref, filtered=round(nonref * filtered_fraction))


@pytest.mark.parametrize(("rate", "failed"), [(0.1, False), (0.11, True)])
def test_mendelian_error_rate_fails_the_case_above_the_threshold(rate, failed):
    mendel = MendelianCheck(100, int(rate * 100), True, f"{int(rate * 100)}/100")
    out = hard_failures(_stats(50, 0.0), mendel, QC, sample="kid", vcf="trio.vcf.gz")
    assert bool(out) == failed
    if failed:
        assert out[0].startswith("trio.vcf.gz: Mendelian-error rate 11.0% > 10%") and "father_id/mother_id" in out[0]


@pytest.mark.parametrize(("nonref", "fraction", "failed"), [(100, 0.5, False), (100, 0.51, True), (19, 0.9, False)])
def test_filtered_fraction_fails_the_case_above_the_threshold_with_enough_calls(nonref, fraction, failed):
    out = hard_failures(_stats(nonref, fraction), MendelianCheck(), QC, sample="kid", vcf="kid.vcf.gz")
    assert bool(out) == failed


def test_call_stats_count_het_and_hom():
    stats = call_stats(table([[1, 0, 0], [2, 0, 0], [0, 0, 0], [-1, 0, 0]]), 0)
    assert (stats.nonref, stats.het, stats.hom, stats.missing) == (2, 1, 1, 1)


# --- sample-level verdicts: the swapped proband fails, other signals warn -------------------------------------------

def _sex(role: str, check: str, evidence: str = "chrX: heterozygous calls in 20/40 bins") -> IndividualQc:
    inferred = {"mismatch": Sex.FEMALE, "match": Sex.MALE, "not_inferred": Sex.UNKNOWN}[check]
    return IndividualQc(sample="S1", role=Role(role), sex_reported=Sex.MALE, sex_inferred=inferred,
                        sex_check=SexCheck(check), sex_evidence=evidence)


def test_a_proband_whose_data_contradict_the_reported_sex_fails_the_case():
    out = hard_failures(CallStats(), MendelianCheck(), QC, sample="S1", vcf="s.vcf", sex=_sex("proband", "mismatch"))
    assert len(out) == 1 and out[0].startswith("s.vcf: S1 is reported male but the data suggest female")
    assert "set sex to unknown in the sample sheet" in out[0]
    assert hard_failures(CallStats(), MendelianCheck(), QC, sample="S1", vcf="s.vcf", sex=_sex("proband", "match")) == []


def test_a_parents_sex_mismatch_and_conflicting_sex_evidence_are_warnings():
    from pidtriage.qc.sample import warnings

    conflicting = _sex("proband", "not_inferred", "conflicting evidence: chrX ... suggests female, chrY ... male")
    out = warnings(CallStats(), [conflicting, _sex("father", "mismatch")], QC)
    assert out[0].startswith("sex could not be inferred: conflicting evidence") and "mixed or contaminated" in out[0]
    assert out[1].startswith("father S1: reported male but the data suggest female")


def test_low_ti_tv_warns_at_its_threshold_with_enough_snvs():
    from pidtriage.qc.sample import warnings

    assert QC["min_ti_tv"] == 1.6 and QC["min_snvs_for_ti_tv"] == 100
    low = CallStats(records=100, nonref=100, snv_ti=60, snv_tv=40)  # Ti/Tv 1.5
    at = CallStats(records=104, nonref=104, snv_ti=64, snv_tv=40)  # Ti/Tv 1.6: not below
    few = CallStats(records=99, nonref=99, snv_ti=50, snv_tv=49)  # 99 SNVs: not judged
    assert warnings(low, [], QC)[0].startswith("Ti/Tv of the proband's 100 panel SNVs is 1.5 (< 1.6)")
    assert warnings(at, [], QC) == [] and warnings(few, [], QC) == []


def test_many_missing_genotypes_warn():
    from pidtriage.qc.sample import warnings

    n = QC["min_records_for_missing"]
    assert warnings(CallStats(records=n, missing=int(n * 0.3)), [], QC)[0].startswith(
        f"the proband's genotype is missing at 30% of the {n} panel records")
    assert warnings(CallStats(records=n, missing=int(n * 0.2)), [], QC) == []
