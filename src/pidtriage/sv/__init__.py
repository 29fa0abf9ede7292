"""Deletions and duplications (and other SVs) in the panel genes, from a per-individual SV/CNV VCF.

    calls.py     read the calls (Manta, DELLY, WHAM, GATK gCNV, pbsv, Sniffles2, 1000 Genomes SV, MELT ...)
    evidence.py  which genes and exons a call hits, the ClinGen/ACMG CNV points (Riggs et al. 2020) and class,
                 call quality, and the call as an annotated variant of each gene it hits

The calls then go through the same inheritance models, status rules, ranking and reports as SNVs
(pidtriage.triage.judge): a deletion is a null allele of a loss-of-function gene, so a deletion and an SNV in the same
recessive gene can be a compound heterozygote.
"""
