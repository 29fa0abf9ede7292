# Input functions and shared values. Sheet and config are validated when the workflow is parsed.
import os
import shlex
import sys
import threading

from pidtriage.config import user_config, validate_config, write_merged_config
from pidtriage.io.samples import cases_from_rows, joint_vcfs, read_sample_sheet

MULTIQC_FILES = (  # the cohort's MultiQC custom content (src/pidtriage/report/multiqc.py, MULTIQC_FILES)
    "pidtriage_general_stats_mqc.yaml",
    "pidtriage_status_counts_mqc.yaml",
    "pidtriage_cases_mqc.yaml",
    "pidtriage_qc_mqc.yaml",
)


class _DaemonTimer(threading.Timer):
    """Snakemake's scheduler re-arms a `threading.Timer` (the --max-jobs-per-timespan window, 1 s at the
    least) after every pass, and Python waits for that non-daemon timer at exit: every run, and every SLURM job
    step (one per case), idled about a second after its last job (issue #17, RESULTS.md). The timer only wakes
    the scheduler; once Snakemake returns there is nothing left for it to do, so it must not keep the process.
    tests/workflow/test_demo_workflow.py runs with a 60 s window and a timeout that fails without this."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.daemon = True


threading.Timer = _DaemonTimer

# A user's --configfile replaces config/config.yaml (the demo's: its resources must never leak into a real
# run); several --configfile files are merged in order, and --config applies last.
if workflow.overwrite_configfiles:
    config.clear()
    config.update(user_config(workflow.overwrite_configfiles, workflow.config_settings.overwrite_config))
# fills every default from workflow/schemas/config.schema.yaml and validates against it, with a one-line error
# naming the key (snakemake.utils.validate printed the whole schema, 2,700 lines, and took 0.1 s of every parse)
CONFIG = validate_config(
    dict(config), source=", ".join(map(str, workflow.overwrite_configfiles or ["config/config.yaml"]))
)
config.update(CONFIG.values)
OUT = config["outdir"]
WORK = config.get("workdir") or f"{OUT}/work"
LOGS = f"{OUT}/logs"
ROWS = read_sample_sheet(config["samples"], pedigree=config.get("pedigree") or None)
CASES = {c.sample_id: c for c in cases_from_rows(ROWS)}
# VCFs that two or more cases read (joint-called cohorts): extracted once for all of them (rules/joint.smk)
JOINT = joint_vcfs(CASES.values())
JOINT_OF = {s: [k for k, j in JOINT.items() if s in j.cases] for s in CASES}
# Every pidtriage command reads this one effective config (written when it changes), so the rules and the
# package can never disagree about it.
CONFIGFILE = write_merged_config(CONFIG.values, f"{WORK}/config.yaml")


# The pidtriage installed beside the Python that runs Snakemake (`.venv/bin/snakemake` works without activating
# the venv, on a cluster node too); the one on PATH otherwise (a conda environment).
_BESIDE = os.path.join(os.path.dirname(sys.executable), "pidtriage")
PIDTRIAGE = shlex.quote(_BESIDE) if os.access(_BESIDE, os.X_OK) else "pidtriage"


wildcard_constraints:
    sample="[A-Za-z0-9._-]+",


def get_final_outputs():
    files = [
        "triage.json",
        "variants.tsv",
        "candidates.tsv",
        "report.html",
        "interpretation.json",
        "changes.tsv",
        "candidates.vcf.gz",
        "candidates.vcf.gz.tbi",
    ]
    files += ["candidates.xlsx"] if config["report"]["xlsx"] else []
    files += ["variants.xlsx"] if config["report"]["variants_xlsx"] else []
    files += ["report.pdf"] if config["report"]["pdf"] else []
    per_case = expand(f"{OUT}/cases/{{sample}}/{{f}}", sample=sorted(CASES), f=files)
    cohort = [
        f"{OUT}/cohort/{f}" for f in ("summary.tsv", "no_known_defect.tsv", "changes.tsv", "report.html")
    ]
    cohort += expand(f"{OUT}/cohort/multiqc/{{f}}", f=MULTIQC_FILES) + [f"{OUT}/cohort/igv_session.xml"]
    cohort += expand(f"{OUT}/cohort/igv/{{sample}}.xml", sample=sorted(CASES))
    cohort += [f"{OUT}/cohort/summary.xlsx"] if config["report"]["xlsx"] else []
    return per_case + cohort


def _present(paths):
    """The paths that exist, or that make_demo_data writes. A missing file is the case's failure, reported by
    its validate step with the file named, never a DAG error that stops the cohort."""
    demo = os.path.realpath("demo/data")
    return sorted(
        {p for p in paths if p and (os.path.exists(p) or os.path.realpath(p).startswith(demo + os.sep))}
    )


def get_case_vcf(wildcards):
    """The case's VCF (and its parents' when they are in other files), so Snakemake can make demo data first."""
    case = CASES[wildcards.sample]
    return _present([case.vcf, case.father_vcf, case.mother_vcf])


def get_case_coverage(wildcards):
    """The coverage file (BAM/CRAM, or a mosdepth per-base bed.gz), when the sheet has one."""
    source = CASES[wildcards.sample].coverage
    if not source:
        return []
    return _present([source])


def get_case_joint(wildcards):
    """The shared extractions of the joint-called VCFs this case reads (none for a VCF of its own)."""
    return [f"{WORK}/joint/{key}.json" for key in JOINT_OF[wildcards.sample]]


def get_all_triage(wildcards):
    return expand(f"{OUT}/cases/{{sample}}/triage.json", sample=sorted(CASES))
