"""Consequences, ClinVar and gnomAD fields from the real annotator outputs and resource slices in ../shared/data:
every source parses into one model, with the values the files hold."""

from __future__ import annotations

import json

import pytest

from pidtriage.annotate.clinvar_record import clinvar_record
from pidtriage.annotate.consequence import (
    bcsq_references,
    parse_ann,
    parse_bcsq,
    parse_csq,
    parse_eff,
    parse_vep_json,
    pick_consequence,
)
from pidtriage.annotate.frequency import population_frequency
from pidtriage.annotate.scores import scores_from_csq
from pidtriage.io.tabix import SitesVcf
from pidtriage.io.vcf import csq_format, read_header, read_records
from pidtriage.models import Variant


def _first(path, key="CSQ"):
    header = read_header(path, check_compression=False)
    rec = next(iter(read_records(path, list(header.samples)[:1])))
    return header, rec, dict(rec.annotations)[key]


@pytest.mark.parametrize(("name", "key", "symbol", "hgnc", "tx", "terms", "hgvs_c", "hgvs_p", "exon"), [
    ("scout_vep97_clnsig_conservation_revel.GRCh37.vcf", "1:986732:G:A", "AGRN", "HGNC:329", "ENST00000379370.2",
     ("missense_variant",), "c.5353G>A", "p.Asp1785Asn", "31/36"),
    ("scout_vep104_annotated.GRCh37.vcf", "1:5924512:C:A", "NPHP4", "HGNC:19104", "ENST00000378156.4",
     ("missense_variant",), "c.3882G>T", "p.Arg1294Ser", "28/30"),
    ("scout_vep113_existing_variation.GRCh38.vcf", "chr15:48409410:C:T", "FBN1", "HGNC:3603", "ENST00000316623.10",
     ("3_prime_UTR_variant",), "c.*1580G>A", "", "66/66"),
])  # fmt: skip
def test_vep_97_104_113_parse_through_their_format_line(shared_data, name, key, symbol, hgnc, tx, terms, hgvs_c,
                                                       hgvs_p, exon):
    path = str(shared_data / "annotated" / name)
    header, rec, csq = _first(path)
    fields = csq_format(header)
    assert str(rec.variant.key) == key and "Allele" in fields and "HGNC_ID" in fields
    chosen = pick_consequence(parse_csq(csq, fields, rec.variant.alt), hgnc_id=hgnc, symbol=symbol)
    assert chosen is not None and chosen.is_canonical
    assert (chosen.transcript, chosen.so_terms, chosen.hgvs_c, chosen.hgvs_p, chosen.exon) == (tx, terms, hgvs_c, hgvs_p, exon)


def test_vep_scores_use_the_score_not_the_rank_score(shared_data):
    """VEP 97 carries only REVEL_rankscore (not a REVEL score: not used); VEP 104 carries REVEL_score."""
    h97, r97, csq97 = _first(str(shared_data / "annotated/scout_vep97_clnsig_conservation_revel.GRCh37.vcf"))
    assert "revel" not in scores_from_csq(csq97, csq_format(h97), r97.variant.alt)
    h104, r104, csq104 = _first(str(shared_data / "annotated/scout_vep104_annotated.GRCh37.vcf"))
    assert scores_from_csq(csq104, csq_format(h104), r104.variant.alt)["revel"] == pytest.approx(0.664)


def test_snpeff_ann_and_legacy_eff(shared_data, tmp_path):
    path = shared_data / "annotated/snpeff_test.chr22.ann.filter_missense_any.GRCh37.vcf"
    with pytest.raises(Exception, match="first line is not ##fileformat"):  # the real file lacks it: a clear error
        read_header(str(path), check_compression=False)
    fixed = tmp_path / "snpeff.vcf"
    fixed.write_text("##fileformat=VCFv4.1\n" + path.read_text())
    header = read_header(str(fixed), check_compression=False)
    recs = list(read_records(str(fixed), []))
    assert len(recs) == 20
    every = [c for r in recs for c in parse_ann(dict(r.annotations)["ANN"], r.variant.alt)]
    assert any("missense_variant" in c.so_terms and c.hgvs_p.startswith("p.") for c in every)
    assert all(c.source == "snpeff_ann" and c.impact in ("HIGH", "MODERATE", "LOW", "MODIFIER") for c in every)
    gemini = str(shared_data / "annotated/gemini_test4.vep.snpeff.hg19.vcf")
    effs = [c for r in read_records(gemini, list(read_header(gemini, check_compression=False).samples)[:1])
            for c in parse_eff(dict(r.annotations).get("EFF", ""))]
    assert any(c.so_terms == ("stop_lost",) and c.symbol == "WDR37" and c.hgvs_p == "p.*250R" for c in effs)
    assert any(c.so_terms == ("missense_variant",) and c.transcript == "ENST00000420079" for c in effs)
    assert header  # the ANN header parsed too


def test_bcsq_from_real_giab_records_and_back_references(shared_data):
    path = str(shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz")
    bcsq = [dict(r.annotations)["BCSQ"] for r in read_records(path, ["HG002"]) if "BCSQ" in dict(r.annotations)]
    assert bcsq
    parsed = [c for v in bcsq for c in parse_bcsq(v)]
    assert any(c.so_terms == ("missense_variant",) and c.hgvs_p.startswith("p.") for c in parsed)
    # a same-codon pair as bcftools csq writes it: the joint consequence on one record, `@POS` on the other
    joint = "missense|RAG1|ENST00000299440|protein_coding|+|108R>108*|36573626C>T+36573627G>A"
    assert bcsq_references("@36573626") == [36573626] and parse_bcsq("@36573626") == []
    assert parse_bcsq(joint)[0].hgvs_p == "p.108R>108*"


def test_vep_rest_json_in_the_same_model_with_mane(shared_data):
    d = json.loads((shared_data / "annotated/vep_rest_json/16_89279135_89279135_G_C.json").read_text())
    cons = parse_vep_json(d)
    chosen = pick_consequence(cons, hgnc_id="", symbol="ANKRD11")
    assert chosen is not None and chosen.is_mane_select and chosen.transcript == "NM_013275.6"
    assert (chosen.so_terms, chosen.hgvs_c, chosen.hgvs_p, chosen.impact) == (
        ("stop_gained",), "c.7407C>G", "p.Tyr2469Ter", "HIGH")
    lmna = parse_vep_json(json.loads((shared_data / "annotated/vep_rest_json/1_156115215_156115218_CGCC_C.json").read_text()))
    picked = pick_consequence(lmna, hgnc_id="", symbol="LMNA")
    assert picked is not None and picked.hgvs_p == "p.Ala100del" and picked.so_terms == ("inframe_deletion",)


def test_clinvar_stars_conflicts_and_variation_id_from_the_official_vcf(shared_data):
    cv = SitesVcf(shared_data / "clinvar/clinvar_20260226_GRCh38_subset_ATM_PMS2.vcf.gz", role="clinvar")
    rec = clinvar_record(cv.lookup(Variant("11", 108227594, "G", "T")))
    assert rec is not None and rec.variation_id == "224517" and rec.stars == 1
    assert rec.significance.startswith("Conflicting") and not rec.is_pathogenic and "Likely" in rec.conflicts
    assert "Ataxia-telangiectasia syndrome" in rec.conditions
    assert cv.header_value("fileDate") == "2026-02-26"
    stars = {}
    for _key, info in cv.records_in("11", 108_000_000, 109_000_000):
        r = clinvar_record(info)
        if r:
            stars[r.review_status] = r.stars
    assert stars.get("criteria_provided,_multiple_submitters,_no_conflicts") == 2
    assert stars["reviewed_by_expert_panel"] == 3 and stars["criteria_provided,_single_submitter"] == 1
    assert stars["no_assertion_criteria_provided"] == 0 and stars["criteria_provided,_conflicting_classifications"] == 1


def test_gnomad_v4_fields_on_the_real_slices(shared_data):
    ex = SitesVcf(shared_data / "gnomad/gnomad_v4.0_exomes_chr1_55039893-55039951.GRCh38.vcf.gz", role="population")
    _key, info = next((k, i) for k, i in ex.records_in("1", 55039893, 55039951) if float(i.get("AF", 0) or 0) > 0)
    pf = population_frequency(info, af_field="AF", an_field="AN", faf_field="fafmax_faf95_max",
                              nhomalt_field="nhomalt", grpmax_field="AF_grpmax")
    assert pf.found and pf.af == float(info["AF"]) and pf.an == int(info["AN"]) and pf.nhomalt == int(info["nhomalt"])
    assert pf.grpmax is not None and pf.grpmax >= pf.af
    chrx = SitesVcf(shared_data / "gnomad/gnomad_v4.0_exomes_chrX_253602-255239.GRCh38.vcf.gz", role="population")
    _, xinfo = next(iter(chrx.records_in("X", 253602, 255239)))
    px = population_frequency(xinfo, af_field="AF", an_field="AN", nhemi_field="nhomalt_XY")
    assert px.nhemi == int(xinfo["nhomalt_XY"])
    absent = population_frequency({"AN": "140", "AF": ""}, af_field="AF", an_field="AN")
    assert absent.an == 140
    assert not population_frequency(None, af_field="AF").found  # not in the resource: "absent", not "missing"


def test_gnomad_exomes_and_genomes_combined(shared_data):
    """The real v4.0 exome and genome slices over one PCSK9 exon: counts add up, the AF is AN-weighted."""
    from pidtriage.annotate.frequency import combine_frequencies

    ex = SitesVcf(shared_data / "gnomad/gnomad_v4.0_exomes_chr1_55039893-55039951.GRCh38.vcf.gz", role="population")
    ge = SitesVcf(shared_data / "gnomad/gnomad_v4.0_genomes_chr1_55039894-55039948.GRCh38.vcf.gz", role="population")
    fields = {"af_field": "AF", "an_field": "AN", "nhomalt_field": "nhomalt", "grpmax_field": "AF_grpmax"}
    exomes = dict(ex.records_in("1", 55039893, 55039951))
    both = [k for k, _ in ge.records_in("1", 55039894, 55039948) if k in exomes and float(exomes[k]["AF"] or 0) > 0]
    assert both
    chrom, pos, ref, alt = both[0]
    v = Variant(f"chr{chrom}", pos, ref, alt)
    a = population_frequency(ex.lookup(v), **fields)
    b = population_frequency(ge.lookup(v), **fields)
    c = combine_frequencies(a, b)
    assert c.an == a.an + b.an and c.nhomalt == (a.nhomalt or 0) + (b.nhomalt or 0)
    assert c.af == pytest.approx((a.af * a.an + b.af * b.an) / (a.an + b.an))
    assert c.grpmax == max(x for x in (a.grpmax, b.grpmax) if x is not None)
    only_exome = combine_frequencies(a, population_frequency(None, **fields))
    assert only_exome.found and only_exome.af == a.af
