"""Per-case and cohort subcommands: validate, extract, annotate, triage, report, cohort, and `run` (all steps).

The stage commands take the case from the sample sheet (`--samples` and `--sample-id`) and pass a stage
record (JSON) to the next; a user error becomes a failed record, written, with exit status 0, so one bad
input never stops a cohort. `pidtriage run` exits 2 with the one-line reason when the case failed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_parsers"]


_RAW = argparse.RawDescriptionHelpFormatter


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--configfile", metavar="YAML",
                   help="the run's config (keys: config/README.md; default: the schema's defaults, no resources)")
    p.add_argument("--config-base", default=None, metavar="DIR",
                   help="directory the config's relative paths refer to (default: the current directory)")


def _threads(p: argparse.ArgumentParser) -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    p.add_argument("--threads", type=int, default=min(2, cpus), metavar="N",
                   help="processes for the extraction (default: 2, or 1 when only one CPU is available)")


def _from_sheet(p: argparse.ArgumentParser) -> None:
    p.add_argument("--samples", required=True, metavar="TSV", help="the sample sheet (tab-separated; config/README.md)")
    p.add_argument("--sample-id", required=True, metavar="ID", help="the case: an affected individual of the sheet")


def _previous(p: argparse.ArgumentParser) -> None:
    p.add_argument("--previous", default="", metavar="JSON",
                   help="the case's triage.json of a previous run: report what changed (absent: a new case)")


def _step_records(p: argparse.ArgumentParser, where: str) -> None:
    p.add_argument("--step-records", action="store_true",
                   help=f"also write each step's record ({where}), to rerun one step alone while debugging "
                        "(config step_records); nothing reads them")


def _record(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--record", required=True, metavar="JSON", help=f"the {what} step's stage record")
    p.add_argument("--out", required=True, metavar="JSON", help="this step's stage record (written)")


def add_parsers(sub: Any) -> None:
    """The per-case steps (as Snakemake runs them), the report and cohort steps, and `run`."""
    _add_step_parsers(sub)
    _add_case_parser(sub)
    _add_joint_parser(sub)
    _add_output_parsers(sub)
    _add_run_parser(sub)


def _add_step_parsers(sub: Any) -> None:
    v = sub.add_parser("validate", help="check a case's input (VCF, sample, build)", formatter_class=_RAW,
                       epilog="example:\n  pidtriage validate --configfile config.yaml --samples samples.tsv "
                              "--sample-id P01 --out work/P01/validate.json")
    _common(v)
    _from_sheet(v)
    v.add_argument("--out", required=True, metavar="JSON", help="the stage record (written)")
    v.set_defaults(func=cmd_validate)

    e = sub.add_parser("extract", help="panel regions of a case's VCF (bcftools through pysam)", formatter_class=_RAW,
                       epilog="example:\n  pidtriage extract --configfile config.yaml --record work/P01/validate.json "
                              "--out-vcf work/P01/panel.vcf.gz --out work/P01/extract.json --workdir work/P01")
    _common(e)
    _record(e, "validate")
    e.add_argument("--out-vcf", required=True, metavar="VCF.GZ", help="the panel regions of the family, normalised")
    e.add_argument("--workdir", required=True, metavar="DIR", help="for index links and temporary parts")
    _threads(e)
    e.set_defaults(func=cmd_extract)

    a = sub.add_parser("annotate", help="gene, consequence, ClinVar, population frequency and sample QC",
                       formatter_class=_RAW, epilog="example:\n  pidtriage annotate --configfile config.yaml --record "
                                                    "work/P01/extract.json --out work/P01/annotate.json")
    _common(a)
    _record(a, "extract")
    a.set_defaults(func=cmd_annotate)

    cv = sub.add_parser("coverage", help="coverage of the panel genes' exons (BAM/CRAM, or a mosdepth per-base bed.gz)",
                        formatter_class=_RAW, epilog="example:\n  pidtriage coverage --configfile config.yaml --record "
                                                     "work/P01/validate.json --out work/P01/coverage.json")
    _common(cv)
    _record(cv, "validate")
    cv.set_defaults(func=cmd_coverage)

    t = sub.add_parser("triage", help="QC, inheritance, ACMG evidence, ranking, status → triage.json",
                       formatter_class=_RAW, epilog="example:\n  pidtriage triage --configfile config.yaml --record "
                       "work/P01/annotate.json --coverage work/P01/coverage.json --out results/cases/P01/triage.json")
    _common(t)
    _record(t, "annotate")
    t.add_argument("--coverage", default=None, metavar="JSON", help="the coverage step's output (optional)")
    _previous(t)
    t.set_defaults(func=cmd_triage)



def _add_case_parser(sub: Any) -> None:
    c = sub.add_parser("case", help="one case of the sheet, every step in one process (the workflow's per-case job)",
                       formatter_class=_RAW,
                       epilog="example:\n  pidtriage case --configfile config.yaml --samples samples.tsv --sample-id P01 "
                              "--workdir results/work --case-dir results/cases/P01\n"
                              "writes WORKDIR/extract/ID.panel.vcf.gz, and triage.json, variants.tsv and the reports "
                              "in CASE_DIR (with --step-records also each step's record, to rerun one step alone)")
    _common(c)
    _from_sheet(c)
    c.add_argument("--workdir", required=True, metavar="DIR", help="the stage records and the panel extract")
    c.add_argument("--case-dir", required=True, metavar="DIR", help="triage.json, variants.tsv and the reports")
    _previous(c)
    c.add_argument("--joint", action="append", default=[], metavar="JSON",
                   help="a joint-called VCF's shared extraction (pidtriage joint): its panel regions are read from "
                        "there, not from the whole VCF again (repeatable)")
    _step_records(c, "WORKDIR/{validate,coverage,extract,annotate}/ID.json")
    _threads(c)
    c.set_defaults(func=cmd_case)


def _add_joint_parser(sub: Any) -> None:
    j = sub.add_parser("joint", help="a joint-called VCF that several cases share, read once for all of them",
                       formatter_class=_RAW,
                       epilog="example:\n  pidtriage joint --configfile config.yaml --samples samples.tsv --vcf cohort.vcf.gz "
                              "--out work/joint/cohort.json --out-bcf work/joint/cohort.panel.bcf --workdir work/joint/cohort\n"
                              "then: pidtriage case ... --joint work/joint/cohort.json")
    _common(j)
    j.add_argument("--samples", required=True, metavar="TSV", help="the sample sheet: the cases that read --vcf")
    j.add_argument("--vcf", required=True, metavar="VCF", help="the joint-called VCF, as the sheet names it")
    j.add_argument("--out", required=True, metavar="JSON", help="the shared extraction's record (written)")
    j.add_argument("--out-bcf", required=True, metavar="BCF", help="the panel regions of the sheet's samples in it")
    j.add_argument("--workdir", required=True, metavar="DIR", help="for its index (when it has none) and region files")
    _threads(j)
    j.set_defaults(func=cmd_joint)


def _add_output_parsers(sub: Any) -> None:
    r = sub.add_parser("report", help="candidates.tsv, report.html and interpretation.json from triage.json",
                       formatter_class=_RAW, epilog="example:\n  pidtriage report results/cases/P01/triage.json "
                                                    "--outdir results/cases/P01 --pdf")
    r.add_argument("triage_json", metavar="TRIAGE_JSON", help="a case's triage.json")
    r.add_argument("--outdir", required=True, metavar="DIR", help="where the case's files are written")
    r.add_argument("--xlsx", action="store_true", help="also candidates.xlsx")
    r.add_argument("--variants-xlsx", action="store_true", help="also variants.xlsx (every panel record)")
    r.add_argument("--pdf", action="store_true", help="also report.pdf (WeasyPrint)")
    r.set_defaults(func=cmd_report)

    c = sub.add_parser("cohort", help="summary.tsv, no_known_defect.tsv and report.html from every triage.json",
                       formatter_class=_RAW, epilog="example:\n  pidtriage cohort results/cases/*/triage.json "
                                                    "--outdir results/cohort --xlsx")
    c.add_argument("triage_jsons", nargs="*", metavar="TRIAGE_JSON", help="every case's triage.json")
    c.add_argument("--outdir", required=True, metavar="DIR", help="where the cohort files are written")
    c.add_argument("--xlsx", action="store_true", help="also summary.xlsx")
    c.add_argument("--previous", default="", metavar="DIR",
                   help="the previous run's output directory: cohort/changes.tsv (and the dashboard) list what changed")
    lost = c.add_argument_group("cases without a triage.json (the workflow's onerror handler passes these)")
    lost.add_argument("--lost", action="append", default=[], metavar="ID",
                      help="a case of --samples whose job ended without a result (killed: out of memory, a time "
                           "limit, a node failure): listed as failed, with what --logs say (repeatable)")
    lost.add_argument("--samples", default="", metavar="TSV", help="the sample sheet (with --lost)")
    _common(c)
    lost.add_argument("--logs", default="", metavar="DIR", help="the run's logs: DIR/case/ID.log for each case")
    lost.add_argument("--snakemake-log", action="append", default=[], metavar="FILE",
                      help="Snakemake's log of the run, for how each job ended (repeatable)")
    c.set_defaults(func=cmd_cohort)



def _add_run_parser(sub: Any) -> None:
    run = sub.add_parser(
        "run", help="one case (and its parents), every step, without Snakemake", formatter_class=_RAW,
        epilog="examples:\n"
               "  pidtriage run --configfile config.yaml --vcf P01.vcf.gz --sample-id P01 --sex male \\\n"
               "      --suspected-category 3 --hpo-terms 'HP:0004432;HP:0002718' --immunophenotype 'B=absent;IgG=low' \\\n"
               "      --outdir results\n"
               "  pidtriage run --configfile config.yaml --vcf trio.vcf.gz --sample-id P03 --sex male \\\n"
               "      --father P03_F --mother P03_M --outdir results      # parents in the same VCF, unaffected\n"
               "  pidtriage run --configfile config.yaml --phenopacket P01.json --outdir results\n"
               "exit status: 0 when the case was analysed (whatever its result), 2 when it failed (the reason is printed)")
    _common(run)
    run.add_argument("--phenopacket", default="", metavar="FILE",
                     help="a GA4GH Phenopacket v2 (JSON/YAML) giving the subject, sex, VCF, HPO terms and "
                          "immunology measurements; options given as well take precedence")
    run.add_argument("--vcf", default="", metavar="VCF", help="the case's VCF (VCF, VCF.gz or BCF; indexed or not)")
    run.add_argument("--sample-id", default="", metavar="ID", help="the case's ID (letters, digits, . _ -)")
    run.add_argument("--sex", default="", choices=["male", "female", "unknown"], help="the reported sex")
    run.add_argument("--outdir", required=True, metavar="DIR", help="results: DIR/cases/ID/ (and DIR/work/ID/)")
    run.add_argument("--vcf-sample", default="", metavar="NAME", help="the case's name in the VCF, if not its ID")
    run.add_argument("--father", default="", metavar="NAME", help="the father's name in the VCF (or in --father-vcf)")
    run.add_argument("--mother", default="", metavar="NAME", help="the mother's name in the VCF (or in --mother-vcf)")
    run.add_argument("--father-vcf", default="", metavar="VCF", help="the father's own VCF, when not in --vcf")
    run.add_argument("--mother-vcf", default="", metavar="VCF", help="the mother's own VCF, when not in --vcf")
    for parent in ("father", "mother"):
        run.add_argument(f"--{parent}-status", default="unaffected", choices=["affected", "unaffected", "unknown"],
                         help=f"the {parent}'s affection status (default: unaffected)")
    run.add_argument("--immunophenotype", default="", metavar="KEY=LEVEL;...",
                     help="IUIS immunophenotype, keys T CD4 CD8 B NK IgG IgA IgM IgE neutrophils, levels absent low "
                          "normal high, e.g. 'T=absent;B=absent;NK=normal'")
    run.add_argument("--suspected-category", default="", metavar="N;...",
                     help="IUIS table number(s) 1-10, ';'-separated, e.g. '3' (predominantly antibody deficiencies)")
    run.add_argument("--hpo-terms", default="", metavar="HP:...;...",
                     help="HPO term IDs the patient has, e.g. 'HP:0004432;HP:0002718'")
    run.add_argument("--hpo-excluded", default="", metavar="HP:...;...",
                     help="HPO term IDs of features known to be absent, e.g. 'HP:0004430'")
    run.add_argument("--sv-vcf", default="", metavar="VCF",
                     help="the case's SV/CNV calls (Manta, DELLY, GATK-SV, gCNV ...): deletions and duplications too")
    run.add_argument("--previous", default="", metavar="DIR",
                     help="a previous run's output directory: report what changed for this case since then")
    run.add_argument("--coverage", default="", metavar="BAM|CRAM|BED.GZ",
                     help="the case's alignments (indexed BAM/CRAM) or mosdepth per-base.bed.gz, for exon coverage")
    _step_records(run, "DIR/work/ID/{validate,coverage,extract,annotate}.json")
    _threads(run)
    run.set_defaults(func=cmd_run)


def _config(args: argparse.Namespace) -> Any:
    from pidtriage.config import load_config

    return load_config(args.configfile, base_dir=args.config_base)


def _sheet_cases(args: argparse.Namespace, config: Any) -> Any:
    """Every case (affected individual) of the sheet `--samples`, by ID."""
    from pidtriage.io.samples import cases_from_rows, read_sample_sheet

    rows = read_sample_sheet(args.samples, pedigree=config.path("pedigree") or None, base_dir=config.base_dir)
    return {c.sample_id: c for c in cases_from_rows(rows, base_dir=config.base_dir)}


def _sheet_case(args: argparse.Namespace, config: Any) -> Any:
    """The case `--sample-id` of the sheet `--samples` (a SampleError when the sheet has no such proband)."""
    from pidtriage.errors import SampleError

    cases = _sheet_cases(args, config)
    if args.sample_id not in cases:
        raise SampleError(f"{args.samples}: no affected individual {args.sample_id!r}")
    return cases[args.sample_id]


def cmd_validate(args: argparse.Namespace) -> int:
    from pidtriage.stages import validate_stage, write_stage

    config = _config(args)
    record = validate_stage(_sheet_case(args, config), config)
    write_stage(args.out, record)
    _log("validate", record)
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    from pidtriage.stages import load_panel
    from pidtriage.stages.case import CasePaths, hold, run_case
    from pidtriage.stages.joint import read_joint

    config = _config(args)
    case = _sheet_case(args, config)
    paths = CasePaths.workflow(args.workdir, case.sample_id, args.case_dir)
    with hold(paths):
        run_case(case, config, load_panel(config), paths, previous=args.previous, jobs=args.threads,
                 joint=read_joint(args.joint), step_records=args.step_records)
    return 0


def cmd_joint(args: argparse.Namespace) -> int:
    from pidtriage.io.jsonio import write_json
    from pidtriage.io.samples import joint_vcfs
    from pidtriage.stages import load_panel
    from pidtriage.stages.joint import joint_extract

    config = _config(args)
    shared = [j for j in joint_vcfs(_sheet_cases(args, config).values()).values()
              if os.path.realpath(j.vcf) == os.path.realpath(args.vcf)]
    samples = shared[0].samples if shared else ()
    _quiet_htslib()
    entry = joint_extract(args.vcf, samples, config, load_panel(config), out_bcf=args.out_bcf, workdir=args.workdir,
                          jobs=args.threads)
    write_json(args.out, entry)
    print(f"pidtriage joint {args.vcf}: " + (f"not used ({entry.error}); each case reads the VCF itself"
          if entry.error else f"{len(entry.samples)} sample(s) of {len(shared[0].cases)} case(s): panel "
          f"regions written to {args.out_bcf}, sex read once for all"), file=sys.stderr)
    return 0


def _log(step: str, record: Any) -> None:
    from pidtriage.stages.record import summary_line

    print(summary_line(step, record), file=sys.stderr)


def _quiet_htslib() -> None:
    from pidtriage.io.vcf import quiet_htslib

    quiet_htslib()


def cmd_extract(args: argparse.Namespace) -> int:
    from pidtriage.stages import extract_stage, load_panel, read_stage, write_stage

    _quiet_htslib()
    config = _config(args)
    record = extract_stage(read_stage(args.record), config, load_panel(config), out_vcf=args.out_vcf,
                           workdir=args.workdir, jobs=args.threads)
    write_stage(args.out, record)
    _log("extract", record)
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    from pidtriage.stages import annotate_stage, load_panel, read_stage, write_stage

    _quiet_htslib()
    config = _config(args)
    record = annotate_stage(read_stage(args.record), config, load_panel(config))
    write_stage(args.out, record)
    _log("annotate", record)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    from pidtriage.io.jsonio import write_json
    from pidtriage.stages import coverage_stage, load_panel, read_stage

    config = _config(args)
    record = read_stage(args.record)
    coverage = coverage_stage(record, config, load_panel(config))
    write_json(args.out, coverage)
    state = ("not provided" if not coverage.provided else coverage.error or
             f"{len(coverage.genes_below or ())} gene(s) below the threshold ({coverage.method or ''})")
    print(f"pidtriage coverage {record.case.sample_id}: {state}", file=sys.stderr)
    return 0


def cmd_triage(args: argparse.Namespace) -> int:
    from pidtriage.io.jsonio import from_jsonable, read_json, write_json, write_text
    from pidtriage.result.case_result import CoverageSection
    from pidtriage.stages import load_panel, read_stage, triage_stage
    from pidtriage.stages.case import triage_line

    _quiet_htslib()
    config = _config(args)
    coverage = from_jsonable(CoverageSection, read_json(args.coverage)) if args.coverage else None
    result, variants = triage_stage(read_stage(args.record), config, load_panel(config), coverage, args.previous)
    write_json(args.out, result)
    write_text(Path(args.out).with_name("variants.tsv"), variants)
    print(triage_line(result), file=sys.stderr)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from pidtriage.report.case_files import write_case_reports
    from pidtriage.result.case_result import read_result

    result = read_result(args.triage_json)
    write_case_reports(result, args.outdir, xlsx=args.xlsx, variants_xlsx=args.variants_xlsx, pdf=args.pdf)
    extra = [name for name, on in (("candidates.xlsx", args.xlsx), ("variants.xlsx", args.variants_xlsx),
                                   ("report.pdf", args.pdf)) if on]
    print(f"pidtriage report {result.sample_id}: {result.status}; wrote candidates.tsv, report.html, "
          f"interpretation.json{''.join(', ' + e for e in extra)} in {args.outdir}", file=sys.stderr)
    return 0


def cmd_cohort(args: argparse.Namespace) -> int:
    from pidtriage.io.jsonio import write_text
    from pidtriage.models import Status
    from pidtriage.report.cohort_files import write_cohort_files
    from pidtriage.report.html import render_cohort
    from pidtriage.report.tables import CHANGE_TABLE, summary_row, table
    from pidtriage.result.case_result import read_result
    from pidtriage.result.changes import cohort_changes, previous_cases

    results = sorted([*(read_result(p) for p in args.triage_jsons), *_lost_results(args)], key=lambda r: r.sample_id)
    if not results:
        from pidtriage.errors import ConfigError

        raise ConfigError("pidtriage cohort: no case given (TRIAGE_JSON files, or --lost with --samples)")
    out = Path(args.outdir)
    changes = cohort_changes(results, previous_cases(args.previous) if args.previous else None)
    # summary.tsv, no_known_defect.tsv (pidtriage.results' frames), MultiQC custom content, IGV sessions
    write_cohort_files(results, out, case_dirs={Path(p).parent.name: Path(p).parent for p in args.triage_jsons})
    write_text(out / "changes.tsv", table(CHANGE_TABLE, changes.rows))
    write_text(out / "report.html", render_cohort(results, [summary_row(r) for r in results], changes))
    if args.xlsx:
        from pidtriage.report.tables import cohort_candidates_tsv, no_known_defect_tsv, summary_tsv
        from pidtriage.report.xlsx import tsv_sheets_to_xlsx

        tsv_sheets_to_xlsx(out / "summary.xlsx", {"summary": summary_tsv(results), "no_known_defect":
                                                  no_known_defect_tsv(results),
                                                  "candidates": cohort_candidates_tsv(results)})
    counts = {s: sum(r.status == s for r in results) for s in Status}
    print(f"pidtriage cohort: {len(results)} case(s): " + ", ".join(f"{n} {s}" for s, n in counts.items())
          + (f"; since {args.previous}: {len(changes.recontact)} to recontact, {len(changes.downgraded)} "
             f"downgraded, {len(changes.added)} added, {len(changes.removed)} removed" if args.previous else "")
          + f"; wrote summary.tsv, no_known_defect.tsv, changes.tsv, report.html, multiqc/, igv_session.xml, igv/ in "
          f"{out}", file=sys.stderr)
    return 0


def _lost_results(args: argparse.Namespace) -> list[Any]:
    """The failed results of the --lost cases (stages/lost.py)."""
    if not args.lost:
        return []
    from pidtriage.stages import load_panel
    from pidtriage.stages.lost import lost_case_result, lost_reason

    if not args.samples:
        from pidtriage.errors import ConfigError

        raise ConfigError("pidtriage cohort: --lost needs --samples (and the run's --configfile)")
    config = _config(args)
    panel, cases = load_panel(config), _sheet_cases(args, config)
    logs = [Path(p) for p in args.snakemake_log]
    return [lost_case_result(cases[sid], config, panel,
                             lost_reason(cases[sid], Path(args.logs) / "case" / f"{sid}.log", logs),
                             str(Path(args.previous) / "cases" / sid / "triage.json") if args.previous else "")
            for sid in args.lost if sid in cases]


def _from_phenopacket(args: argparse.Namespace) -> None:
    """Fill the options not given from --phenopacket (its proband); then require --vcf, --sample-id, --sex."""
    from pidtriage.errors import ConfigError

    if args.phenopacket:
        from pidtriage.io.phenopacket import read_phenopacket

        proband = read_phenopacket(args.phenopacket)[0]
        for option, key in (("vcf", "vcf"), ("sample_id", "sample_id"), ("sex", "sex"), ("vcf_sample", "vcf_sample"),
                            ("hpo_terms", "hpo_terms"), ("hpo_excluded", "hpo_excluded"),
                            ("immunophenotype", "immunophenotype")):
            if not getattr(args, option):
                setattr(args, option, proband.get(key, ""))
    missing = [f"--{o.replace('_', '-')}" for o in ("vcf", "sample_id", "sex") if not getattr(args, o)]
    if missing:
        raise ConfigError(f"pidtriage run: {', '.join(missing)} needed (or a --phenopacket that gives them)")


def cmd_run(args: argparse.Namespace) -> int:
    from pidtriage.io.outdir import check_output_folder
    from pidtriage.io.samples import check_case_fields, split_terms
    from pidtriage.models import CaseInfo, Sex, Status
    from pidtriage.stages import load_panel
    from pidtriage.stages.case import CasePaths, hold, run_case

    _from_phenopacket(args)
    check_case_fields(args.sample_id, args.suspected_category, args.immunophenotype, where="pidtriage run",
                      hpo_terms=args.hpo_terms, hpo_excluded=args.hpo_excluded)
    config = _config(args)
    check_output_folder(args.outdir, option="--outdir", min_free_mb=config.get("min_free_disk_mb"))
    panel = load_panel(config)
    case = CaseInfo(sample_id=args.sample_id, vcf=args.vcf, vcf_sample=args.vcf_sample or args.sample_id,
                    sex=Sex(args.sex), family_id=args.sample_id, immunophenotype=args.immunophenotype,
                    father_id=args.father, mother_id=args.mother, father_vcf_sample=args.father,
                    mother_vcf_sample=args.mother, father_vcf=(args.father_vcf or args.vcf) if args.father else "",
                    mother_vcf=(args.mother_vcf or args.vcf) if args.mother else "",
                    father_status=args.father_status if args.father else "unknown",
                    mother_status=args.mother_status if args.mother else "unknown",
                    suspected_category=tuple(x for x in args.suspected_category.split(";") if x),
                    hpo_terms=split_terms(args.hpo_terms), hpo_excluded=split_terms(args.hpo_excluded),
                    coverage=args.coverage, sv_vcf=args.sv_vcf)
    previous = args.previous or config.get("reanalysis", "previous")
    paths = CasePaths.single(args.outdir, args.sample_id)
    with hold(paths), (paths.index_dir / "run.log").open("w") as log:  # one line per step, as the case log
        result = run_case(case, config, panel, paths, jobs=args.threads, log=log, step_records=args.step_records,
                          previous=str(Path(previous) / "cases" / args.sample_id / "triage.json") if previous else "")
    print(f"{args.sample_id}: {result.status}: {result.reason}")
    if result.status == Status.FAILED:
        print(f"pidtriage: {result.reason}", file=sys.stderr)
        return 2
    return 0
