"""Domain values of a gene panel: one `PanelGene` per gene, with its diseases.

Genes are keyed by HGNC ID; symbols are for display. Coordinates are 1-based and inclusive, as in
Ensembl and MANE.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

__all__ = [
    "Disease",
    "GeneLocation",
    "Mechanism",
    "Moi",
    "OmimPhenotype",
    "PanelGene",
    "combine_mechanisms",
    "combine_mois",
    "map_mode_of_inheritance",
]


class Moi(enum.StrEnum):
    """Mode of inheritance, a controlled vocabulary."""

    AD = "AD"
    AR = "AR"
    XL = "XL"
    XLR = "XLR"
    XLD = "XLD"
    AD_AR = "AD_AR"
    UNKNOWN = "unknown"

    @property
    def is_x_linked(self) -> bool:
        return self in (Moi.XL, Moi.XLR, Moi.XLD)


def map_mode_of_inheritance(text: str | None) -> Moi:
    """PanelApp's controlled free text → our vocabulary."""
    t = (text or "").upper()
    if t.startswith("X-LINKED"):
        return Moi.XLD if "MONOALLELIC MUTATIONS IN FEMALES MAY CAUSE" in t else Moi.XLR
    if t.startswith("BOTH MONOALLELIC AND BIALLELIC"):
        return Moi.AD_AR
    if t.startswith("BIALLELIC"):
        return Moi.AR
    if t.startswith("MONOALLELIC"):
        return Moi.AD
    return Moi.UNKNOWN


class Mechanism(enum.StrEnum):
    """Disease mechanism: decides whether a null (loss-of-function) variant is evidence."""

    LOF = "LOF"
    GOF = "GOF"
    DN = "DN"
    MIXED = "mixed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class OmimPhenotype:
    """An OMIM phenotype (disease) entry: its MIM number and its name."""

    mim: str  # "601457"
    name: str

    @property
    def curie(self) -> str:
        return f"OMIM:{self.mim}"


@dataclass(frozen=True, slots=True)
class Disease:
    """One IUIS disease entry of a gene."""

    name: str
    omim: str  # OMIM number(s) as given by IUIS ("," between): a gene's or a phenotype's, "" when absent
    moi: Moi
    mechanism: Mechanism
    iuis_table: str  # "1".."9"
    iuis_subcategory: str  # e.g. "1.2 T-B- SCID", "" when the table has none
    immunophenotype: str  # controlled form, e.g. "T=absent;B=normal;NK=absent"; "" when not given
    # the entry's OMIM phenotype numbers (panel/disease_ids.py, from `<panel>.diseases.tsv`); () when none is known
    omim_phenotypes: tuple[OmimPhenotype, ...] = ()
    omim_mapping: str = ""  # how they were found (disease_ids.map_entry); "" when the panel has no disease table

    @property
    def label(self) -> str:
        """The entry's name with its OMIM phenotype number(s), never a gene's MIM number."""
        ids = ", ".join(p.curie for p in self.omim_phenotypes)
        return f"{self.name} ({ids})" if ids else self.name

    @property
    def iuis_label(self) -> str:
        """The entry as the panel TSV stores it: the name with the OMIM number(s) IUIS gives (gene or phenotype)."""
        return f"{self.name} (OMIM:{self.omim})" if self.omim else self.name


@dataclass(frozen=True, slots=True)
class GeneLocation:
    """A gene's span on one build."""

    chrom: str  # bare name: 1..22, X, Y, MT
    start: int  # 1-based, inclusive
    end: int  # 1-based, inclusive
    strand: str  # "+" or "-"
    source: str  # where the coordinates came from (MANE_v1.0, GENCODE_v24, PanelApp_Ensembl90 ...)


@dataclass(frozen=True, slots=True)
class PanelGene:
    """One gene of the panel."""

    hgnc_id: str
    symbol: str
    moi: Moi
    mechanism: Mechanism
    diseases: tuple[Disease, ...] = ()
    aliases: tuple[str, ...] = ()
    mane_ensembl: str = ""
    mane_refseq: str = ""
    gene_mim: str = ""  # the gene's own OMIM number (from `<panel>.diseases.tsv`), "" when not known
    grch38: GeneLocation | None = None
    grch37: GeneLocation | None = None
    iuis_symbol: str = ""  # the symbol as written in the IUIS table
    symbol_resolution: str = ""  # how the IUIS symbol was resolved to the HGNC ID
    panelapp_confidence: str = ""  # PanelApp panel 398 confidence level (3 green, 2 amber, 1 red), "" if absent
    # PanelApp's penetrance ("Complete", "Incomplete"), "" when not stated: with "Complete", an unaffected
    # heterozygous parent argues against a variant in a dominant gene (inheritance/dominant.py)
    penetrance: str = ""
    # the mode of inheritance PanelApp gives the gene (panel 398 for the IUIS panels), None when not known: where it
    # is wider than the panel's (AR here, monoallelic or both there), a single heterozygous variant is not simply a
    # carrier's (`monoallelic_also_reported`)
    panelapp_moi: Moi | None = None

    @property
    def monoallelic_also_reported(self) -> bool:
        """The panel says recessive, PanelApp says a single changed copy can cause disease too (MONOALLELIC or BOTH):
        e.g. ITPR3, AR in IUIS 2024, with de novo dominant patients published since."""
        return self.moi == Moi.AR and self.panelapp_moi in (Moi.AD, Moi.AD_AR)

    @property
    def iuis_tables(self) -> tuple[str, ...]:
        return tuple(sorted({d.iuis_table for d in self.diseases if d.iuis_table}, key=_table_key))

    @property
    def iuis_subcategories(self) -> tuple[str, ...]:
        return tuple(sorted({d.iuis_subcategory for d in self.diseases if d.iuis_subcategory}))

    def location(self, build: str) -> GeneLocation | None:
        return self.grch38 if build == "GRCh38" else self.grch37


def _table_key(table: str) -> tuple[int, str]:
    return (int(table), "") if table.isdigit() else (99, table)


def combine_mois(mois: set[Moi]) -> Moi:
    """The gene-level inheritance from the inheritance of its diseases."""
    known = mois - {Moi.UNKNOWN}
    if not known:
        return Moi.UNKNOWN
    if len(known) == 1:
        return next(iter(known))
    if known <= {Moi.AD, Moi.AR, Moi.AD_AR}:
        return Moi.AD_AR
    x_linked = {m for m in known if m.is_x_linked}
    if x_linked == known:
        return Moi.XLD if Moi.XLD in known else Moi.XL
    # autosomal and X-linked entries for one gene do not occur in IUIS; keep the most permissive
    return Moi.AD_AR


def combine_mechanisms(mechanisms: set[Mechanism]) -> Mechanism:
    """The gene-level mechanism: one value, or `mixed` when the diseases differ."""
    known = mechanisms - {Mechanism.UNKNOWN}
    if not known:
        return Mechanism.UNKNOWN
    if len(known) == 1:
        return next(iter(known))
    return Mechanism.MIXED
