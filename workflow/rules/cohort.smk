rule cohort:
    input:
        get_all_triage,
    output:
        summary=f"{OUT}/cohort/summary.tsv",
        flagged=f"{OUT}/cohort/no_known_defect.tsv",
        html=f"{OUT}/cohort/report.html",
    log:
        f"{LOGS}/cohort.log",
    benchmark:
        f"{OUT}/benchmarks/cohort.tsv"
    params:
        outdir=lambda wildcards, output: os.path.dirname(output.summary),
    conda:
        "../envs/pidtriage.yaml"
    shell:
        "pidtriage cohort {input} --outdir {params.outdir} > {log} 2>&1"
