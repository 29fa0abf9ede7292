rule annotate:
    input:
        record=f"{WORK}/extract/{{sample}}.json",
        vcf=f"{WORK}/extract/{{sample}}.panel.vcf.gz",
    output:
        f"{WORK}/annotate/{{sample}}.json",
    log:
        f"{LOGS}/annotate/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/annotate/{{sample}}.tsv"
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    params:
        configfile=CONFIGFILE,
    shell:
        "pidtriage annotate --configfile {params.configfile:q} --record {input.record:q} --out {output:q} > {log:q} 2>&1"
