"""Annotating the panel-region records of a case: gene, consequence, ClinVar, population frequency."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pysam.bcftools

from pidtriage.annotate.clinvar import clinvar_record
from pidtriage.annotate.consequence import (
    SCREEN_WORDS,
    consequence_from_hgvs,
    parse_ann,
    parse_bcsq,
    parse_csq,
    pick_consequence,
)
from pidtriage.annotate.population import population_frequency
from pidtriage.config import Config
from pidtriage.genome import bare, is_haploid_in_male
from pidtriage.io.panel_tsv import Panel
from pidtriage.io.tabix import SitesVcf
from pidtriage.io.vcf import ANNOTATION_KEYS, RawRecord
from pidtriage.models import AnnotatedVariant, Consequence, Sex
from pidtriage.panel.model import PanelGene
from pidtriage.sampleqc import GenotypeTable

__all__ = ["Annotator", "GeneIndex"]


class GeneIndex:
    """Which panel genes a position falls in (gene span plus padding), per chromosome."""

    def __init__(self, genes: Iterable[PanelGene], *, build: str, padding: int) -> None:
        spans: dict[str, list[tuple[int, int, PanelGene]]] = defaultdict(list)
        for g in genes:
            loc = g.location(build)
            if loc:
                spans[loc.chrom].append((loc.start - padding, loc.end + padding, g))
        self._spans = {c: sorted(v, key=lambda s: s[0]) for c, v in spans.items()}
        self._starts = {c: [s[0] for s in v] for c, v in self._spans.items()}
        self._max_len = {c: max((e - s for s, e, _ in v), default=0) for c, v in self._spans.items()}

    def genes_at(self, chrom: str, pos: int) -> list[PanelGene]:
        c = bare(chrom)
        spans = self._spans.get(c)
        if not spans:
            return []
        lo = bisect.bisect_left(self._starts[c], pos - self._max_len[c])
        hi = bisect.bisect_right(self._starts[c], pos)
        return [g for s, e, g in spans[lo:hi] if s <= pos <= e]


@dataclass
class Annotator:
    config: Config
    panel: Panel
    csq_fields: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.index = GeneIndex(self.panel.genes, build=self.config.build, padding=int(self.config.get("panel_padding")))
        cv_path = self.config.path("resources", "clinvar", "vcf")
        pop_path = self.config.path("resources", "population", "vcf")
        self.clinvar = SitesVcf(cv_path, role="clinvar") if cv_path else None
        self.population = SitesVcf(pop_path, role="population") if pop_path else None
        self.source = str(self.config.get("annotation", "consequence_source"))

    def provenance(self) -> dict[str, str]:
        out = {}
        if self.clinvar:
            out["clinvar"] = self.clinvar.path
            out["clinvar_date"] = self.clinvar.header_value("fileDate") or "not stated in the VCF header"
        if self.population:
            out["population"] = self.population.path
            out["population_name"] = str(self.config.get("resources", "population", "name"))
        return out

    def screen(self, table: GenotypeTable, vcf: str, *, annotation_keys: Sequence[str]) -> set[tuple[str, int, str, str]]:
        """Keys (bare chrom, pos, ref, alt) of the records that could become candidates: the proband carries
        the allele AND the variant is in ClinVar or the input annotates a protein-altering or splice
        consequence. Any other record cannot reach "qualifying" (triage._qualifies: P/LP needs ClinVar or a
        consequence; a VUS needs a HIGH/MODERATE or splice consequence), so it is counted in QC but not
        annotated one by one. Works on columns and bcftools queries, not a Python loop over records."""
        carried = table.dosage[:, 0] > 0
        if not carried.any():
            return set()
        chroms, pos = table.chrom[carried], table.pos[carried]
        keys = set(zip((bare(c) for c in chroms.tolist()), pos.tolist(), table.ref[carried].tolist(),
                       table.alt[carried].tolist(), strict=True))
        keep: set[tuple[str, int, str, str]] = set()
        if self.clinvar:
            keep |= keys & self.clinvar.keys_at(chroms.tolist(), pos.tolist())
        fields = [k for k in annotation_keys if k in ANNOTATION_KEYS]
        if fields and self.source in ("auto", "input"):
            expr = " || ".join(f'INFO/{k}~"{word}"' for k in fields for word in SCREEN_WORDS)
            text = pysam.bcftools.query("-i", expr, "-f", "%CHROM\t%POS\t%REF\t%ALT\n", vcf)
            for line in text.splitlines():
                c, p, r, a = line.split("\t")
                key = (bare(c), int(p), r, a)
                if key in keys:
                    keep.add(key)
        return keep

    def _input_consequences(self, rec: RawRecord) -> list[Consequence]:
        out: list[Consequence] = []
        for key, value in rec.annotations:
            if key == "CSQ":
                out += parse_csq(value, self.csq_fields, rec.variant.alt)
            elif key == "ANN":
                out += parse_ann(value, rec.variant.alt)
            elif key == "BCSQ":
                out += parse_bcsq(value)
        return out

    def annotate(self, records: Iterable[RawRecord], *, sex: Sex) -> list[AnnotatedVariant]:
        pop = self.config.get("resources", "population")
        result = []
        for rec in records:
            genes = self.index.genes_at(rec.variant.chrom, rec.variant.pos)
            if not genes:
                continue
            cv_info = self.clinvar.lookup(rec.variant) if self.clinvar else None
            clinvar = clinvar_record(cv_info) if cv_info else None
            population = None
            if self.population:
                population = population_frequency(
                    self.population.lookup(rec.variant),
                    af_field=pop["af_field"], an_field=pop["an_field"],
                    faf_field=pop["faf_field"], nhomalt_field=pop["nhomalt_field"],
                )  # fmt: skip
            consequences = self._input_consequences(rec) if self.source in ("auto", "input") else []
            for gene in genes:
                chosen = pick_consequence(consequences, hgnc_id=gene.hgnc_id, symbol=gene.symbol,
                                          mane_transcripts=(gene.mane_ensembl, gene.mane_refseq))
                if chosen is None and clinvar and self.source == "auto":
                    chosen = consequence_from_hgvs(clinvar.hgvs_c, clinvar.hgvs_p, symbol=gene.symbol,
                                                   hgnc_id=gene.hgnc_id)
                result.append(
                    AnnotatedVariant(
                        variant=rec.variant,
                        genotypes=rec.genotypes,
                        hgnc_id=gene.hgnc_id,
                        symbol=gene.symbol,
                        consequence=chosen,
                        clinvar=clinvar,
                        population=population,
                        haploid_region=sex == Sex.MALE
                        and is_haploid_in_male(rec.variant.chrom, rec.variant.pos, self.config.build),
                    )
                )
        return result
