"""Annotating the panel-region records of a case: gene, consequence, ClinVar, population frequency."""

from __future__ import annotations

import bisect
import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pysam.bcftools

from pidtriage.annotate.clinvar_record import clinvar_record
from pidtriage.annotate.consequence import (
    SCREEN_WORDS,
    SCREEN_WORDS_UNJUDGED,
    bcsq_references,
    consequence_from_hgvs,
    near_coding_patterns,
    parse_ann,
    parse_bcsq,
    parse_csq,
    parse_eff,
    pick_consequence,
    protein_residue,
)
from pidtriage.annotate.frequency import combine_frequencies, population_frequency
from pidtriage.annotate.scores import ScoreTable, merge_scores, scores_from_csq, scores_from_info
from pidtriage.config import Config
from pidtriage.genome import bare, is_haploid_in_male
from pidtriage.io.genotype_table import GenotypeTable
from pidtriage.io.tabix import SitesVcf
from pidtriage.io.vcf import ANNOTATION_KEYS, RawRecord
from pidtriage.models import AnnotatedVariant, Consequence, Sex, VariantKey
from pidtriage.panel.model import PanelGene
from pidtriage.panel.tsv import Panel

__all__ = ["Annotator", "GeneIndex"]

# more records than this: each resource's rows at their positions are read in one bcftools pass first
# (SitesVcf.prefetch); fewer: one index lookup each is as quick (an exome's few dozen)
PREFETCH_FROM = 50


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

    def symbols_at(self, chroms: Sequence[str], positions: Sequence[int]) -> list[list[str]]:
        """Gene symbols at many records (chroms/positions as in a VCF, sorted by position within a chromosome),
        one pass over the gene spans with binary searches instead of a lookup per record."""

        out: list[list[str]] = [[] for _ in positions]
        chrom_arr, pos_arr = np.asarray(chroms), np.asarray(positions)
        for chrom in dict.fromkeys(chroms):
            idx = np.flatnonzero(chrom_arr == chrom)
            pos = pos_arr[idx]
            for start, end, gene in self._spans.get(bare(chrom), ()):
                for k in idx[np.searchsorted(pos, start, "left"):np.searchsorted(pos, end, "right")].tolist():
                    out[k].append(gene.symbol)
        return out

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
    # consequences pidtriage computed on the MANE transcripts (bcftools csq, BCSQ format) beside the input's own,
    # by key in the panel's naming: bcftools_csq.computed_consequences
    computed: Mapping[VariantKey, str] = dataclasses.field(default_factory=dict)

    def __post_init__(self) -> None:
        self.index = GeneIndex(self.panel.genes, build=self.config.build, padding=int(self.config.get("panel_padding")))
        cv_path = self.config.path("resources", "clinvar", "vcf")
        pop_path = self.config.path("resources", "population", "vcf")
        self.clinvar = SitesVcf(cv_path, role="clinvar") if cv_path else None
        self.population = SitesVcf(pop_path, role="population") if pop_path else None
        second = self.config.path("resources", "population", "second_vcf")
        self.population2 = SitesVcf(second, role="population") if second and pop_path else None
        self.source = str(self.config.get("annotation", "consequence_source"))
        self.score_tables = [ScoreTable(t["name"], self.config.resolve(t["path"]), t["column"])
                             for t in self.config.get("resources", "scores")]
        # PS1/PM5 need ClinVar's protein changes; the official ClinVar VCF has none (only MC), derived sets may
        self.clinvar_has_protein = bool(self.clinvar and self.clinvar.has_info("HGVSp"))
        self._residue_cache: dict[str, dict[int, list[tuple[VariantKey, str, str, int | None]]]] = {}
        self._tx_models: Any = None

    def tx_models(self) -> Any:
        """Transcript models of annotation.gff3 (for HGVS c. of bcftools csq consequences), read once."""
        gff3 = self.config.path("annotation", "gff3")
        if self._tx_models is None and gff3:
            from pidtriage.annotate.bcftools_csq import TranscriptModels

            self._tx_models = TranscriptModels.from_gff3(gff3)
        return self._tx_models

    def _with_hgvs(self, rec: RawRecord, consequences: list[Consequence]) -> list[Consequence]:
        """HGVS for bcftools csq consequences: p. in three-letter form from its amino-acid change, c. from the
        transcript model of the same GFF3 (when configured)."""
        from pidtriage.annotate.bcftools_csq import hgvs_p_from_bcsq

        out = []
        v = rec.variant
        for c in consequences:
            if c.source.startswith("bcftools_bcsq"):
                models = self.tx_models()
                hgvs_c = models.hgvs_c(c.transcript, v.pos, v.ref, v.alt) if models else ""
                hgvs_p = hgvs_p_from_bcsq(c.hgvs_p.removeprefix("p."), c.so_terms) or c.hgvs_p
                c = dataclasses.replace(c, hgvs_c=hgvs_c or c.hgvs_c, hgvs_p=hgvs_p)
            out.append(c)
        return out

    def _clinvar_residues(self, gene: PanelGene) -> dict[int, list[tuple[VariantKey, str, str, int | None]]]:
        """ClinVar P/LP-or-not missense records of a gene by residue: (key, HGVS p., significance, stars)."""
        from pidtriage.annotate.clinvar_record import stars_of

        if gene.hgnc_id in self._residue_cache:
            return self._residue_cache[gene.hgnc_id]
        by_residue: dict[int, list[tuple[VariantKey, str, str, int | None]]] = defaultdict(list)
        loc = gene.location(self.config.build)
        if self.clinvar and loc:
            for key, info in self.clinvar.records_in(loc.chrom, loc.start, loc.end):
                res = protein_residue(info.get("HGVSp", ""))
                if res and res[2] != "=":
                    by_residue[res[1]].append((key, info["HGVSp"].split(":")[-1], info.get("CLNSIG", ""),
                                               stars_of(info.get("CLNREVSTAT", ""))))
        self._residue_cache[gene.hgnc_id] = by_residue
        return by_residue

    def _residue_hits(self, rec: RawRecord, gene: PanelGene, chosen: Consequence | None) -> tuple[tuple[str, str, int | None], ...] | None:
        if not self.clinvar_has_protein:
            return None
        res = protein_residue(chosen.hgvs_p) if chosen else None
        if res is None:
            return ()
        own = rec.variant.key.bare
        return tuple((p, sig, stars) for key, p, sig, stars in self._clinvar_residues(gene).get(res[1], [])
                     if key != own)

    def provenance(self) -> dict[str, str]:
        out = {}
        manifest = self.config.path("resources", "manifest")
        if manifest:
            from pathlib import Path

            from pidtriage.resources.fetch import read_manifest

            for name, e in read_manifest(Path(manifest).parent).items():
                out[f"manifest_{name}"] = (f"{e.release + ': ' if e.release else ''}{e.url} (fetched {e.fetched}; "
                                           f"{e.version or 'no version line'}; md5 {e.md5})")
        if self.clinvar:
            out["clinvar"] = self.clinvar.path
            out["clinvar_date"] = self.clinvar.header_value("fileDate") or "not stated in the VCF header"
        if self.population:
            out["population"] = self.population.path + (f" + {self.population2.path}" if self.population2 else "")
            out["population_name"] = str(self.config.get("resources", "population", "name"))
        return out

    def screen(self, table: GenotypeTable, vcf: str, *, annotation_keys: Sequence[str]) -> set[VariantKey]:
        """Keys (in the panel's naming) of the records that could become candidates: the proband carries
        the allele AND the variant is in ClinVar or the input annotates a protein-altering or splice
        consequence, a start/stop-retained one, or an HGVS c. within `triage.max_splice_distance` bp of an exon or
        of the coding sequence. Any other record cannot become a candidate (triage._qualifies: P/LP needs ClinVar
        or a consequence; a VUS needs a HIGH/MODERATE or splice consequence; triage._unjudged_effect the near-
        splice and near-codon ones), so it is counted in QC but not annotated one by one. Works on columns and
        bcftools queries, not a Python loop over records."""
        carried = table.dosage[:, 0] > 0
        if not carried.any():
            return set()
        chroms, pos = table.chrom[carried], table.pos[carried]
        keys = {VariantKey(*row).bare for row in zip(chroms.tolist(), pos.tolist(), table.ref[carried].tolist(),
                                                       table.alt[carried].tolist(), strict=True)}
        keep: set[VariantKey] = set()
        if self.clinvar:
            keep |= keys & self.clinvar.keys_at(chroms.tolist(), pos.tolist())
        fields = [k for k in annotation_keys if k in ANNOTATION_KEYS]
        if fields and self.source in ("auto", "input", "bcftools_csq"):
            near = near_coding_patterns(int(self.config.get("triage", "max_splice_distance")))
            words = (*SCREEN_WORDS, *SCREEN_WORDS_UNJUDGED, *near)
            expr = " || ".join(f'INFO/{k}~"{word}"' for k in fields for word in words)
            text = str(pysam.bcftools.query("-i", expr, "-f", "%CHROM\t%POS\t%REF\t%ALT\n", vcf))
            for line in text.splitlines():
                c, p, r, a = line.split("\t")
                key = VariantKey(c, int(p), r, a).bare
                if key in keys:
                    keep.add(key)
        return keep

    def _scores(self, rec: RawRecord, pop_info: dict[str, str] | None) -> tuple[tuple[str, float], ...]:
        csq = [scores_from_csq(v, self.csq_fields, rec.variant.alt) for k, v in rec.annotations if k == "CSQ"]
        info = scores_from_info(rec.annotations, rec.variant.alt)
        fields = self.config.get("resources", "population", "score_fields") or {}
        pop = scores_from_info(pop_info.items(), rec.variant.alt, {key: name for name, key in fields.items()}) \
            if pop_info else {}
        tables: dict[str, float] = {}
        for t in self.score_tables:
            v = t.lookup(rec.variant)
            if v is not None:
                tables[t.name] = max(tables.get(t.name, v), v)
        return merge_scores(*csq, info, pop, tables)

    def _computed_consequences(self, rec: RawRecord) -> list[Consequence]:
        """The consequences computed on the MANE transcripts for this record (a joint one through its `@POS`)."""
        v = rec.variant
        key = v.key.bare
        value = self.computed.get(key, "")
        out = [dataclasses.replace(c, source="bcftools_bcsq_computed") for c in parse_bcsq(value)]
        for pos in bcsq_references(value):
            joint = next((x for k, x in self.computed.items() if (k.chrom, k.pos) == (key.chrom, pos)), "")
            out += [dataclasses.replace(c, source="bcftools_bcsq_computed_joint") for c in parse_bcsq(joint)]
        return out

    def _input_consequences(self, rec: RawRecord, bcsq_at: dict[tuple[str, int], list[Consequence]] | None = None
                            ) -> list[Consequence]:
        out: list[Consequence] = self._computed_consequences(rec) if self.computed else []
        for key, value in rec.annotations:
            if key == "BCSQ" and bcsq_at is not None:
                for pos in bcsq_references(value):
                    out += [dataclasses.replace(c, source="bcftools_bcsq_joint")
                            for c in bcsq_at.get((rec.variant.key.bare.chrom, pos), [])]
            if key == "CSQ":
                out += parse_csq(value, self.csq_fields, rec.variant.alt)
            elif key == "ANN":
                out += parse_ann(value, rec.variant.alt)
            elif key == "BCSQ":
                out += parse_bcsq(value)
            elif key == "EFF" and not any(k == "ANN" for k, _ in rec.annotations):
                out += parse_eff(value)
        return out

    def annotate(self, records: Iterable[RawRecord], *, sex: Sex) -> list[AnnotatedVariant]:
        pop = self.config.get("resources", "population")
        result = []
        records = list(records)
        # bcftools csq writes a joint consequence (two variants in one codon, or frame-restoring indels) on one
        # record and `@POS` on the others: those get the joint consequence of the record at POS
        bcsq_at = {(r.variant.key.bare.chrom, r.variant.pos): parse_bcsq(v) for r in records for k, v in r.annotations
                   if k == "BCSQ"}  # fmt: skip
        for resource in (self.clinvar, self.population, self.population2):
            if resource and len(records) > PREFETCH_FROM:
                resource.prefetch([r.variant for r in records])
        for rec in records:
            genes = self.index.genes_at(rec.variant.chrom, rec.variant.pos)
            if not genes:
                continue
            cv_info = self.clinvar.lookup(rec.variant) if self.clinvar else None
            clinvar = clinvar_record(cv_info) if cv_info else None
            population, pop_info = None, None
            if self.population:
                fields = {k: pop[k] for k in ("af_field", "an_field", "faf_field", "nhomalt_field", "nhemi_field",
                                               "grpmax_field")}  # fmt: skip
                pop_info = self.population.lookup(rec.variant)
                population = population_frequency(pop_info, **fields)
                if self.population2:
                    other = self.population2.lookup(rec.variant)
                    population = combine_frequencies(population, population_frequency(other, **fields))
                    pop_info = pop_info or other
            scores = self._scores(rec, pop_info)
            consequences = (self._with_hgvs(rec, self._input_consequences(rec, bcsq_at))
                            if self.source in ("auto", "input", "bcftools_csq") else [])
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
                        scores=scores,
                        clinvar_residue=self._residue_hits(rec, gene, chosen),
                    )
                )
        return result
