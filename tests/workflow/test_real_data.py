"""Real background VCFs from ../shared/data through the workflow: naming differences handled silently, a GRCh37
VCF under a GRCh38 config fails with a build-mismatch reason, and runs under genome_build: GRCh37."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.workflow
HEADER = "sample_id\tvcf\tvcf_sample\tsex\tfather_id\tmother_id\taffected"


def test_real_vcfs_under_grch38(run_cohort, shared_data):
    v = shared_data / "vcf"
    clinvar = str(shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz")
    rows = run_cohort(HEADER, [
        f"NA12878\t{v}/platinum_NA12878_chr21.GRCh38.vcf.gz\t\tfemale\t\t\ttrue",
        f"HG02102\t{v}/1000G_phase3_HG02102_chr21.GRCh37.vcf.gz\t\tfemale\t\t\ttrue",
        f"manuel\t{v}/exomiser_Pfeiffer_exome.GRCh37.vcf.gz\t\tmale\t\t\ttrue",
    ], {"genome_build": "GRCh38",
        "resources": {"clinvar": {"vcf": clinvar, "min_review_stars": 0},
                      "population": {"vcf": clinvar, "af_field": "gnomADg_AF", "an_field": "gnomADg_AN",
                                     "faf_field": "", "nhomalt_field": ""}}})
    assert rows["NA12878"]["status"] in ("negative", "inconclusive")  # chr21 vs bare ClinVar names: harmonised
    for sid in ("HG02102", "manuel"):
        assert rows[sid]["status"] == "failed"
        assert "genome build GRCh37" in rows[sid]["reason"] and "GRCh38" in rows[sid]["reason"]


def test_real_vcfs_under_grch37(run_cohort, shared_data, tmp_path):
    v = shared_data / "vcf"
    rows = run_cohort(HEADER, [
        f"HG02102\t{v}/1000G_phase3_HG02102_chr21.GRCh37.vcf.gz\t\tfemale\t\t\ttrue",
        f"manuel\t{v}/exomiser_Pfeiffer_exome.GRCh37.vcf.gz\t\tmale\t\t\ttrue",
        f"HG002\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\t\tmale\tHG003\tHG004\ttrue",
        f"HG003\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\t\tmale\t\t\tfalse",
        f"HG004\t{v}/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz\t\tfemale\t\t\tfalse",
        f"NA12878g\t{v}/isaac_NA12878_chr21_gvcf.hg19.vcf.gz\tNA12878\tfemale\t\t\ttrue",
    ], {"genome_build": "GRCh37"})
    assert set(rows) == {"HG02102", "manuel", "HG002", "NA12878g"}
    # No GRCh37 ClinVar is configured. Two VCFs carry no consequence annotation: no variant can be assessed,
    # so each is failed with the fix, never "negative" (issue #15); sample QC still runs. The Isaac gVCF holds
    # chr21:20.0-22.0 Mb, outside every panel gene: no gene could be assessed (issue #29). The GIAB VCF carries
    # bcftools BCSQ consequences: assessed, negative of limited scope.
    for sid in ("HG02102", "manuel"):
        row = rows[sid]
        assert row["status"] == "failed", (sid, row)
        assert "no variant could be assessed" in row["reason"] and "resources.clinvar.vcf" in row["reason"]
    isaac = rows["NA12878g"]
    assert isaac["status"] == "failed" and "no panel gene could be assessed (" in isaac["reason"], isaac
    assert rows["HG002"]["status"] in ("negative", "inconclusive")
    assert rows["HG002"]["scope"].startswith("limited: no ClinVar resource")
    scope = json.loads((tmp_path / "results/cases/HG002/triage.json").read_text())["scope"]
    assert scope["consequence_source"] == "input: bcftools BCSQ"
    assert 0 < scope["records_with_consequence"] <= scope["records_in_panel_regions"]
    giab = json.loads((tmp_path / "results/cases/HG002/triage.json").read_text())["qc"]
    # The GIAB exome slice is chr1-2 only: no chrX/chrY, so sex is "not inferred" (never a false mismatch) and
    # the trio's Mendelian check runs on the panel's autosomal sites: a true trio has few errors.
    assert [i["sex_check"] for i in giab["individuals"]] == ["not_inferred"] * 3
    assert giab["mendelian"]["evaluated"] and giab["mendelian"]["rate"] < 0.03
    assert [i["role"] for i in giab["individuals"]] == ["proband", "father", "mother"]
    assert giab["individuals"][0]["records_in_vcf"] == 9940  # from the index, not a scan
    scout_like = json.loads((tmp_path / "results/cases/HG002/triage.json").read_text())
    assert not any("gVCF" in n for n in scout_like["qc"]["notes"])


def test_scout_trio_sex_and_pedigree(run_cohort, shared_data, tmp_path):
    """Real male and female samples: the Scout trio (PED: ADM1059A1 father, A2 affected son, A3 mother)."""
    vcf = shared_data / "vcf/scout_demo_643594_trio.clinical.GRCh37.vcf.gz"
    ped = {line.split("\t")[1]: line.split("\t")[4] for line in
           (shared_data / "vcf/scout_demo_643594.ped").read_text().splitlines()[1:] if line.strip()}
    rows = run_cohort(HEADER, [
        f"ADM1059A2\t{vcf}\t\tmale\tADM1059A1\tADM1059A3\ttrue",
        f"ADM1059A1\t{vcf}\t\tmale\t\t\tfalse",
        f"ADM1059A3\t{vcf}\t\tfemale\t\t\tfalse",
        f"SWAPPED\t{vcf}\tADM1059A3\tmale\t\t\ttrue",  # the mother's sample under a boy's row
    ], {"genome_build": "GRCh37"})
    doc = json.loads((tmp_path / "results/cases/ADM1059A2/triage.json").read_text())
    inferred = {i["sample"]: i["sex_inferred"] for i in doc["qc"]["individuals"]}
    assert inferred == {s: {"1": "male", "2": "female"}[ped[s]] for s in ped}
    assert doc["qc"]["warnings"] == []
    # the mother's sample under a boy's row: a swapped sample is failed with the fix, never given a result
    # (issue #29: sampleqc.hard_failures); summary.tsv's qc says why
    assert rows["SWAPPED"]["sex_inferred"] == "female" and rows["SWAPPED"]["status"] == "failed"
    assert rows["SWAPPED"]["qc"].startswith("failed: ") and "reported male but the data suggest female" in rows["SWAPPED"]["qc"]
    assert "set sex to unknown" in rows["SWAPPED"]["reason"]
    swapped = json.loads((tmp_path / "results/cases/SWAPPED/triage.json").read_text())
    assert swapped["qc"]["sex_check"] == "mismatch" and swapped["no_known_defect"] is None
    html = (tmp_path / "results/cases/SWAPPED/report.html").read_text()
    assert "a swapped sample or a sample-sheet error" in html


def test_wrong_pedigree_fails_the_case(run_cohort, shared_data, tmp_path):
    """HG003 (HG002's father) entered as the child of HG002 and HG004: the data contradict the pedigree."""
    vcf = shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz"
    rows = run_cohort(HEADER, [
        f"HG003\t{vcf}\t\tmale\tHG002\tHG004\ttrue",
        f"HG002\t{vcf}\t\tmale\t\t\tfalse",
        f"HG004\t{vcf}\t\tfemale\t\t\tfalse",
    ], {"genome_build": "GRCh37"})
    assert rows["HG003"]["status"] == "failed"
    assert "Mendelian-error rate" in rows["HG003"]["reason"] and "father_id/mother_id" in rows["HG003"]["reason"]


def test_resource_of_another_build_fails_cases(run_cohort, shared_data):
    clinvar38 = str(shared_data / "clinvar/clinvar_20260226_GRCh38_subset_ATM_PMS2.vcf.gz")
    vcf = shared_data / "vcf/1000G_phase3_HG02102_chr21.GRCh37.vcf.gz"
    rows = run_cohort(HEADER, [f"HG02102\t{vcf}\t\tfemale\t\t\ttrue"],
                      {"genome_build": "GRCh37", "resources": {"clinvar": {"vcf": clinvar38}}})
    assert rows["HG02102"]["status"] == "failed"
    assert "GRCh38" in rows["HG02102"]["reason"] and "GRCh37" in rows["HG02102"]["reason"]


SPIKES = [  # (pos, ref, alt, symbol, HG002, HG003 father, HG004 mother): GRCh37 chr1, inside the genes
    (22400000, "C", "T", "CDC42", "0/1", "0/0", "0/0"),    # de novo in an AD gene
    (33480000, "C", "T", "AK2", "0/1", "0/1", "0/0"),      # AK2 pair, both from the father: cis
    (33490000, "G", "A", "AK2", "0/1", "0/1", "0/0"),
    (235900000, "C", "T", "LYST", "0/1", "0/1", "0/0"),    # LYST pair, one from each parent: trans
    (235950000, "G", "A", "LYST", "0/1", "0/0", "0/1"),
]
CSQ_HEADER = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. Format: '
              'Allele|Consequence|IMPACT|SYMBOL|Feature|EXON|HGVSc|HGVSp|Protein_position">')


def _spiked_giab(shared_data, tmp_path):
    """The real GIAB trio with stop-gained variants spiked in (CSQ on the spikes only), as a plain VCF."""
    import gzip

    src = shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz"
    with gzip.open(src, "rt") as fh:
        lines = fh.read().splitlines()
    header = [h for h in lines if h.startswith("#")]
    body = [b for b in lines if not b.startswith("#")]
    for pos, ref, alt, symbol, *gts in SPIKES:
        calls = "\t".join(f"{g}:15,15:30:99:0,0,0" for g in gts)
        csq = f"{alt}|stop_gained|HIGH|{symbol}|tx|3/12|c.100{ref}>{alt}|p.Arg34Ter|34/600"
        body.append(f"1\t{pos}\t.\t{ref}\t{alt}\t500\tPASS\tCSQ={csq}\tGT:AD:DP:GQ:PL\t{calls}")
    body.sort(key=lambda b: (b.split("\t")[0] != "1", int(b.split("\t")[1])))
    out = tmp_path / "giab_spiked.vcf"
    out.write_text("\n".join([*header[:-1], CSQ_HEADER, header[-1], *body]) + "\n")
    pop = tmp_path / "population.vcf"  # a population resource covering chr1 with known AN; the spikes are absent
    pop.write_text('##fileformat=VCFv4.2\n##contig=<ID=1,length=249250621>\n'
                   '##INFO=<ID=AF_joint,Number=A,Type=Float,Description="AF">\n'
                   '##INFO=<ID=AN_joint,Number=1,Type=Integer,Description="AN">\n'
                   '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t1000\t.\tA\tG\t.\tPASS\tAF_joint=0.1;AN_joint=150000\n')
    import pysam

    pysam.tabix_index(str(pop), preset="vcf", force=True)
    return out, str(pop) + ".gz"


def test_giab_trio_with_spiked_variants_and_its_ped(run_cohort, shared_data, tmp_path):
    vcf, pop = _spiked_giab(shared_data, tmp_path)
    ped = shared_data / "vcf/giab_ashkenazim_trio.ped"
    rows = run_cohort("sample_id\tvcf\tsex\taffected", [
        f"HG002\t{vcf}\tmale\ttrue", f"HG003\t{vcf}\tunknown\tfalse", f"HG004\t{vcf}\tunknown\tfalse",
    ], {"genome_build": "GRCh37", "pedigree": str(ped),
        "resources": {"population": {"vcf": pop, "af_field": "AF_joint", "an_field": "AN_joint", "faf_field": "",
                                     "nhomalt_field": ""}}})
    assert set(rows) == {"HG002"}  # parents unaffected in the sheet; the PED's "unknown" (0) keeps that
    assert rows["HG002"]["status"] == "positive"
    doc = json.loads((tmp_path / "results/cases/HG002/triage.json").read_text())
    assert doc["case"]["father_id"] == "HG003" and doc["case"]["mother_id"] == "HG004"  # from the PED
    findings: dict = {}
    for f in doc["findings"]:  # best first: keep the first finding of each kind per gene
        findings.setdefault((f["gene"], f["finding"]), f)
    trans = findings[("LYST", "AR_compound_het")]
    assert trans["variants"] == ["1:235900000:C:T", "1:235950000:G:A"] and trans["level"] == "positive"
    assert findings[("CDC42", "de_novo")]["level"] == "positive"
    assert ("AK2", "AR_compound_het") not in findings and ("AK2", "AR_possible_compound_het") not in findings
    assert [f["finding"] for f in doc["findings"] if f["gene"] == "AK2"] == ["AR_single_het", "AR_single_het"]
    cands = {(c["gene"], c["pos"]): c for c in doc["candidates"]}
    assert "PS2" in cands[("CDC42", 22400000)]["acmg_criteria"]  # parentage supported: 2/253 Mendelian errors
    assert "PM3" in cands[("LYST", 235900000)]["acmg_criteria"].split(",")
    assert cands[("AK2", 33480000)]["acmg_class"] == "LP"  # PVS1 + PM2_Supporting, no PM3 in cis
