rule coverage:
    input:
        record=f"{WORK}/validate/{{sample}}.json",
        source=get_case_coverage,
    output:
        f"{WORK}/coverage/{{sample}}.json",
    log:
        f"{LOGS}/coverage/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/coverage/{{sample}}.tsv"
    params:
        configfile=CONFIGFILE,
        workdir=lambda wildcards: f"{WORK}/coverage/{wildcards.sample}.d",
    threads: 1
    conda:
        "../envs/pidtriage.yaml"
    shell:
        "pidtriage coverage --configfile {params.configfile} --record {input.record} --out {output} "
        "--workdir {params.workdir} > {log} 2>&1"
