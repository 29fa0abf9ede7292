"""The real-referral validation's HGVS -> VEP-style CSQ derivation (tests/benchmarks/referral_csq.py), on variants
of published patients and ClinVar checked by hand, and the held-out guard of its phenopacket-store reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from referral_csq import CSQ_HEADER, Transcript, csq_value, derive, vep_allele
from referral_store import PhenopacketStore, StoreError, extract, is_held_out

from pidtriage.annotate.consequence import parse_csq


@pytest.mark.parametrize(("hgvs_c", "hgvs_p", "ref", "alt", "terms", "impact", "klass"), [
    ("NM_001625.4:c.494A>G", "NP_001616.1:p.(Asp165Gly)", "T", "C", ("missense_variant",), "MODERATE", "missense"),
    ("NM_000383.4:c.769C>T", "p.Arg257Ter", "C", "T", ("stop_gained",), "HIGH", "nonsense"),
    ("NM_003482.3:c.4135_4136del", "p.(Met1379ValfsTer52)", "CAT", "C", ("frameshift_variant",), "HIGH", "frameshift"),
    ("NM_000383.4:c.931del", "", "CT", "C", ("frameshift_variant",), "HIGH", "frameshift"),  # no p.: 1 base lost
    ("NM_020964.3:c.73_75del", "p.(Lys25del)", "ACTT", "A", ("inframe_deletion",), "MODERATE", "in-frame"),
    ("c.3394_3405delinsGGGTCC", "p.(Lys1132_Lys1135delinsGlySer)", "AAAACCATAAAG", "GGGTCC",
     ("inframe_deletion",), "MODERATE", "in-frame"),  # 4 residues become 2
    ("NM_000136.3:c.996G>A", "p.(Gln332=)", "C", "T", ("synonymous_variant",), "LOW", "synonymous"),
    ("NM_001625.4:c.1A>G", "p.(Met1?)", "T", "C", ("start_lost",), "HIGH", "start lost"),
    ("NM_000383.4:c.1A>T", "", "A", "T", ("start_lost",), "HIGH", "start lost"),  # no p.: the start codon
    ("c.1400A>G", "p.(Ter467Trpext*?)", "A", "G", ("stop_lost",), "HIGH", "stop lost"),
    ("NM_001625.4:c.331-1G>A", "p.?", "C", "T", ("splice_acceptor_variant",), "HIGH", "splice +/-1/2"),
    ("NM_001625.4:c.498+1G>A", "p.?", "C", "T", ("splice_donor_variant",), "HIGH", "splice +/-1/2"),
    ("c.132+1_132+3delinsCT", "", "GTG", "CT", ("splice_donor_variant",), "HIGH", "splice +/-1/2"),
    ("NM_000022.4:c.478+3G>C", "", "C", "G", ("splice_region_variant", "intron_variant"), "LOW", "splice region"),
    ("c.4034+3_4034+6del", "p.?", "TTAAG", "T", ("splice_region_variant", "intron_variant"), "LOW", "splice region"),
    ("NM_203447.4:c.529-15T>G", "p.?", "T", "G", ("intron_variant",), "MODIFIER", "intronic"),  # beyond -8
    ("c.-20C>T", "", "C", "T", ("5_prime_UTR_variant",), "MODIFIER", "5' UTR"),
    ("c.*5G>A", "", "G", "A", ("3_prime_UTR_variant",), "MODIFIER", "3' UTR"),
])  # fmt: skip
def test_derive_hand_checked(hgvs_c: str, hgvs_p: str, ref: str, alt: str, terms: tuple[str, ...], impact: str,
                             klass: str) -> None:
    d = derive(hgvs_c, hgvs_p, ref, alt)
    assert d is not None
    assert (d.terms, d.impact, d.klass) == (terms, impact, klass)


def test_coding_substitution_without_protein_change_is_not_guessed() -> None:
    assert derive("NM_001101.5:c.938T>G", "", "A", "C") is None


def test_exonic_splice_region_keeps_the_class_of_the_protein_change() -> None:
    missense = derive("c.100C>T", "p.Arg34Trp", "C", "T", exonic_splice_region=True)
    synonymous = derive("c.99G>A", "p.Arg33=", "G", "A", exonic_splice_region=True)
    assert missense is not None and synonymous is not None
    assert (missense.terms, missense.klass) == (("missense_variant", "splice_region_variant"), "missense")
    assert (synonymous.terms, synonymous.impact, synonymous.klass) == (
        ("splice_region_variant", "synonymous_variant"), "LOW", "synonymous")


def test_the_package_reads_the_written_csq() -> None:
    """The header's Format and a value, read by pidtriage's own CSQ parser (as annotate does from the VCF header)."""
    fields = [f.strip() for f in CSQ_HEADER.split("Format:", 1)[1].rstrip('">').split("|")]
    tx = Transcript("AK2", "HGNC:362", "ENSG00000004455.18", "ENST00000672715.1", "ENSP00000499935.1",
                    "NM_001625.4", -1)
    d = derive("NM_001625.4:c.494A>G", "p.(Asp165Gly)", "T", "C")
    assert d is not None
    (c,) = parse_csq(csq_value(d, tx, "T", "C"), fields, "C")
    assert (c.so_terms, c.impact, c.symbol, c.hgnc_id, c.transcript) == (
        ("missense_variant",), "MODERATE", "AK2", "HGNC:362", "ENST00000672715.1")
    assert (c.hgvs_c, c.hgvs_p, c.is_mane_select, c.is_canonical) == ("c.494A>G", "p.Asp165Gly", True, True)
    d = derive("c.996G>A", "p.(Gln332=)", "C", "T")
    assert d is not None
    (syn,) = parse_csq(csq_value(d, tx, "C", "T"), fields, "T")
    assert syn.hgvs_p == "p.Gln332="
    d = derive("c.931del", "", "CT", "C")
    assert d is not None and vep_allele("CT", "C") == "-"
    assert parse_csq(csq_value(d, tx, "CT", "C"), fields, "C")[0].so_terms == ("frameshift_variant",)


def test_held_out_genes_are_not_read(tmp_path: Path) -> None:
    for gene in ("AK2", "ZAP70"):
        folder = tmp_path / "notebooks" / gene / "phenopackets"
        folder.mkdir(parents=True)
        (folder / "P1.json").write_text(json.dumps({"id": f"{gene}_P1", "subject": {"id": "P1", "sex": "MALE"}}))
    assert [is_held_out(g) for g in ("AK2", "LYST", "MAGT1", "ZAP70")] == [False, False, True, True]
    store = PhenopacketStore(tmp_path)
    assert store.genes() == ["AK2", "ZAP70"]
    assert [p for p, _ in store.packets("AK2")] == ["notebooks/AK2/phenopackets/P1.json"]
    with pytest.raises(StoreError, match="held-out"):
        store.packets("ZAP70")
    assert len(PhenopacketStore(tmp_path, include_held_out=True).packets("ZAP70")) == 1


def test_a_clinic_phenopacket_has_no_diagnosis() -> None:
    packet = {"id": "PMID_1_P1", "subject": {"id": "P1", "sex": "FEMALE"},
              "phenotypicFeatures": [{"type": {"id": "HP:0002090"}}, {"type": {"id": "HP:0001508"}, "excluded": True}],
              "interpretations": [{"id": "i", "diagnosis": {"disease": {"id": "OMIM:1"}, "genomicInterpretations": [
                  {"variantInterpretation": {"variationDescriptor": {
                      "id": "v", "geneContext": {"symbol": "KDM6A"}, "allelicState": {"label": "hemizygous"},
                      "expressions": [{"syntax": "hgvs.c", "value": "NM_001291415.2:c.2988+1G>A"}],
                      "vcfRecord": {"genomeAssembly": "hg38", "chrom": "chrX", "pos": 100, "ref": "G", "alt": "A"}}}}]}}],
              "diseases": [{"term": {"id": "OMIM:1"}}],
              "metaData": {"externalReferences": [{"id": "PMID:1", "description": "KDM6A mutations"}]}}  # fmt: skip
    p = extract("KDM6A", "x.json", json.dumps(packet))
    assert (p.skip, p.sex, p.observed, p.excluded) == ("", "female", ("HP:0002090",), ("HP:0001508",))
    assert [(a.chrom, a.genotype) for a in p.alleles] == [("X", "het")] and "hemizygous in a female" in p.note
    assert "KDM6A" not in p.packet and "OMIM" not in p.packet and "interpretations" not in p.packet
