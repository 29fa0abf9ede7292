"""Which transcript a variant's HGVS is on (annotate/nomenclature.py) and what ClinVar says of it, in the one wording of
every output (annotate/clinvar.clinvar_summary): issue #29's LYST and RORC lines paired the MANE RefSeq ID with
whatever Ensembl transcript the input's annotation chose."""

from __future__ import annotations

import pytest

from pidtriage.annotate.clinvar_record import clinvar_summary
from pidtriage.annotate.consequence import parse_bcsq, pick_consequence
from pidtriage.annotate.nomenclature import nomenclature
from pidtriage.io.vcf import read_header, read_records
from pidtriage.models import ClinVarRecord, Consequence

LYST = {"mane_ensembl": "ENST00000389793.7", "mane_refseq": "NM_000081.4"}


def cons(transcript: str, *, source: str = "vep_csq", mane: bool = False, refseq: str = "") -> Consequence:
    return Consequence(("missense_variant",), "MODERATE", "HGNC:1968", "LYST", transcript, is_mane_select=mane,
                       mane_refseq=refseq, hgvs_c="c.409G>A", hgvs_p="p.Gly137Ser", source=source)


@pytest.mark.parametrize(("transcript", "mane_select", "refseq", "label"), [
    ("ENST00000389793.7", True, "NM_000081.4", "NM_000081.4 (MANE Select, ENST00000389793.7)"),
    ("ENST00000389793", True, "NM_000081.4", "NM_000081.4 (MANE Select, ENST00000389793)"),
    ("ENST00000389793.2", True, "NM_000081.4", "ENST00000389793.2 (MANE Select is ENST00000389793.7 / NM_000081.4)"),
    ("NM_000081.4", True, "NM_000081.4", "NM_000081.4 (MANE Select)"),
    ("ENST00000487530", False, "",
     "ENST00000487530, not the MANE transcript (MANE Select: ENST00000389793.7 / NM_000081.4)"),
])  # fmt: skip
def test_the_mane_refseq_id_only_beside_its_own_transcript(transcript, mane_select, refseq, label):
    n = nomenclature(cons(transcript), **LYST)
    assert (n.transcript, n.mane_select, n.mane_refseq, n.label) == (transcript, mane_select, refseq, label)


def test_vep_flags_a_mane_select_the_panel_does_not_know():
    """VEP's MANE_SELECT names the RefSeq ID of its own MANE release: kept, not the panel's."""
    n = nomenclature(cons("ENST00000999999.1", mane=True, refseq="NM_999999.1"), **LYST)
    assert (n.mane_select, n.mane_refseq, n.label) == (True, "NM_999999.1", "NM_999999.1 (MANE Select, ENST00000999999.1)")


def test_clinvar_hgvs_names_no_transcript():
    c = Consequence(("stop_gained",), "HIGH", hgvs_c="c.1262G>A", hgvs_p="p.Trp421Ter", source="clinvar_hgvs")
    n = nomenclature(c, mane_ensembl="ENST00000308731.8", mane_refseq="NM_000061.3")
    assert (n.transcript, n.mane_select, n.mane_refseq) == ("", False, "")
    assert n.label == "transcript not stated: HGVS as ClinVar gives it"


def test_a_gene_without_mane_select():
    n = nomenclature(cons("ENST00000487530"), mane_ensembl="", mane_refseq="")
    assert n.label == "ENST00000487530, not the MANE transcript (the gene has no MANE Select transcript)"


def test_lyst_giab_bcsq_on_a_non_mane_transcript(shared_data):
    """The real GIAB record 1:235910542 C>T: its BCSQ names ENST00000487530 only; the report said
    "ENST00000487530 / NM_000081.4 p.Gly137Ser"."""
    vcf = str(shared_data / "vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz")
    header = read_header(vcf, check_compression=False)
    rec = next(r for r in read_records(vcf, list(header.samples)[:1], region="1:235910542-235910542"))
    value = dict(rec.annotations)["BCSQ"]
    chosen = pick_consequence(parse_bcsq(value), hgnc_id="HGNC:1968", symbol="LYST",
                              mane_transcripts=tuple(LYST.values()))
    n = nomenclature(chosen, **LYST)
    assert (n.transcript, n.mane_select, n.mane_refseq) == ("ENST00000487530", False, "")
    assert "not the MANE transcript" in n.label and chosen is not None and chosen.hgvs_p == "p.137G>137S"


@pytest.mark.parametrize(("record", "configured", "words"), [
    (None, False, "ClinVar not configured"),
    (None, True, "absent from ClinVar"),
    (ClinVarRecord("Uncertain_significance", 1), True, "Uncertain significance (1 star)"),
    (ClinVarRecord("Pathogenic/Likely_pathogenic", 2), True, "Pathogenic/Likely pathogenic (2 stars)"),
    (ClinVarRecord("Conflicting_classifications_of_pathogenicity", 0), True,
     "Conflicting classifications of pathogenicity (0 stars)"),
    (ClinVarRecord("Likely_pathogenic", None), True, "Likely pathogenic (review status not given)"),
])  # fmt: skip
def test_clinvar_in_one_wording(record, configured, words):
    assert clinvar_summary(record, configured=configured) == words
