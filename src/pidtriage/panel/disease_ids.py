"""OMIM phenotype numbers of the panel's IUIS disease entries: the derived table `<panel>.diseases.tsv` beside a
panel (built by scripts/build_disease_ids.py), how it is built and how it is read.

The IUIS tables' OMIM column mixes the two kinds of OMIM entry: gene numbers (RAG2 deficiency: 179616, the RAG2
gene) and phenotype numbers (Chediak-Higashi syndrome would be 214500; IUIS gives 606897, the LYST gene). A
disease is cited by its phenotype number, never by its gene's, so each IUIS entry is mapped once, here:

    IUIS gives a number that HPO knows as an OMIM disease  -> that number         (iuis_phenotype_number)
    otherwise, the OMIM diseases HPO links to the gene:
      none                                                 -> unmatched          (none)
      of those whose inheritance fits the entry's, one     -> that one           (gene_phenotype)
      several: the one the entry's name and IUIS
        subcategory name best (three shared words, or two
        with one more specific than "immunodeficiency", or a
        specific word of the entry's own name)              -> that one           (gene_phenotype_by_name)
      several, none named (or two equally)                 -> unmatched          (none: a wrong disease is worse
                                                                                   than none; the note lists them)
      none whose inheritance fits                          -> unmatched          (none)

An OMIM disease without an inheritance annotation in HPO fits any entry; an entry of unknown inheritance fits any
disease; an OMIM entry of somatic variants fits none. The gene's own MIM number (HGNC, PanelApp) is kept as the gene's (`gene_mim`), and the kind of each
number IUIS gave is recorded (`gene`, `phenotype` or `unknown`: neither, such as a typing error).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pidtriage.errors import PanelError
from pidtriage.panel.model import Disease, Moi, OmimPhenotype, PanelGene

if TYPE_CHECKING:
    from pidtriage.panel.tsv import Panel

__all__ = [
    "COLUMNS",
    "DiseaseIds",
    "EntryIds",
    "EntryMatch",
    "OmimDisease",
    "format_disease_ids",
    "map_entry",
    "read_disease_ids",
    "with_disease_ids",
]

COLUMNS = ("hgnc_id", "symbol", "gene_mim", "entry", "moi", "iuis_omim", "iuis_omim_kind", "omim_phenotypes",
           "omim_phenotype_names", "matched_by")  # fmt: skip

# HPO inheritance terms (aspect I of phenotype.hpoa) by the panel's inheritance vocabulary
INHERITANCE_TERMS = {
    "HP:0000006": "AD", "HP:0012274": "AD", "HP:0012275": "AD",  # AD; with paternal / maternal imprinting
    "HP:0000007": "AR",
    "HP:0001417": "XL", "HP:0001419": "XL", "HP:0001423": "XL",  # X-linked; recessive; dominant
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class OmimDisease:
    """An OMIM disease (phenotype) entry as HPO annotates it: its number, name and inheritance (AD, AR, XL)."""

    mim: str
    name: str
    inheritance: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class EntryIds:
    """One IUIS entry of a gene with its OMIM phenotype number(s), and how they were found."""

    hgnc_id: str
    symbol: str
    gene_mim: str
    entry: str
    moi: str  # the entry's inheritance: with the HGNC ID and the name, the key of the entry
    iuis_omim: str
    iuis_omim_kind: str  # per number, ","-joined: gene | phenotype | unknown
    phenotypes: tuple[OmimPhenotype, ...]
    matched_by: str  # iuis_phenotype_number | gene_phenotype | gene_phenotype_by_name | none


@dataclass(frozen=True, slots=True)
class DiseaseIds:
    """A `<panel>.diseases.tsv`: its entries by (HGNC ID, IUIS entry name, inheritance), and the gene MIMs by HGNC ID
    (a gene may have two entries of one name, dominant and recessive: UNC93B1, FAS)."""

    entries: Mapping[tuple[str, str, str], EntryIds]
    gene_mims: Mapping[str, str]
    source: str = ""


def _fits(moi: Moi, inheritance: frozenset[str]) -> bool:
    if not inheritance or moi == Moi.UNKNOWN:
        return True
    wanted = {"AD", "AR"} if moi == Moi.AD_AR else {"XL"} if moi.is_x_linked else {moi.value}
    return bool(wanted & inheritance)


# Abbreviations of the IUIS tables spelled out as OMIM names them, for the word match
_ABBREVIATIONS = {
    "SCID": "severe combined immunodeficiency", "CID": "combined immunodeficiency",
    "CGD": "chronic granulomatous disease", "XLA": "agammaglobulinemia", "FHL": "familial hemophagocytic "
    "lymphohistiocytosis", "HLH": "hemophagocytic lymphohistiocytosis", "LAD": "leukocyte adhesion deficiency",
    "ALPS": "autoimmune lymphoproliferative syndrome", "HIES": "hyper ige", "CMC": "chronic mucocutaneous "
    "candidiasis", "EDA": "ectodermal dysplasia", "XLP": "x-linked lymphoproliferative", "CVID": "common variable immunodeficiency",
    "HSE": "herpes simplex encephalitis", "SCN": "severe congenital neutropenia", "AGS": "aicardi goutieres",
    "IBD": "inflammatory bowel disease", "SLE": "systemic lupus erythematosus",
}  # fmt: skip
_STOP = frozenset({"with", "and", "of", "the", "to", "due", "type", "deficiency", "deficiencies", "defect",
                   "defects", "disease", "syndrome", "autosomal", "recessive", "dominant", "linked", "x", "in", "or",
                   "a", "by", "gene", "susceptibility", "complete", "partial", "form", "t", "b", "nk", "cell", "cells",
                   "related", "associated", "like", "condition", "disorder", "lof", "gof", "dn"})  # fmt: skip
# words that alone name no particular disease of a gene (they count only beside another shared word)
_GENERIC = frozenset({"immunodeficiency", "immunodeficiencies", "immune", "combined", "severe", "infections",
                      "infection", "autoimmune", "autoimmunity", "inflammatory", "inflammation", "congenital"})


@dataclass(frozen=True, slots=True)
class EntryMatch:
    """The outcome of `map_entry`: the phenotype numbers, how they were found and, for a curator, a note (why an
    entry is unmatched; the candidates when several fit)."""

    phenotypes: tuple[OmimPhenotype, ...]
    matched_by: str
    note: str = ""


def _words(text: str, drop: Iterable[str] = ()) -> frozenset[str]:
    for short, long in _ABBREVIATIONS.items():
        text = re.sub(rf"\b{short}\d*\b", f"{short} {long}", text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()  # Lefèvre -> Lefevre
    dropped = {d.lower() for d in drop}
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower().replace("-", " "))
                     if w not in _STOP and w not in dropped and not w.isdigit())  # fmt: skip


def _named(name: frozenset[str], subcategory: frozenset[str], disease: frozenset[str]) -> float:
    """How strongly an IUIS entry (the words of its name, and of its subcategory) names an OMIM disease: 0 unless
    three words are shared, or two with one more specific than "immunodeficiency", or a specific word of the
    entry's own name; then the shared words plus the share of the disease's words they cover."""
    shared = (name | subcategory) & disease
    if not (len(shared) >= 3 or (len(shared) >= 2 and shared - _GENERIC) or (name & disease) - _GENERIC):
        return 0.0
    return len(shared) + len(shared) / len(disease)


def _by_name(disease: Disease, fitting: Sequence[OmimDisease], symbols: Iterable[str]) -> OmimDisease | None:
    """The one fitting disease the entry names most strongly (`_named`); None when none is named, or several
    equally."""
    symbols = tuple(symbols)
    name = _words(disease.name, drop=symbols)
    subcategory = _words(re.sub(r"^[0-9.]+ ", "", disease.iuis_subcategory), drop=symbols)
    scores = sorted(((_named(name, subcategory, _words(d.name, drop=symbols)), d.mim, d) for d in fitting),
                    reverse=True)  # fmt: skip
    if scores[0][0] == 0 or scores[0][0] == scores[1][0]:
        return None
    return scores[0][2]


def _is_somatic(disease: OmimDisease) -> bool:
    """An OMIM entry of somatic variants ("Myelofibrosis with myeloid metaplasia, somatic"): never a germline
    disease."""
    return bool(re.search(r"\bsomatic\b", disease.name, re.IGNORECASE))


def _listed(diseases: Iterable[OmimDisease]) -> str:
    return "; ".join(f"OMIM:{d.mim} {d.name}" for d in diseases)


def map_entry(disease: Disease, gene_links: Sequence[OmimDisease], *, known: Mapping[str, OmimDisease],
              symbols: Iterable[str] = ()) -> EntryMatch:
    """The entry's OMIM phenotype numbers by the module docstring's rule table. `known`: every OMIM disease HPO
    annotates, by number; `gene_links`: those HPO links to the entry's gene."""
    given = [n for n in disease.omim.split(",") if n in known]
    if given:
        return EntryMatch(tuple(OmimPhenotype(n, known[n].name) for n in given), "iuis_phenotype_number")
    if not gene_links:
        return EntryMatch((), "none", "HPO links no OMIM disease to the gene")
    fitting = sorted((d for d in gene_links if _fits(disease.moi, d.inheritance) and not _is_somatic(d)),
                     key=lambda d: d.mim)
    if not fitting:
        return EntryMatch((), "none", f"no OMIM disease of the gene in HPO is {disease.moi.value} "
                                      f"({_listed(gene_links)})")
    if len(fitting) == 1:
        only = fitting[0]
        return EntryMatch((OmimPhenotype(only.mim, only.name),), "gene_phenotype")
    chosen = _by_name(disease, fitting, symbols)
    if chosen is None:
        return EntryMatch((), "none", f"{len(fitting)} OMIM diseases of the gene fit and the entry's name names none "
                                      f"of them ({_listed(fitting)})")
    return EntryMatch((OmimPhenotype(chosen.mim, chosen.name),), "gene_phenotype_by_name")


def number_kinds(numbers: str, *, known: Mapping[str, OmimDisease], gene_mims: Iterable[str]) -> str:
    """The kind of each number IUIS gave: phenotype (an OMIM disease in HPO), gene (a gene's MIM number), unknown."""
    genes = set(gene_mims)
    return ",".join("phenotype" if n in known else "gene" if n in genes else "unknown"
                    for n in numbers.split(",") if n)  # fmt: skip


def _cell(text: str) -> str:
    return text.replace("\t", " ").replace("\n", " ") or "."


def format_disease_ids(rows: Sequence[EntryIds], header: Sequence[tuple[str, str]]) -> str:
    """The table as TSV text: `## key=value` provenance lines, the column line, one row per IUIS entry."""
    out = io.StringIO()
    for key, value in header:
        out.write(f"## {key}={value}\n")
    out.write("\t".join(COLUMNS) + "\n")
    for r in rows:
        ids = ";".join(f"OMIM:{p.mim}" for p in r.phenotypes)
        names = " | ".join(p.name for p in r.phenotypes)
        out.write("\t".join(_cell(x) for x in (r.hgnc_id, r.symbol, r.gene_mim, r.entry, r.moi, r.iuis_omim,
                                                r.iuis_omim_kind, ids, names, r.matched_by)) + "\n")  # fmt: skip
    return out.getvalue()


def read_disease_ids(path: str | Path) -> DiseaseIds:
    """Read a `<panel>.diseases.tsv`; raises PanelError naming the file when it is malformed."""
    p = Path(path)
    try:
        lines = [line for line in p.read_text(encoding="utf-8").splitlines() if line and not line.startswith("##")]
    except OSError as exc:
        raise PanelError(f"{p}: cannot read the disease table ({exc.strerror})") from exc
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise PanelError(f"{p}: not a disease-ID table (columns {', '.join(COLUMNS)}); rebuild it with "
                         "scripts/build_disease_ids.py")
    entries: dict[tuple[str, str, str], EntryIds] = {}
    gene_mims: dict[str, str] = {}
    for row in reader:
        v = {k: ("" if x == "." else x) for k, x in row.items()}
        ids = [x.removeprefix("OMIM:") for x in v["omim_phenotypes"].split(";") if x]
        names = v["omim_phenotype_names"].split(" | ") if ids else []
        if len(names) != len(ids):
            raise PanelError(f"{p}: {v['symbol']} {v['entry']!r}: {len(ids)} OMIM numbers but {len(names)} names")
        entries[(v["hgnc_id"], v["entry"], v["moi"])] = EntryIds(
            hgnc_id=v["hgnc_id"], symbol=v["symbol"], gene_mim=v["gene_mim"], entry=v["entry"], moi=v["moi"],
            iuis_omim=v["iuis_omim"], iuis_omim_kind=v["iuis_omim_kind"],
            phenotypes=tuple(OmimPhenotype(i, n) for i, n in zip(ids, names, strict=True)),
            matched_by=v["matched_by"])  # fmt: skip
        if v["gene_mim"]:
            gene_mims[v["hgnc_id"]] = v["gene_mim"]
    return DiseaseIds(entries=entries, gene_mims=gene_mims, source=str(p))


def _gene_with_ids(gene: PanelGene, ids: DiseaseIds) -> PanelGene:
    diseases = []
    for d in gene.diseases:
        e = ids.entries.get((gene.hgnc_id, d.name, d.moi.value))
        diseases.append(dataclasses.replace(d, omim_phenotypes=e.phenotypes, omim_mapping=e.matched_by) if e else d)
    return dataclasses.replace(gene, diseases=tuple(diseases), gene_mim=ids.gene_mims.get(gene.hgnc_id, ""))


def with_disease_ids(panel: Panel, ids: DiseaseIds) -> Panel:
    """The panel with each IUIS entry's OMIM phenotype numbers and each gene's MIM number from the table."""
    return dataclasses.replace(panel, genes=tuple(_gene_with_ids(g, ids) for g in panel.genes))
