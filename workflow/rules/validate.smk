rule validate:
    input:
        vcf=get_case_vcf,
        samples=config["samples"],
    output:
        f"{WORK}/validate/{{sample}}.json",
    log:
        f"{LOGS}/validate/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/validate/{{sample}}.tsv"
    params:
        configfile=CONFIGFILE,
    conda:
        "../envs/pidtriage.yaml"
    shell:
        "pidtriage validate --configfile {params.configfile} --samples {input.samples} "
        "--sample-id {wildcards.sample} --out {output} > {log} 2>&1"
