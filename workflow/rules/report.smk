# Per-case files rendered from triage.json (and the variants.tsv beside it); xlsx and pdf as configured.
REPORT_OUT = {
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
    "changes": f"{OUT}/cases/{{sample}}/changes.tsv",
}
if config["report"]["xlsx"]:
    REPORT_OUT["cxlsx"] = f"{OUT}/cases/{{sample}}/candidates.xlsx"
if config["report"]["variants_xlsx"]:
    REPORT_OUT["vxlsx"] = f"{OUT}/cases/{{sample}}/variants.xlsx"
if config["report"]["pdf"]:
    REPORT_OUT["pdf"] = f"{OUT}/cases/{{sample}}/report.pdf"


rule report:
    input:
        json=f"{OUT}/cases/{{sample}}/triage.json",
        variants=f"{OUT}/cases/{{sample}}/variants.tsv",
    output:
        **REPORT_OUT,
    log:
        f"{LOGS}/report/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/report/{{sample}}.tsv"
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    params:
        outdir=lambda wildcards, output: os.path.dirname(output.html),
        flags=" ".join(
            flag
            for flag, key in (("--xlsx", "xlsx"), ("--variants-xlsx", "variants_xlsx"), ("--pdf", "pdf"))
            if config["report"][key]
        ),
    shell:
        "pidtriage report {input.json:q} --outdir {params.outdir:q} {params.flags} > {log:q} 2>&1"
