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


# A job that failed (a case killed outside Python: out of memory, a time limit, scancel, a node failure) keeps
# Snakemake from running the cohort rule above. The summary is then written from what exists: every case with
# a triage.json as it is, every case without one as failed with what its log says (src/pidtriage/stages/lost.py).
# The run still ends with an error, and its next run redoes the failed jobs and the cohort rule.
onerror:
    cohort_from_what_exists(log)
