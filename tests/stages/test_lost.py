"""stages/lost.py: the reason a case without a result gets in the cohort summary."""

from __future__ import annotations

from pathlib import Path

from pidtriage.models import CaseInfo, Sex
from pidtriage.stages.lost import lost_reason

CASE = CaseInfo(sample_id="K1", vcf="/data/K1.vcf.gz", vcf_sample="K1", sex=Sex.MALE)


def test_killed_before_its_first_step(tmp_path):
    log = tmp_path / "K1.log"
    log.write_text("")
    smk = tmp_path / "snakemake.log"
    smk.write_text("Command 'set -euo pipefail;  pidtriage case --sample-id K1 --workdir w > l 2>&1' returned non-zero "
                   "exit status 137.\nCommand '... --sample-id K10 ...' returned non-zero exit status 1.\n")
    reason = lost_reason(CASE, log, [smk])
    assert reason == (f"/data/K1.vcf.gz: the case's job ended without a result (killed by signal 9, SIGKILL) before "
                      "its first step, as when a job is killed from outside (out of memory, a time limit, scancel, a "
                      f"node failure); see {log} and {smk}, then run the same command again")


def test_after_a_step_with_an_exit_status_and_no_log(tmp_path):
    smk = tmp_path / "snakemake.log"
    smk.write_text("pidtriage case --sample-id K1 --x returned non-zero exit status 1.\n")
    log = tmp_path / "K1.log"
    log.write_text("pidtriage validate K1: /data/K1.vcf.gz: GRCh38\npidtriage extract K1: panel regions written\n")
    reason = lost_reason(CASE, log, [smk])
    assert "ended without a result (exit status 1) after its extract step" in reason
    assert "ended without a result before its first step" in lost_reason(CASE, tmp_path / "none.log", [])


def test_a_cluster_job_state_and_its_own_log(tmp_path):
    job_log = tmp_path / "slurm_logs" / "group_case" / "7.log"
    job_log.parent.mkdir(parents=True)
    job_log.write_text("pidtriage case --sample-id K1 --y returned non-zero exit status 143.\n")
    smk = tmp_path / "snakemake.log"
    smk.write_text(f"Error in group case\n    log: {job_log} (check log file(s) for error details)\n")
    assert "(killed by signal 15, SIGTERM)" in lost_reason(CASE, Path("/nonexistent"), [smk])
    smk.write_text("SLURM-job '7' failed, SLURM status is: 'OUT_OF_MEMORY'\n")
    assert "(SLURM job state OUT_OF_MEMORY)" in lost_reason(CASE, Path("/nonexistent"), [smk])


def test_an_error_the_job_could_name(tmp_path):
    log = tmp_path / "K1.log"
    log.write_text("pidtriage: results/cases/K1: another pidtriage process (pid 7) is writing this case now\n")
    assert lost_reason(CASE, log, []) == ("/data/K1.vcf.gz: the case's job stopped without a result: results/cases/"
                                          "K1: another pidtriage process (pid 7) is writing this case now")
