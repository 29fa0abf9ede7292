# One job per case: every step (validate, coverage, extract, annotate, triage, report) in one process, each
# handed its predecessor's record in memory. One Python start, config and panel load per case, not six (issue
# #17; tests/benchmarks/RESULTS.md). The steps' records are written only with `step_records: true` (a debug dump,
# to rerun one step alone: `pidtriage triage --record ...`); a failed job reruns the case whole.
CASE_OUT = {
    "panel_vcf": f"{WORK}/extract/{{sample}}.panel.vcf.gz",
    "panel_tbi": f"{WORK}/extract/{{sample}}.panel.vcf.gz.tbi",
    "json": f"{OUT}/cases/{{sample}}/triage.json",
    "variants": f"{OUT}/cases/{{sample}}/variants.tsv",
    "tsv": report(
        f"{OUT}/cases/{{sample}}/candidates.tsv",
        caption="../report/candidates.rst",
        category="Cases",
        subcategory="{sample}",
        labels={"case": "{sample}", "file": "candidates"},
    ),
    "html": report(
        f"{OUT}/cases/{{sample}}/report.html",
        caption="../report/case_report.rst",
        category="Cases",
        subcategory="{sample}",
        labels={"case": "{sample}", "file": "counsellor report"},
    ),
    "phenopacket": f"{OUT}/cases/{{sample}}/interpretation.json",
    # the candidates' own records with pidtriage's INFO fields, for IGV, Scout and seqr (report/vcf_out.py)
    "vcf": f"{OUT}/cases/{{sample}}/candidates.vcf.gz",
    "vcf_tbi": f"{OUT}/cases/{{sample}}/candidates.vcf.gz.tbi",
    "changes": f"{OUT}/cases/{{sample}}/changes.tsv",
}
if config["step_records"]:
    CASE_OUT |= {
        step: f"{WORK}/{step}/{{sample}}.json" for step in ("validate", "coverage", "extract", "annotate")
    }
if config["report"]["xlsx"]:
    CASE_OUT["cxlsx"] = f"{OUT}/cases/{{sample}}/candidates.xlsx"
if config["report"]["variants_xlsx"]:
    CASE_OUT["vxlsx"] = f"{OUT}/cases/{{sample}}/variants.xlsx"
if config["report"]["pdf"]:
    CASE_OUT["pdf"] = f"{OUT}/cases/{{sample}}/report.pdf"


rule case:
    input:
        # every file the case reads (indexes included): editing one reruns this case and only this case
        vcf=get_case_vcf,
        coverage=get_case_coverage,
        sv=get_case_sv,
        phenopacket=get_case_phenopacket,
        joint=get_case_joint,
        panel=get_panel_tables,
    output:
        **CASE_OUT,
    log:
        f"{LOGS}/case/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/case/{{sample}}.tsv"
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    # 1 by default: a cohort keeps every core busy with cases, and the extraction's second process costs more
    # than it gains there (RESULTS.md). For a lone genome, give it two: --set-threads case=2 (the extraction
    # beside the sex inference, the panel's contigs in two groups)
    threads: 1
    params:
        configfile=CONFIGFILE,
        samples=config["samples"],
        # the case's own row: editing or adding other rows of the sheet reruns nothing else
        row=lambda wildcards: CASES[wildcards.sample],
        work=lambda wildcards, output: os.path.dirname(os.path.dirname(output.panel_vcf)),
        case_dir=lambda wildcards, output: os.path.dirname(output.json),
        previous=lambda wildcards: (
            f"{config['reanalysis']['previous']}/cases/{wildcards.sample}/triage.json"
            if config["reanalysis"]["previous"]
            else ""
        ),
        joint=lambda wildcards, input: " ".join(f"--joint {shlex.quote(j)}" for j in input.joint),
    shell:
        PIDTRIAGE
        + " case --configfile {params.configfile:q} --samples {params.samples:q} --sample-id {wildcards.sample:q} "
        "--workdir {params.work:q} --case-dir {params.case_dir:q} --previous={params.previous:q} {params.joint} "
        "--threads {threads} > {log:q} 2>&1"
