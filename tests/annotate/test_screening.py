"""The pre-annotation screen (Annotator.screen) must never change a result: on real VCFs with BCSQ (GIAB
trio) and VEP CSQ (Scout trio), triage of every panel record and triage of the screened records give the same
candidates."""

from __future__ import annotations

import dataclasses

import pytest

from pidtriage.annotate.pipeline import Annotator
from pidtriage.config import load_config
from pidtriage.io.vcf import csq_format, read_header, read_records
from pidtriage.models import CaseInfo, Sex
from pidtriage.stages import annotate_stage, extract_stage, family_of, load_panel, validate_stage
from pidtriage.triage.judge import triage_case


@pytest.mark.parametrize(("vcf", "proband", "father", "mother"), [
    ("giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz", "HG002", "HG003", "HG004"),
    ("scout_demo_643594_trio.clinical.GRCh37.vcf.gz", "ADM1059A2", "ADM1059A1", "ADM1059A3"),
])  # fmt: skip
def test_screen_keeps_every_candidate(shared_data, tmp_path, vcf, proband, father, mother):
    # no GRCh37 population resource here, so a VUS has 0 points: let every VUS through, to compare the most
    config = load_config(None, overrides={"genome_build": "GRCh37", "triage": {"min_vus_points": 0}})
    panel = load_panel(config)
    path = str(shared_data / "vcf" / vcf)
    case = CaseInfo(sample_id=proband, vcf=path, vcf_sample=proband, sex=Sex.MALE, father_id=father, mother_id=mother,
                    father_vcf_sample=father, mother_vcf_sample=mother, father_vcf=path, mother_vcf=path)
    record = extract_stage(validate_stage(case, config), config, panel, out_vcf=tmp_path / "p.vcf.gz", workdir=tmp_path)
    screened = annotate_stage(record, config, panel)
    header = read_header(record.extracted_vcf)
    every = Annotator(config, panel, csq_fields=csq_format(header, "CSQ")).annotate(
        list(read_records(record.extracted_vcf, record.samples_in_vcf)), sex=Sex.MALE)
    assert len(every) > 3 * len(screened.variants)  # the screen does drop records

    def candidates(variants):
        r = dataclasses.replace(screened, variants=tuple(variants))
        result = triage_case(r.variants, case=case, family=family_of(r, config), sex=Sex.MALE,
                             panel_genes=panel.by_hgnc_id(), thresholds=config.values)
        return [(c.av.variant.key, c.gene.symbol, c.finding.value, c.classification.acmg_class) for c in result.candidates]

    full = candidates(every)
    assert full and candidates(screened.variants) == full


def test_the_screen_keeps_every_consequence_that_can_qualify():
    """The pre-annotation screen (Annotator.screen) must keep every record triage._qualifies could keep: a VUS
    qualifies with a HIGH or MODERATE consequence or a splice term, so each such SO term must contain one of the
    words the screen's bcftools expression looks for (ClinVar records are kept whatever their consequence)."""
    from pidtriage.annotate.consequence import HIGH, LOW, MODERATE, SCREEN_WORDS

    can_qualify = set(HIGH) | set(MODERATE) | {t for t in LOW if "splice" in t}
    assert can_qualify and all(any(w in term for w in SCREEN_WORDS) for term in can_qualify)


def test_near_coding_patterns_find_what_python_finds(shared_data, tmp_path):
    """The screen's basic regular expressions for HGVS c. positions near an exon or the coding sequence select, in
    the real Scout VCF (VEP CSQ), exactly the records in which Python's extended expression finds such a position
    (c.1078-12G>A kept, c.1750-161_... dropped)."""
    import gzip
    import re

    import pysam.bcftools

    from pidtriage.annotate.consequence import near_coding_patterns

    vcf = shared_data / "vcf" / "scout_demo_643594_trio.clinical.GRCh37.vcf.gz"
    expr = " || ".join(f'INFO/CSQ~"{p}"' for p in near_coding_patterns(20))
    got = set(str(pysam.bcftools.query("-i", expr, "-f", "%CHROM:%POS\n", str(vcf))).split())
    near = re.compile(r"c\.\d+[+-](?:[1-9]|1\d|20)[^0-9]|c\.[-*](?:[1-9]|1\d|20)[^-+0-9]")
    want = set()
    with gzip.open(vcf, "rt") as fh:
        for line in fh:
            if not line.startswith("#"):
                f = line.split("\t")
                csq = next((kv[4:] for kv in f[7].split(";") if kv.startswith("CSQ=")), "")
                if near.search(csq):
                    want.add(f"{f[0]}:{f[1]}")
    assert len(want) > 20 and got == want
