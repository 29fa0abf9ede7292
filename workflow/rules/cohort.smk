rule cohort:
    input:
        get_all_triage,
    output:
        **({"xlsx": f"{OUT}/cohort/summary.xlsx"} if config["report"]["xlsx"] else {}),
        summary=report(
            f"{OUT}/cohort/summary.tsv",
            caption="../report/summary.rst",
            category="Cohort",
            labels={"file": "summary"},
        ),
        flagged=f"{OUT}/cohort/no_known_defect.tsv",
        # MultiQC custom content (`multiqc results/` shows it) and IGV sessions (report/multiqc.py, report/igv.py)
        multiqc=expand(f"{OUT}/cohort/multiqc/{{f}}", f=MULTIQC_FILES),
        igv=f"{OUT}/cohort/igv_session.xml",
        igv_cases=expand(f"{OUT}/cohort/igv/{{sample}}.xml", sample=sorted(CASES)),
        changes=f"{OUT}/cohort/changes.tsv",
        html=report(
            f"{OUT}/cohort/report.html",
            caption="../report/cohort_report.rst",
            category="Cohort",
            labels={"file": "dashboard"},
        ),
    log:
        f"{LOGS}/cohort.log",
    benchmark:
        f"{OUT}/benchmarks/cohort.tsv"
    conda:
        "../envs/pidtriage.yaml"
    params:
        outdir=lambda wildcards, output: os.path.dirname(output.summary),
        flags="--xlsx" if config["report"]["xlsx"] else "",
        previous=config["reanalysis"]["previous"],
    shell:
        PIDTRIAGE
        + " cohort {input:q} --outdir {params.outdir:q} {params.flags} --previous={params.previous:q} > {log:q} 2>&1"
