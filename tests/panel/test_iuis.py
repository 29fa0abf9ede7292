from pidtriage.panel.features import match_features, parse_features, parse_iuis_features
from pidtriage.panel.iuis import parse_inheritance, parse_mechanism, parse_subcategory, split_defect
from pidtriage.panel.model import Mechanism, Moi


def test_split_defect_compound_cells():
    assert split_defect("CD40 (TNFRSF5) ").symbols == ("CD40",)
    assert split_defect("CD40 (TNFRSF5) ").bracketed == ("TNFRSF5",)
    assert split_defect("C4A+C4B").symbols == ("C4A", "C4B")
    assert split_defect("CFHR1 CFHR2. CFHR3 CFHR4 CFHR5").symbols == ("CFHR1", "CFHR2", "CFHR3", "CFHR4", "CFHR5")
    cell = split_defect("PIK3CD GOF")
    assert cell.symbols == ("PIK3CD",) and cell.mechanism_hint == "GOF"
    assert split_defect("IKBKG c. 671+3 G > C").symbols == ("IKBKG",)
    assert split_defect("BLM              ").symbols == ("BLM",)


def test_split_defect_non_genes():
    for raw in ("11q23del", "14q32 deletion or mutation", "Del10p13-p14", "Large (3Mb) deletion of 22q11.2"):
        assert split_defect(raw).non_gene_reason == "chromosomal region, not a single gene", raw
    assert split_defect("Unknown / environment").non_gene_reason == "no gene named"


def test_parse_inheritance_vocabulary():
    assert parse_inheritance(" AR") == Moi.AR
    assert parse_inheritance("AD  ") == Moi.AD
    assert parse_inheritance("AD or AR ") == Moi.AD_AR
    assert parse_inheritance("AD rarely AR") == Moi.AD_AR
    assert parse_inheritance("AR and digenic") == Moi.AR
    assert parse_inheritance("XL (females may be affected)") == Moi.XLD
    assert parse_inheritance("XL") == Moi.XL
    assert parse_inheritance("?") == Moi.UNKNOWN
    assert parse_inheritance("Sporadic/toxin exposure") == Moi.UNKNOWN


def test_parse_mechanism():
    assert parse_mechanism("") == Mechanism.LOF
    assert parse_mechanism("GOF ") == Mechanism.GOF
    assert parse_mechanism("DN") == Mechanism.DN
    assert parse_mechanism("LOF, DN") == Mechanism.MIXED
    assert parse_mechanism("Haplosufficiency") == Mechanism.LOF
    assert parse_mechanism("", hint="GOF") == Mechanism.GOF
    assert parse_mechanism("", inheritance="AD LOF") == Mechanism.LOF


def test_parse_subcategory_prefixes_table():
    assert parse_subcategory("1", "Subtable 2 T-B- SCID") == "1.2 T-B- SCID"
    assert parse_subcategory("9", "") == ""


def test_iuis_features_scid_row():
    text = parse_iuis_features(
        t_cells="Very low", b_cells="Low, decreasing", immunoglobulins="Low", neutrophils="Normal", other_cells="Low NK"
    )
    assert text == "T=absent;B=low;NK=low;IgG=low;IgA=low;IgM=low;neutrophils=normal"


def test_iuis_features_isotypes_named_separately():
    text = parse_iuis_features(immunoglobulins="Low IgM, normal IgG, variable IgA. Near normal vaccine resp")
    assert text == "IgG=normal;IgM=low"


def test_iuis_features_range_and_subsets():
    assert parse_iuis_features(t_cells="normal to low") == "T=low|normal"
    assert parse_iuis_features(t_cells="Low CD4/CD8") == "CD4=low;CD8=low"
    assert parse_iuis_features(t_cells="Decreased naive T cells, RTEs") == ""


def test_patient_features_match_disease():
    patient = parse_features("T=absent;B=normal;NK=absent")
    il2rg = parse_features("T=absent;B=normal|high;NK=low")
    rag1 = parse_features("T=absent;B=absent")
    assert match_features(patient, il2rg) == (["T=absent", "B=normal", "NK=absent"], [])
    assert match_features(patient, rag1) == (["T=absent"], ["B=normal"])


def test_patient_features_reject_unknown_keys():
    import pytest

    with pytest.raises(ValueError, match="keys are"):
        parse_features("Tcells=low")
    with pytest.raises(ValueError, match="values are"):
        parse_features("T=zero")
