"""Each stage of one case, in process, on the demo trio P03 (DCLRE1C compound heterozygote, parents in the same
VCF): what each stage adds to the stage record, that the record survives its JSON round trip between stages, and
the case boundary (a user error or an unexpected exception becomes the case's failed record, never a crash)."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest

from pidtriage.config import Config, load_config
from pidtriage.io.samples import cases_from_rows, read_sample_sheet
from pidtriage.models import CaseInfo, Finding, Role, Sex, SexCheck, Status
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import CoverageSection
from pidtriage.result.schema import validate_result
from pidtriage.stages import (
    StageRecord,
    annotate_stage,
    coverage_stage,
    extract_stage,
    family_of,
    load_panel,
    read_stage,
    triage_stage,
    validate_stage,
    write_stage,
)
from pidtriage.stages.record import input_named, unexpected_failure
from pidtriage.stages.sample_qc import sample_qc
from pidtriage.stages.variants import VARIANT_COLUMNS


@pytest.fixture(scope="module")
def project(demo_data: Path, repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project directory laid out as the repository's (demo/data, gene_panels, config/samples.tsv)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(demo_data, root / "demo" / "data")
    shutil.copytree(repo / "gene_panels", root / "gene_panels")
    (root / "config").mkdir()
    shutil.copy(repo / "config/samples.tsv", root / "config/samples.tsv")
    shutil.copy(repo / "config/config.yaml", root / "config/config.yaml")
    return root


@pytest.fixture(scope="module")
def config(project: Path) -> Config:
    return load_config(project / "config/config.yaml", base_dir=project)


@pytest.fixture(scope="module")
def panel(config: Config) -> Panel:
    return load_panel(config)


def _case(project: Path, sample_id: str) -> CaseInfo:
    rows = read_sample_sheet(project / "config/samples.tsv")
    return {c.sample_id: c for c in cases_from_rows(rows, base_dir=project)}[sample_id]


@pytest.fixture(scope="module")
def trio(project: Path, config: Config, panel: Panel, tmp_path_factory: pytest.TempPathFactory
         ) -> dict[str, StageRecord]:
    work = tmp_path_factory.mktemp("work")
    validated = validate_stage(_case(project, "P03"), config)
    extracted = extract_stage(validated, config, panel, out_vcf=work / "panel.vcf.gz", workdir=work, jobs=1)
    annotated = annotate_stage(extracted, config, panel)
    return {"validated": validated, "extracted": extracted, "annotated": annotated}


def test_validate_names_the_build_and_the_family(trio: dict[str, StageRecord]) -> None:
    r = trio["validated"]
    assert r.failure == ""
    assert r.build == "GRCh38"
    assert r.samples_in_vcf[0] == "P03" and set(r.samples_in_vcf) == {"P03", "P03_F", "P03_M"}


def test_extract_writes_the_panel_vcf_and_infers_each_individuals_sex(trio: dict[str, StageRecord]) -> None:
    r = trio["extracted"]
    assert Path(r.extracted_vcf).exists()
    assert {s: v.sex for s, v in r.whole_vcf.items()} == {"P03": Sex.MALE, "P03_F": Sex.MALE, "P03_M": Sex.FEMALE}


def test_annotate_runs_sample_qc_and_records_the_scope(trio: dict[str, StageRecord]) -> None:
    r = trio["annotated"]
    assert r.failure == "" and r.variants and r.n_records_in_panel >= len(r.variants)
    assert r.sex_inferred == Sex.MALE and r.sample_qc is not None and r.sample_qc.mendelian is not None
    # the demo trio's panel regions have too few informative sites for the Mendelian check: said, not guessed
    assert r.sample_qc.mendelian.evaluated is False
    assert "informative sites" in r.sample_qc.mendelian.explanation
    assert [i.role for i in r.sample_qc.individuals] == [Role.PROBAND, Role.FATHER, Role.MOTHER]
    assert r.scope is not None and r.scope.summary
    assert any(v.symbol == "DCLRE1C" for v in r.variants)


def test_the_stage_record_round_trips_through_json(trio: dict[str, StageRecord], tmp_path: Path) -> None:
    write_stage(tmp_path / "record.json", trio["annotated"])
    assert read_stage(tmp_path / "record.json") == trio["annotated"]


def test_sample_qc_on_its_own(trio: dict[str, StageRecord], config: Config) -> None:
    from pidtriage.io.genotype_table import genotype_table
    from pidtriage.io.vcf import read_header

    r = trio["extracted"]
    table = genotype_table(r.extracted_vcf, r.samples_in_vcf, formats=read_header(r.extracted_vcf).formats)
    qc, sex, evidence = sample_qc(r, table, config)
    assert sex == Sex.MALE and evidence
    assert qc.hard_failures == ()
    assert qc.individuals[0].sex_check == SexCheck.MATCH


def test_triage_gives_a_valid_triage_json_and_the_variants_table(trio: dict[str, StageRecord], config: Config,
                                                                 panel: Panel) -> None:
    result, variants = triage_stage(trio["annotated"], config, panel)
    validate_result(result)
    assert result.status == Status.POSITIVE
    assert (result.findings[0].gene, result.findings[0].finding) == ("DCLRE1C", Finding.AR_COMPOUND_HET)
    lines = variants.splitlines()
    assert lines[0].split("\t") == list(VARIANT_COLUMNS)
    fates = [line.split("\t")[-1] for line in lines[1:]]
    assert sum(f.startswith("kept: candidate") for f in fates) == 2, fates
    assert "dropped: not carried by the proband" in fates


def test_family_of_reads_parents_and_their_status(trio: dict[str, StageRecord], config: Config) -> None:
    family = family_of(trio["annotated"], config)
    assert (family.father, family.mother) == ("P03_F", "P03_M")
    assert family.father_status == family.mother_status == "unaffected"
    assert not family.parentage_checked  # the Mendelian check could not be evaluated (too few sites)


def test_coverage_without_a_file_is_not_provided(trio: dict[str, StageRecord], config: Config, panel: Panel) -> None:
    assert coverage_stage(trio["validated"], config, panel) == CoverageSection(provided=False, source="")


def test_coverage_of_an_unsupported_file_is_a_warning_not_a_failure(trio: dict[str, StageRecord], config: Config,
                                                                   panel: Panel, tmp_path: Path) -> None:
    odd = tmp_path / "depth.txt"
    odd.write_text("x\n")
    record = dataclasses.replace(trio["validated"], case=dataclasses.replace(trio["validated"].case, coverage=str(odd)))
    out = coverage_stage(record, config, panel)
    assert out.provided is True and out.error is not None and "mosdepth" in out.error


def test_a_missing_vcf_fails_the_case_with_its_name(project: Path, config: Config, panel: Panel) -> None:
    case = dataclasses.replace(_case(project, "P06"), vcf=str(project / "demo/data/absent.vcf.gz"))
    record = validate_stage(case, config)
    assert "absent.vcf.gz" in record.failure
    result, variants = triage_stage(record, config, panel)
    validate_result(result)
    assert result.status == Status.FAILED and "absent.vcf.gz" in result.reason
    assert variants == "\t".join(VARIANT_COLUMNS) + "\n"


def test_a_failed_record_passes_every_later_stage_unchanged(project: Path, config: Config, panel: Panel,
                                                          tmp_path: Path) -> None:
    failed = StageRecord(case=_case(project, "P06"), failure="x.vcf: broken; fix it")
    extracted = extract_stage(failed, config, panel, out_vcf=tmp_path / "p.vcf.gz", workdir=tmp_path, jobs=1)
    assert extracted.failure == failed.failure and extracted.whole_vcf == {}
    annotated = annotate_stage(extracted, config, panel)
    assert annotated.failure == failed.failure and annotated.variants == ()


def test_an_unexpected_exception_becomes_the_cases_failed_record(project: Path, config: Config, panel: Panel,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import pidtriage.stages.annotate as annotate_module

    def boom(*args: object, **kwargs: object) -> None:
        raise ValueError("a value we did not foresee")

    monkeypatch.setattr(annotate_module, "_annotate_stage", boom)
    record = annotate_stage(StageRecord(case=_case(project, "P06")), config, panel)
    assert record.failure.startswith(f"{record.case.vcf}: unexpected error in the annotate step")
    assert "ValueError: a value we did not foresee" in record.failure


def test_unexpected_failure_keeps_the_reason_on_one_line() -> None:
    case = CaseInfo(sample_id="S", vcf="s.vcf.gz", vcf_sample="S", sex=Sex.FEMALE)
    record = unexpected_failure("extract", StageRecord(case=case), ValueError("line one\nline two"))
    assert "\n" not in record.failure and "ValueError" in record.failure and "line one line two" in record.failure


def test_input_named_replaces_a_working_copy_with_the_input(tmp_path: Path) -> None:
    case = CaseInfo(sample_id="S", vcf="/data/s.vcf.gz", vcf_sample="S", sex=Sex.FEMALE)
    work = tmp_path / "work"
    text = input_named(ValueError(f"{work}/link.vcf.gz: truncated file"), StageRecord(case=case), work)
    assert text == "/data/s.vcf.gz: truncated file"


@pytest.mark.parametrize(("reported", "inferred", "expected"), [
    (Sex.MALE, Sex.MALE, "match"), (Sex.MALE, Sex.FEMALE, "mismatch"), (Sex.UNKNOWN, Sex.FEMALE, "reported_unknown"),
    (Sex.FEMALE, Sex.UNKNOWN, "not_inferred"),
])
def test_sex_check(reported: Sex, inferred: Sex, expected: str) -> None:
    assert SexCheck.of(reported, inferred) == expected


# --- the steps' records: an opt-in debug dump (issue #32, item 4) ---------------------------------------------------

def test_a_case_writes_no_step_records_unless_asked(project: Path, config: Config, panel: Panel,
                                                    tmp_path: Path) -> None:
    from pidtriage.stages.case import CasePaths, run_case

    paths = CasePaths.workflow(tmp_path / "work", "P03", tmp_path / "cases/P03")
    with open(os.devnull, "w") as log:
        result = run_case(_case(project, "P03"), config, panel, paths, log=log)
    assert result.status == Status.POSITIVE and paths.panel_vcf.exists()
    assert not [p for p in (paths.validate, paths.coverage, paths.extract, paths.annotate) if p.exists()]


def test_step_records_rerun_one_step_to_the_same_result(project: Path, config: Config, panel: Panel,
                                                        tmp_path: Path) -> None:
    """With the records asked for, the triage step run alone from the annotate record (as `pidtriage triage
    --record` does) gives the case's result of the whole run."""
    from pidtriage.io.jsonio import to_jsonable
    from pidtriage.result.case_result import read_result
    from pidtriage.stages.case import CasePaths, run_case

    paths = CasePaths.workflow(tmp_path / "work", "P03", tmp_path / "cases/P03")
    with open(os.devnull, "w") as log:
        run_case(_case(project, "P03"), config, panel, paths, log=log, step_records=True)
    assert all(p.exists() for p in (paths.validate, paths.coverage, paths.extract, paths.annotate))
    annotated = read_stage(paths.annotate)
    assert annotated.extract is None and annotated.inputs == ()  # in memory only: read again from the files
    alone, _ = triage_stage(annotated, config, panel)
    assert to_jsonable(alone) == to_jsonable(read_result(paths.case_dir / "triage.json"))
