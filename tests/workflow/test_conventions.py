"""What a reader of the Snakemake workflow catalogue expects, checked on the rule files: every rule that runs a
program has its conda environment, every report() output has a caption in workflow/report/, and every conda
environment file named exists."""

from __future__ import annotations

import re


def _rules(repo):
    for smk in sorted((repo / "workflow/rules").glob("*.smk")):
        text = smk.read_text()
        for m in re.finditer(r"^rule (\w+):\n(.*?)(?=^\S|\Z)", text, re.S | re.M):
            yield smk, m.group(1), m.group(2)


def test_every_rule_that_runs_a_program_has_a_conda_env(repo):
    seen = 0
    for smk, name, body in _rules(repo):
        if "shell:" in body or "script:" in body:
            env = re.search(r'conda:\s*\n\s*"([^"]+)"', body)
            assert env, (smk.name, name)
            assert (smk.parent / env.group(1)).resolve().exists(), (smk.name, name, env.group(1))
            seen += 1
    assert seen >= 4  # joint, case, cohort, make_demo_data


def test_every_report_output_has_a_caption(repo):
    captions = []
    for smk in sorted((repo / "workflow/rules").glob("*.smk")):
        for m in re.finditer(r"report\((.*?)\)", smk.read_text(), re.S):
            cap = re.search(r'caption="([^"]+)"', m.group(1))
            assert cap, (smk.name, m.group(1)[:80])
            path = (smk.parent / cap.group(1)).resolve()
            assert path.parent == (repo / "workflow/report").resolve() and path.read_text().strip(), cap.group(1)
            captions.append(path.name)
    assert len(captions) >= 4
    workflow_caption = re.search(r'^report: "([^"]+)"', (repo / "workflow/Snakefile").read_text(), re.M)
    assert workflow_caption and (repo / "workflow" / workflow_caption.group(1)).exists()
