rule triage:
    input:
        record=f"{WORK}/annotate/{{sample}}.json",
        coverage=f"{WORK}/coverage/{{sample}}.json",
    output:
        json=f"{OUT}/cases/{{sample}}/triage.json",
        variants=f"{OUT}/cases/{{sample}}/variants.tsv",
    log:
        f"{LOGS}/triage/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/triage/{{sample}}.tsv"
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    params:
        configfile=CONFIGFILE,
        previous=lambda wildcards: (
            f"{config['reanalysis']['previous']}/cases/{wildcards.sample}/triage.json"
            if config["reanalysis"]["previous"]
            else ""
        ),
    shell:
        "pidtriage triage --configfile {params.configfile:q} --record {input.record:q} --coverage {input.coverage:q} --previous={params.previous:q} --out {output.json:q} > {log:q} 2>&1"
