rule validate:
    input:
        vcf=get_case_vcf,
    output:
        f"{WORK}/validate/{{sample}}.json",
    log:
        f"{LOGS}/validate/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/validate/{{sample}}.tsv"
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    params:
        configfile=CONFIGFILE,
        samples=config["samples"],
        # the case's own row: editing or adding other rows of the sheet reruns nothing else
        row=lambda wildcards: CASES[wildcards.sample],
    shell:
        "pidtriage validate --configfile {params.configfile:q} --samples {params.samples:q} "
        "--sample-id {wildcards.sample:q} --out {output:q} > {log:q} 2>&1"
