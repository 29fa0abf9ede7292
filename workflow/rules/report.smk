rule report:
    input:
        f"{OUT}/cases/{{sample}}/triage.json",
    output:
        tsv=f"{OUT}/cases/{{sample}}/candidates.tsv",
        html=f"{OUT}/cases/{{sample}}/report.html",
    log:
        f"{LOGS}/report/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/report/{{sample}}.tsv"
    params:
        outdir=lambda wildcards, output: os.path.dirname(output.html),
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    shell:
        "pidtriage report {input} --outdir {params.outdir} > {log} 2>&1"
