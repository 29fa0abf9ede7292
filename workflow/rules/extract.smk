rule extract:
    input:
        record=f"{WORK}/validate/{{sample}}.json",
        panel=config["panel"],
    output:
        record=f"{WORK}/extract/{{sample}}.json",
        vcf=f"{WORK}/extract/{{sample}}.panel.vcf.gz",
        tbi=f"{WORK}/extract/{{sample}}.panel.vcf.gz.tbi",
    log:
        f"{LOGS}/extract/{{sample}}.log",
    benchmark:
        f"{OUT}/benchmarks/extract/{{sample}}.tsv"
    group:
        "case"
    conda:
        "../envs/pidtriage.yaml"
    # 1 by default: a cohort keeps every core busy with cases, and the extraction's second process costs more
    # than it gains there (100 exomes on 2 cores: 98 s with 2, RESULTS.md). For a lone genome, give it two:
    # --set-threads extract=2 (the extraction beside the sex inference, the panel's contigs in two groups)
    threads: 1
    params:
        configfile=CONFIGFILE,
        workdir=lambda wildcards, output: os.path.join(
            os.path.dirname(output.record), "index", wildcards.sample
        ),
    shell:
        "pidtriage extract --configfile {params.configfile:q} --record {input.record:q} --out-vcf {output.vcf:q} "
        "--out {output.record:q} --workdir {params.workdir:q} --threads {threads} > {log:q} 2>&1"
