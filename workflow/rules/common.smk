# Input functions and shared values. Sheet and config are validated when the workflow is parsed.
import os

from snakemake.utils import validate

from pidtriage.config import validate_config, write_merged_config
from pidtriage.io.samples import cases_from_rows, read_sample_sheet

validate(config, schema="../schemas/config.schema.yaml")
CONFIG = validate_config(dict(config))  # fills every default from the same schema
config.update(CONFIG.values)
OUT = config["outdir"]
WORK = config.get("workdir") or f"{OUT}/work"
LOGS = f"{OUT}/logs"
# The pidtriage commands read the config Snakemake ended up with (every --configfile merged, --config applied,
# defaults filled), written here when it changes: passing only the last --configfile would lose the others.
CONFIGFILE = write_merged_config(CONFIG.values, f"{WORK}/config.yaml")
ROWS = read_sample_sheet(config["samples"], pedigree=config.get("pedigree") or None)
CASES = {c.sample_id: c for c in cases_from_rows(ROWS)}


wildcard_constraints:
    sample="[A-Za-z0-9._-]+",


def get_final_outputs():
    files = ["triage.json", "variants.tsv", "candidates.tsv", "report.html"]
    files += ["candidates.xlsx", "variants.xlsx"] if config["report"]["xlsx"] else []
    files += ["report.pdf"] if config["report"]["pdf"] else []
    per_case = expand(f"{OUT}/cases/{{sample}}/{{f}}", sample=sorted(CASES), f=files)
    cohort = [f"{OUT}/cohort/{f}" for f in ("summary.tsv", "no_known_defect.tsv", "report.html")]
    cohort += [f"{OUT}/cohort/summary.xlsx"] if config["report"]["xlsx"] else []
    return per_case + cohort


def get_case_vcf(wildcards):
    """The case's VCF (and its parents' when they are in other files), so Snakemake can make demo data first."""
    case = CASES[wildcards.sample]
    return sorted({case.vcf, *(v for v in (case.father_vcf, case.mother_vcf) if v)})


def get_case_coverage(wildcards):
    """The coverage file (BAM/CRAM, or a mosdepth per-base bed.gz), when the sheet has one."""
    source = CASES[wildcards.sample].coverage
    if not source:
        return []
    return [source]


def get_all_triage(wildcards):
    return expand(f"{OUT}/cases/{{sample}}/triage.json", sample=sorted(CASES))
