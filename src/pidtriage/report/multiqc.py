"""The cohort's statuses and QC as MultiQC custom content (`cohort/multiqc/*_mqc.yaml`): `multiqc results/`
shows pidtriage's sections beside the laboratory's other tools, with no plugin to install.

Four files, each a MultiQC custom-content section (https://docs.seqera.io/multiqc/custom_content):
- pidtriage_general_stats_mqc.yaml: per individual, in MultiQC's General Statistics (status of the case the
  individual is the proband of, sex check, Ti/Tv, het/hom ratio, Mendelian error rate), keyed by the VCF's
  sample name so that the rows merge with bcftools stats, samtools or mosdepth rows of the same sample;
- pidtriage_status_counts_mqc.yaml: the cohort's cases by status (bar graph);
- pidtriage_cases_mqc.yaml: one row per case (summary.tsv's status, genes, top variant, scope, reason);
- pidtriage_qc_mqc.yaml: one row per individual of each case (sex check, panel call statistics, Mendelian check,
  genes below the coverage threshold, QC warnings).
Rows come from `pidtriage.results` (the same typed frames as summary.tsv); values missing there are left out
(MultiQC shows an empty cell), never written as ".".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from pidtriage.models import Status
from pidtriage.results import Results, to_records

__all__ = ["MULTIQC_FILES", "multiqc_files"]

MULTIQC_FILES = ("pidtriage_general_stats_mqc.yaml", "pidtriage_status_counts_mqc.yaml", "pidtriage_cases_mqc.yaml",
                 "pidtriage_qc_mqc.yaml")
_COLOURS = {"positive": "#1a7f37", "inconclusive": "#bf8700", "negative": "#57606a", "failed": "#cf222e"}
_SEX_CHECK = {"cond_formatting_rules": {"pass": [{"s_eq": "match"}], "fail": [{"s_eq": "mismatch"}]}}
_SECTION = {"parent_id": "pidtriage", "parent_name": "pidtriage",
            "parent_description": "PID gene-panel triage: each case's status (positive, inconclusive, negative, failed) "
                                  "and its sample QC, from the cases' triage.json."}


def _header(title: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"title": title, "description": description, **extra}


def _status_header(title: str, description: str) -> dict[str, Any]:
    """A status column coloured as the dashboard colours it (MultiQC's conditional formatting)."""
    return _header(title, description, cond_formatting_rules={s: [{"s_eq": s}] for s in _COLOURS},
                   cond_formatting_colours=[{s: c} for s, c in _COLOURS.items()])


def _dump(doc: Mapping[str, Any]) -> str:
    return "# written by `pidtriage cohort` (src/pidtriage/report/multiqc.py); MultiQC custom content\n" + yaml.safe_dump(
        dict(doc), sort_keys=False, allow_unicode=True, width=1000)


def _clean(row: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: row[k] for k in keys if row.get(k) is not None}


def _keys(rows: list[dict[str, Any]]) -> list[str]:
    """A row name per individual: the VCF sample name, with the case added where one name is in two cases."""
    names = [r["individual"] for r in rows]
    return [n if names.count(n) == 1 else f"{n} ({r['sample_id']})" for n, r in zip(names, rows, strict=True)]


def general_stats(results: Results) -> dict[str, Any]:
    rows = to_records(results.qc)
    data = {}
    for key, r in zip(_keys(rows), rows, strict=True):
        row = _clean(r, ("sex_check", "ti_tv", "het_hom_ratio", "mendelian_error_rate"))
        if r["role"] == "proband":
            row["status"] = r["status"]
        data[key] = row
    headers = {
        "status": _status_header("PID status", "pidtriage case status (proband rows)"),
        "sex_check": _header("Sex check", "reported sex against the sex inferred from chrX/chrY", **_SEX_CHECK),
        "ti_tv": _header("Ti/Tv (panel)", "transition/transversion ratio of the calls in the panel regions",
                         format="{:,.2f}", scale="Blues"),
        "het_hom_ratio": _header("Het/hom (panel)", "heterozygous to homozygous calls in the panel regions",
                                 format="{:,.2f}", scale="Purples"),
        "mendelian_error_rate": _header("Mendel err.", "trio Mendelian-error rate in the panel regions",
                                        format="{:,.3f}", scale="Reds", max=0.1),
    }
    return {"id": "pidtriage_general_stats", "plot_type": "generalstats", "pconfig": headers, "data": data}


def status_counts(results: Results) -> dict[str, Any]:
    counts = results.summary.status.value_counts()
    data = {"cases": {s.value: int(counts.get(s.value, 0)) for s in Status}}
    cats = {s.value: {"name": s.value, "color": _COLOURS[s.value]} for s in Status}
    return {"id": "pidtriage_status_counts", "section_name": "Case status", **_SECTION,
            "description": "Cases of the cohort by pidtriage status; negative and inconclusive cases are flagged "
                           "as 'no known genetic defect found' (cohort/no_known_defect.tsv).",
            "plot_type": "bargraph", "pconfig": {"id": "pidtriage_status_counts_plot", "title": "pidtriage: cases by status",
                                                 "ylab": "cases", "cpswitch": False},
            "categories": cats, "data": data}


def cases_table(results: Results) -> dict[str, Any]:
    keys = ("status", "no_known_defect", "genes", "top_variant", "n_candidates", "qc", "genes_assessed",
            "scope", "reason")
    data = {r["sample_id"]: _clean(r, keys) for r in to_records(results.summary)}
    for row in data.values():  # words MultiQC does not colour as pass/fail: a flag is not a failure
        if "no_known_defect" in row:
            row["no_known_defect"] = "flagged" if row["no_known_defect"] else "not flagged"
    headers = {
        "status": _status_header("Status", "positive, inconclusive, negative or failed (DESIGN.md)"),
        "no_known_defect": _header("No known defect", "flagged: no known genetic defect found, to escalate "
                                  "(exome/genome, CNV analysis, functional tests)"),
        "genes": _header("Genes", "genes of the qualifying findings"),
        "top_variant": _header("Top variant", "rank-1 candidate, chrom:pos:ref:alt in the panel's naming"),
        "n_candidates": _header("Candidates", "ranked candidate variants", format="{:,.0f}", scale=False),
        "qc": _header("QC", "sample QC: ok, warning: ... or failed: ...",
                      cond_formatting_rules={"warn": [{"s_contains": "warning"}], "fail": [{"s_contains": "failed"}]}),
        "genes_assessed": _header("Genes assessed", "panel genes the input let us assess, of all panel genes"),
        "scope": _header("Scope", "full, or what limited the analysis"),
        "reason": _header("Reason", "the case's one-line reason"),
    }
    return {"id": "pidtriage_cases", "section_name": "Cases", **_SECTION,
            "description": "One row per case (cohort/summary.tsv).", "plot_type": "table",
            "pconfig": {"id": "pidtriage_cases_table", "title": "pidtriage: cases", "col1_header": "Case",
                        "sort_rows": False},
            "headers": headers, "data": data}


def qc_table(results: Results) -> dict[str, Any]:
    rows = to_records(results.qc)
    keys = ("sample_id", "role", "sex_reported", "sex_inferred", "sex_check", "records_in_vcf", "panel_records",
            "panel_nonref_calls", "het_hom_ratio", "ti_tv", "filtered_fraction", "mendelian_evaluated",
            "mendelian_informative_sites", "mendelian_error_rate", "panel_genes_assessed", "qc_warnings")
    data = {key: _clean(r, keys) for key, r in zip(_keys(rows), rows, strict=True)}
    for row in data.values():
        if "mendelian_evaluated" in row:
            row["mendelian_evaluated"] = "evaluated" if row["mendelian_evaluated"] else "not evaluated"
    n = {"format": "{:,.0f}", "scale": False}
    headers = {
        "sample_id": _header("Case", "the case (proband) this individual was analysed with"),
        "role": _header("Role", "proband, father or mother"),
        "sex_reported": _header("Sex (sheet)", "sex given in the sample sheet"),
        "sex_inferred": _header("Sex (data)", "sex inferred from chrX heterozygosity and chrY calls"),
        "sex_check": _header("Sex check", "match, mismatch, not_inferred or reported_unknown", **_SEX_CHECK),
        "records_in_vcf": _header("VCF records", "records of the whole VCF (from its index)", **n),
        "panel_records": _header("Panel records", "records in the panel regions", **n),
        "panel_nonref_calls": _header("Panel calls", "non-reference calls of this individual in the panel", **n),
        "het_hom_ratio": _header("Het/hom", "heterozygous to homozygous calls (panel)", format="{:,.2f}", scale=False),
        "ti_tv": _header("Ti/Tv", "transitions/transversions (panel SNVs)", format="{:,.2f}", scale=False),
        "filtered_fraction": _header("FILTER failed", "share of the panel calls not PASS", format="{:,.3f}",
                                     scale="Reds", max=1),
        "mendelian_evaluated": _header("Mendel checked", "whether the trio had enough informative sites"),
        "mendelian_informative_sites": _header("Mendel sites", "informative trio sites in the panel", **n),
        "mendelian_error_rate": _header("Mendel err.", "Mendelian-error rate of the trio", format="{:,.3f}",
                                        scale="Reds", max=0.1),
        "panel_genes_assessed": _header("Genes assessed", "panel genes the input let us assess (records, calls or "
                                        "coverage)", **n),
        "qc_warnings": _header("Warnings", "sample-level QC warnings of the case"),
    }
    return {"id": "pidtriage_qc", "section_name": "Sample QC", **_SECTION,
            "description": "One row per individual of each case: sex check, call statistics in the panel regions, "
                           "the trio's Mendelian check and coverage.", "plot_type": "table",
            "pconfig": {"id": "pidtriage_qc_table", "title": "pidtriage: sample QC", "col1_header": "Individual",
                        "sort_rows": False},
            "headers": headers, "data": data}


def multiqc_files(results: Results) -> dict[str, str]:
    """The custom-content files by name (MULTIQC_FILES), as YAML text."""
    docs = (general_stats(results), status_counts(results), cases_table(results), qc_table(results))
    return {name: _dump(doc) for name, doc in zip(MULTIQC_FILES, docs, strict=True)}
