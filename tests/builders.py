"""Genmod-style fixtures: a few inline PED lines and one genotype row per variant, one situation per test.

`family_from_ped` reads the PED text with the same reader the workflow uses (`pidtriage.io.samples.read_ped`);
`variant` builds an annotated variant of a real panel gene with a chosen class-driving annotation
(a stop-gained consequence, or a missense VUS)."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

from pidtriage.inheritance.family import Family
from pidtriage.io.samples import read_ped
from pidtriage.models import (
    AnnotatedVariant,
    CaseInfo,
    Consequence,
    Genotype,
    PopulationFrequency,
    Sex,
    Variant,
)
from pidtriage.panel.model import PanelGene
from pidtriage.panel.tsv import read_panel
from pidtriage.result.case_result import CaseResult
from pidtriage.triage.findings import TriageResult

REPO = Path(__file__).resolve().parents[1]
STATUS = {"true": "affected", "false": "unaffected", "unknown": "unknown"}


@cache
def genes() -> dict[str, PanelGene]:
    return {g.symbol: g for g in read_panel(REPO / "gene_panels/iuis_iei_2024.tsv").genes}


def family_from_ped(tmp_path: Path, text: str, proband: str, *, parentage_checked: bool = True) -> tuple[Family, Sex]:
    ped = tmp_path / "family.ped"
    ped.write_text(text.strip() + "\n")
    rows = read_ped(ped)
    me = rows[proband]
    father, mother = me["father_id"], me["mother_id"]
    family = Family(proband=proband, father=father, mother=mother,
                    father_status=STATUS[rows[father]["affected"]] if father else "unknown",
                    mother_status=STATUS[rows[mother]["affected"]] if mother else "unknown",
                    parentage_checked=parentage_checked)
    return family, Sex(me["sex"])


def gt(sample: str, text: str, gq: int | None = 60, ps: int | None = None) -> Genotype:
    g = Genotype.parse(sample, text, ps=ps, gq=gq, dp=30)
    return dataclasses.replace(g, ad=(15, 15) if g.alleles.count(1) == 1 and len(g.alleles) == 2 else None)


def variant(symbol: str, pos: int, genotypes: list[Genotype], *, kind: str = "stop", sex: Sex = Sex.FEMALE,
            chrom: str | None = None, haploid: bool | None = None) -> AnnotatedVariant:
    g = genes()[symbol]
    loc = g.location("GRCh38")
    assert loc is not None
    chrom = chrom or loc.chrom
    if kind == "stop":
        cons = Consequence(("stop_gained",), "HIGH", g.hgnc_id, symbol, g.mane_ensembl, True, exon="2/10",
                           hgvs_c="c.100C>T", hgvs_p="p.Arg34Ter", protein_position="34/500")
    else:
        cons = Consequence(("missense_variant",), "MODERATE", g.hgnc_id, symbol, g.mane_ensembl, True, exon="2/10",
                           hgvs_c="c.100C>G", hgvs_p="p.Arg34Gly", protein_position="34/500")
    in_x = chrom == "X" and not (loc.start < 2781479)
    return AnnotatedVariant(
        variant=Variant(chrom, pos, "C", "T", filters=("PASS",)), genotypes=tuple(genotypes), hgnc_id=g.hgnc_id,
        symbol=symbol, consequence=cons, population=PopulationFrequency(af=None, an=150000, found=False),
        haploid_region=(sex == Sex.MALE and in_x) if haploid is None else haploid,
    )


def case(sample: str, sex: Sex) -> CaseInfo:
    return CaseInfo(sample_id=sample, vcf="x.vcf", vcf_sample=sample, sex=sex)


def reason(result: TriageResult) -> str:
    """The case's one-line reason, as the case's result writes it (pidtriage.result.assemble.case_reason)."""
    from pidtriage.config import load_config
    from pidtriage.result.assemble import triage_reason
    from pidtriage.settings import case_settings

    return triage_reason(result, case_settings(load_config().values), n_genes=len(genes()))


def result_of(doc: dict[str, object]) -> CaseResult:
    """A case result from a (partial) triage.json document: the keys it lacks take their defaults."""
    from pidtriage.io.jsonio import from_jsonable

    result: CaseResult = from_jsonable(CaseResult, doc)
    return result
