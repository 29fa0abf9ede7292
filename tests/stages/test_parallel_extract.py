"""The speed paths (issue #9) must not change a result: the forked extraction in contig groups gives the same
panel VCF, genotype table and sample QC as one process; a child's failure reaches the caller as its own error."""

from __future__ import annotations

import gzip
import os

import numpy as np
import pytest

from pidtriage.config import load_config
from pidtriage.errors import VcfFormatError
from pidtriage.io.bcftools import split_by_contig
from pidtriage.io.genotype_table import GenotypeTable, _query_table
from pidtriage.models import CaseInfo, Sex
from pidtriage.stages import annotate_stage, extract_stage, load_panel, validate_stage
from pidtriage.stages.parallel import fork_call


def _boom(message: str) -> None:
    raise VcfFormatError(message)


class _Unpicklable(Exception):
    def __init__(self, a: int, b: int) -> None:  # pickle cannot rebuild it from args
        super().__init__(f"{a}+{b}")


def _count(calls: list[int]) -> int:
    calls.append(1)  # in a child, the parent's list is not touched
    return os.getpid()


def _unpicklable() -> None:
    raise _Unpicklable(1, 2)


def test_fork_call_returns_and_raises():
    assert fork_call(os.getpid).result() != os.getpid()  # it did run in another process
    assert fork_call(os.getpid, fork=False).result() == os.getpid()
    assert fork_call(sorted, [3, 1, 2], reverse=True).result() == [3, 2, 1]
    with pytest.raises(VcfFormatError, match=r"x\.vcf: broken"):
        fork_call(_boom, "x.vcf: broken").result()
    with pytest.raises(RuntimeError, match="_Unpicklable"):
        fork_call(_unpicklable).result()
    for fork in (True, False):  # asked twice: the same answer, the call not run again
        calls: list[int] = []
        once = fork_call(_count, calls, fork=fork)
        assert once.result() == once.result() and len(calls) == (0 if fork else 1)
        failing = fork_call(_boom, "y", fork=fork)
        for _ in range(2):
            with pytest.raises(VcfFormatError):
                failing.result()


def test_cancel_stops_and_reaps_the_child():
    import time

    child = fork_call(time.sleep, 30)
    pid = child._pid
    started = time.monotonic()
    child.cancel()
    assert time.monotonic() - started < 5
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no zombie left behind
    with pytest.raises(RuntimeError, match="cancelled"):
        child.result()
    child.cancel()  # twice is harmless
    finished = fork_call(os.getpid)
    value = finished.result()
    finished.cancel()  # after a result: nothing to stop, the result stays
    assert finished.result() == value


def test_split_by_contig_balances_whole_contigs():
    regions = [("1", 0, 100, "a"), ("1", 200, 300, "b"), ("2", 0, 50, "c"), ("X", 0, 400, "d"), ("Y", 0, 10, "e")]
    halves = split_by_contig(regions, 2)
    assert [sorted({r[0] for r in h}) for h in halves] == [["1", "2"], ["X", "Y"]]
    assert [r for h in halves for r in h] == regions  # every region once, in order
    assert split_by_contig(regions, 1) == [regions]
    assert split_by_contig(regions[:2], 2) == [regions[:2]]  # one contig cannot be split
    assert split_by_contig([], 2) == [[]]


@pytest.mark.parametrize(("vcf", "proband", "parents"), [
    ("exomiser_Pfeiffer_exome.GRCh37.vcf.gz", "manuel", ()),  # one sample: norm -R in one pass
    ("giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz", "HG002", ("HG003", "HG004")),  # view -s | norm
])  # fmt: skip
def test_two_jobs_give_what_one_gives(shared_data, tmp_path, capfd, vcf, proband, parents):
    config = load_config(None, overrides={"genome_build": "GRCh37"})
    panel = load_panel(config)
    path = str(shared_data / "vcf" / vcf)
    father, mother = parents or ("", "")
    case = CaseInfo(sample_id=proband, vcf=path, vcf_sample=proband, sex=Sex.MALE, father_id=father,
                    mother_id=mother, father_vcf_sample=father, mother_vcf_sample=mother,
                    father_vcf=path if father else "", mother_vcf=path if mother else "")
    out = {}
    for jobs in (1, 2, 1, 2):  # twice each, in the same directory: a rerun over the last run's files
        work = tmp_path / f"jobs{jobs}"
        record = extract_stage(validate_stage(case, config), config, panel, out_vcf=work / "p.vcf.gz", workdir=work,
                               jobs=jobs)
        assert not record.failure
        out[jobs] = (record, annotate_stage(record, config, panel))
        assert sorted(p.name for p in work.iterdir() if "group" in p.name) == []  # the group files are gone
    assert "older than the data file" not in capfd.readouterr().err  # the index is never older than its VCF
    with gzip.open(out[1][0].extracted_vcf, "rt") as a, gzip.open(out[2][0].extracted_vcf, "rt") as b:
        assert a.read() == b.read()
    one, two = out[1][1], out[2][1]
    assert one.n_records_in_panel == two.n_records_in_panel > 100
    assert one.sample_qc == two.sample_qc and one.whole_vcf == two.whole_vcf
    assert [v.variant.key for v in one.variants] == [v.variant.key for v in two.variants]
    assert os.path.exists(f"{out[2][0].extracted_vcf}.tbi")


def test_failure_beside_the_child_stops_it(shared_data, tmp_path, monkeypatch):
    """When the parent's part fails, the extraction child is stopped: it must not write the panel VCF after the
    case was reported failed (the failed case keeps its header-only VCF)."""
    import time

    import pidtriage.stages.extract

    def broken(*_args, **_kwargs):
        raise VcfFormatError("x.vcf: broken chrX")

    monkeypatch.setattr(pidtriage.stages.extract, "whole_vcf_qc", broken)
    config = load_config(None, overrides={"genome_build": "GRCh37"})
    path = str(shared_data / "vcf/exomiser_Pfeiffer_exome.GRCh37.vcf.gz")
    case = CaseInfo(sample_id="manuel", vcf=path, vcf_sample="manuel", sex=Sex.MALE)
    out = tmp_path / "p.vcf.gz"
    record = extract_stage(validate_stage(case, config), config, load_panel(config), out_vcf=out, workdir=tmp_path,
                           jobs=2)
    assert record.failure == "x.vcf: broken chrX"
    time.sleep(1.5)  # longer than the extraction takes
    with gzip.open(out, "rt") as fh:
        assert [line for line in fh if not line.startswith("#")] == []


def test_parents_in_their_own_vcfs_two_jobs(shared_data, tmp_path):
    """Each VCF's extraction forked in turn (no table read in the child), then merged: as with one process."""
    import pysam.bcftools

    trio = str(shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz")
    own = {}
    for name in ("HG002", "HG003", "HG004"):
        own[name] = str(tmp_path / f"{name}.vcf.gz")
        pysam.bcftools.view("-s", name, "-Oz", "-o", own[name], trio, catch_stdout=False)
        pysam.bcftools.index("-t", own[name])
    config = load_config(None, overrides={"genome_build": "GRCh37"})
    panel = load_panel(config)
    case = CaseInfo(sample_id="HG002", vcf=own["HG002"], vcf_sample="HG002", sex=Sex.MALE, father_id="HG003",
                    mother_id="HG004", father_vcf_sample="HG003", mother_vcf_sample="HG004", father_vcf=own["HG003"],
                    mother_vcf=own["HG004"])
    records = []
    for jobs in (1, 2):
        work = tmp_path / f"jobs{jobs}"
        validated = validate_stage(case, config)
        assert len(validated.parent_vcfs) == 2
        record = extract_stage(validated, config, panel, out_vcf=work / "p.vcf.gz", workdir=work, jobs=jobs)
        assert not record.failure
        records.append(annotate_stage(record, config, panel))
    with gzip.open(records[0].extracted_vcf, "rt") as a, gzip.open(records[1].extracted_vcf, "rt") as b:
        assert a.read() == b.read()
    assert records[0].sample_qc == records[1].sample_qc and records[0].whole_vcf == records[1].whole_vcf
    assert records[0].samples_in_vcf == ("HG002", "HG003", "HG004")


def test_table_keeps_long_alleles_as_strings(shared_data):
    """One long indel must not widen every cell (the table once was a single fixed-width string array)."""
    path = str(shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz")
    t = _query_table(path, ["HG002", "HG003"], formats=["GT", "GQ", "DP"], regions="1:1-5000000")
    assert len(t) > 100 and t.ref.dtype == object and t.alt.dtype == object
    assert t.chrom.dtype.itemsize <= 4 * 2  # "1" or "2", not the width of the longest allele
    assert t.dosage.shape == (len(t), 2) and set(np.unique(t.dosage)) <= {-1, 0, 1, 2}
    snv = t.snv_mask()
    assert all(len(r) == 1 and len(a) == 1 for r, a in zip(t.ref[snv], t.alt[snv], strict=True))
    both = GenotypeTable.concat([t.rows(t.pos < 2_000_000), t.rows(t.pos >= 2_000_000)])
    assert both.pos.tolist() == t.pos.tolist() and both.alt.tolist() == t.alt.tolist()
