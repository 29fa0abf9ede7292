# A joint-called VCF that several cases share is read once for the cohort: indexed once if it has no index,
# the sex of all its samples of the sheet read in one query, and their panel regions written to a small VCF
# from which each case takes its family (src/pidtriage/stages/joint.py).


rule joint:
    input:
        vcf=lambda wildcards: _present(_with_index(JOINT[wildcards.joint].vcf)),
        panel=config["panel"],
    output:
        record=f"{WORK}/joint/{{joint}}.json",
        bcf=f"{WORK}/joint/{{joint}}.panel.bcf",
        csi=f"{WORK}/joint/{{joint}}.panel.bcf.csi",
    log:
        f"{LOGS}/joint/{{joint}}.log",
    benchmark:
        f"{OUT}/benchmarks/joint/{{joint}}.tsv"
    conda:
        "../envs/pidtriage.yaml"
    threads: 2
    params:
        configfile=CONFIGFILE,
        samples=config["samples"],
        vcf=lambda wildcards: JOINT[wildcards.joint].vcf,
        # the samples it holds for the sheet: a case added to this VCF reruns it (and the cases reading it)
        members=lambda wildcards: JOINT[wildcards.joint].samples,
        workdir=lambda wildcards: f"{WORK}/joint/{wildcards.joint}",
    shell:
        PIDTRIAGE
        + " joint --configfile {params.configfile:q} --samples {params.samples:q} --vcf {params.vcf:q} "
        "--out {output.record:q} --out-bcf {output.bcf:q} --workdir {params.workdir:q} --threads {threads} "
        "> {log:q} 2>&1"
