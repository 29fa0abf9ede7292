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
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    threads: 1
    params:
        configfile=CONFIGFILE,
    shell:
        "pidtriage coverage --configfile {params.configfile:q} --record {input.record:q} --out {output:q} > {log:q} 2>&1"
