# every file the script writes, indexes included (each a case's input: rules/common.smk)
DEMO_FILES = [
    "F03.vcf.gz",
    "F04.vcf.gz",
    "P01.vcf.gz",
    "P02.vcf.gz",
    "P05.vcf",
    "P06.vcf.gz",
    "P07.vcf.gz",
    "clinvar_demo.vcf.gz",
    "population_demo.vcf.gz",
]
DEMO_FILES += [f"{f}.tbi" for f in DEMO_FILES if f.endswith(".gz") and f != "P07.vcf.gz"]


rule make_demo_data:
    input:
        "demo/demo_sites.tsv",
    output:
        expand("demo/data/{f}", f=DEMO_FILES),
    log:
        "logs/make_demo_data.log",
    conda:
        "../envs/pidtriage.yaml"
    shell:
        "python scripts/make_demo_data.py --outdir demo/data > {log:q} 2>&1"
