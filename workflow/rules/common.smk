# Input functions and shared values. Sheet and config are validated when the workflow is parsed.
import os
import shlex
import subprocess
import sys
import threading

from pidtriage.config import user_config, validate_config, write_merged_config
from pidtriage.errors import PidTriageError
from pidtriage.io.outdir import check_output_folder
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


def _keep_going(execute):
    """A cluster job of several cases (config/profiles/slurm: group-components) runs them in a Snakemake of its
    own, one after another, and Snakemake passes no --keep-going on to it: one case killed there (out of memory, a
    signal) left the rest of its group unrun (issue #30). Its settings are set only after this file is parsed,
    so they are changed when it starts executing. tests/slurm/test_slurm.py fails without this."""

    def run(*args, **kwargs):
        workflow.execution_settings.keep_going = True
        return execute(*args, **kwargs)

    return run


if workflow.remote_exec:
    workflow.execute = _keep_going(workflow.execute)

# A user's --configfile replaces config/config.yaml (the demo's: its resources must never leak into a real
# run); several --configfile files are merged in order, and --config applies last.
try:
    if workflow.overwrite_configfiles:
        config.clear()
        config.update(user_config(workflow.overwrite_configfiles, workflow.config_settings.overwrite_config))
    # fills every default from workflow/schemas/config.schema.yaml and validates against it, with a one-line
    # error naming the key (snakemake.utils.validate printed the whole schema, 2,700 lines, and took 0.1 s of
    # every parse)
    CONFIG = validate_config(
        dict(config), source=", ".join(map(str, workflow.overwrite_configfiles or ["config/config.yaml"]))
    )
    config.update(CONFIG.values)
    OUT = config["outdir"]
    WORK = config.get("workdir") or f"{OUT}/work"
    LOGS = f"{OUT}/logs"
    ROWS = read_sample_sheet(config["samples"], pedigree=config.get("pedigree") or None)
    ROW_OF = {r["sample_id"]: r for r in ROWS}
    CASES = {c.sample_id: c for c in cases_from_rows(ROWS)}
    # VCFs that two or more cases read (joint-called cohorts): extracted once for all of them (rules/joint.smk)
    JOINT = joint_vcfs(CASES.values())
    JOINT_OF = {s: [k for k, j in JOINT.items() if s in j.cases] for s in CASES}
    # the output folders, before any job: a file in the way, no write permission or a full disk is one line
    for key, folder in {"outdir": OUT, "workdir": WORK}.items():
        check_output_folder(folder, option=f"{key} in the config", min_free_mb=config["min_free_disk_mb"])
    # Every pidtriage command reads this one effective config (written when it changes), so the rules and the
    # package can never disagree about it.
    CONFIGFILE = write_merged_config(CONFIG.values, f"{WORK}/config.yaml")
except PidTriageError as exc:  # the sheet's, the config's or an output folder's: one line, before any job
    print(f"pidtriage: {exc}", file=sys.stderr)
    sys.exit(2)


# The pidtriage installed beside the Python that runs Snakemake (`.venv/bin/snakemake` works without activating
# the venv, on a cluster node too); the one on PATH otherwise (a conda environment).
_BESIDE = os.path.join(os.path.dirname(sys.executable), "pidtriage")
PIDTRIAGE_EXE = _BESIDE if os.access(_BESIDE, os.X_OK) else "pidtriage"
PIDTRIAGE = shlex.quote(PIDTRIAGE_EXE)


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
    """The paths that can be read, or that make_demo_data writes. A missing or unreadable file is the case's
    failure, reported by its validate step with the file named, never a DAG error or a metadata error that
    stops the cohort (Snakemake reads small inputs to record their checksums)."""
    demo = {os.path.realpath(f"demo/data/{f}") for f in DEMO_FILES}  # rules/demo.smk
    return sorted({p for p in paths if p and (_readable(p) or os.path.realpath(p) in demo)})


def _readable(path):
    try:
        with open(path, "rb"):
            return True
    except OSError:  # missing, a folder, no permission
        return False


def _with_index(path):
    """A file and the index beside it that htslib would use (VCF: .tbi/.csi; BAM/CRAM: .bai/.crai/.csi)."""
    if not path:
        return []
    stem = os.path.splitext(path)[0]
    return (
        [path]
        + [f"{path}{ext}" for ext in (".tbi", ".csi", ".bai", ".crai")]
        + [f"{stem}.bai", f"{stem}.crai"]
    )


def _family(sample):
    """The case's row and its parents' rows of the sheet."""
    case = CASES[sample]
    return [ROW_OF[s] for s in (sample, case.father_id, case.mother_id) if s in ROW_OF]


# Every file a case reads is an input of its job, so that editing one (a corrected VCF, a new index, SV calls,
# a phenopacket) reruns that case, and only that case.
def get_case_vcf(wildcards):
    """The case's VCF (and its parents' when they are in other files), with their indexes."""
    case = CASES[wildcards.sample]
    return _present([f for vcf in (case.vcf, case.father_vcf, case.mother_vcf) for f in _with_index(vcf)])


def get_case_coverage(wildcards):
    """The coverage file (BAM/CRAM, or a mosdepth per-base bed.gz) with its index, when the sheet has one."""
    return _present(_with_index(CASES[wildcards.sample].coverage))


def get_case_sv(wildcards):
    """The SV/CNV VCFs of the case and its parents, with their indexes."""
    case = CASES[wildcards.sample]
    return _present(
        [f for vcf in (case.sv_vcf, case.father_sv_vcf, case.mother_sv_vcf) for f in _with_index(vcf)]
    )


def get_case_phenopacket(wildcards):
    """The phenopackets the case's row and its parents' rows were completed from."""
    return _present([r.get("phenopacket", "") for r in _family(wildcards.sample)])


def get_panel_tables(wildcards):
    """The panel and the tables beside it that a case reads (HPO, diseases, exons, dosage): a rebuilt table reruns
    the cases."""
    base = os.path.splitext(config["panel"])[0]
    sides = (".hpo.tsv", ".hpo_background.tsv", ".diseases.tsv", ".exons.tsv", ".dosage.tsv")
    return [config["panel"], *(t for t in (base + s for s in sides) if os.path.exists(t))]


def get_case_joint(wildcards):
    """The shared extractions of the joint-called VCFs this case reads (none for a VCF of its own)."""
    return [f"{WORK}/joint/{key}.json" for key in JOINT_OF[wildcards.sample]]


def get_all_triage(wildcards):
    return expand(f"{OUT}/cases/{{sample}}/triage.json", sample=sorted(CASES))


def cohort_from_what_exists(snakemake_logs):
    """After a failed job (onerror in rules/cohort.smk): `pidtriage cohort` on every triage.json that exists,
    the cases without one passed as --lost; its log is the cohort rule's. One line says what was written."""
    done = [p for p in get_all_triage(None) if os.path.isfile(p)]
    lost = [s for s in sorted(CASES) if not os.path.isfile(f"{OUT}/cases/{s}/triage.json")]
    logs = [snakemake_logs] if isinstance(snakemake_logs, str) else list(snakemake_logs or [])
    options = {"outdir": f"{OUT}/cohort", "previous": config["reanalysis"]["previous"], "logs": LOGS}
    options.update(samples=config["samples"], configfile=CONFIGFILE)
    cmd = [PIDTRIAGE_EXE, "cohort", *done, *(f"--{k}={v}" for k, v in options.items())]
    cmd += ["--xlsx"] * config["report"]["xlsx"] + [f"--lost={s}" for s in lost]
    cmd += [f"--snakemake-log={p}" for p in logs]
    result = subprocess.run(cmd, capture_output=True, text=True)
    os.makedirs(LOGS, exist_ok=True)
    with open(f"{LOGS}/cohort.log", "w") as fh:
        fh.write(result.stderr)
    if result.returncode:
        tail = result.stderr.strip()[-500:]
        print(f"pidtriage: the cohort summary could not be written: {tail}", file=sys.stderr)
        return
    print(
        f"pidtriage: a job failed; {OUT}/cohort/summary.tsv lists every case of the sheet, {len(lost)} of them "
        f"without a result (as failed: {', '.join(lost) or 'none'}); run the same command again to redo them",
        file=sys.stderr,
    )
