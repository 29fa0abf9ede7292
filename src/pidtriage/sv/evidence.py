"""What an SV call does to the panel genes, the evidence it carries, and the call as an annotated variant.

Overlap: each panel gene the call's span touches (the gene's span on the build), which of its exons (the exon
table of the panel, gene_panels/<panel>.exons.tsv) it covers, whether it covers the whole gene, and, with the
breakpoint uncertainty (CIPOS/CIEND), which exons may or may not be affected; the ClinGen recurrent regions it
overlaps (gene_panels/clingen_regions.tsv), by reciprocal overlap.

Points (the ClinGen/ACMG CNV scoring of Riggs et al. 2020, Genet Med 22:245, the sections a pipeline can
decide; the rest is for the laboratory): P at >= 0.99, LP 0.90-0.98, VUS -0.89-0.89, LB -0.90 to -0.98,
B <= -0.99.

deletion      2A  +1.00  the whole gene of an established haploinsufficient gene (ClinGen HI 3), or at least
                         `sv.region_overlap` of an HI-3 ClinGen region (e.g. the 22q11.2 DiGeorge region)
              2A  +0.90  the whole gene of a loss-of-function panel gene otherwise: a null allele (PVS1-like;
                         for a recessive gene the inheritance decides the finding)
              2E  +0.90  coding exons of a loss-of-function gene, not its last exon only (NMD or essential
                         exons lost: a null allele)
              2E  +0.90  at least `sv.last_exon_min_fraction` of the last exon of a one- or two-exon gene (its
                         coding sequence lies there: RAG1, RAG2 ...)
              2E  +0.45  the last exon only, otherwise
              --   0     no exon of the gene (intronic or UTR-free span), or a gene whose diseases are gain of
                         function or dominant negative only (a deletion is not their mechanism)
duplication   2A  +1.00  the whole of a triplosensitive gene or region (TS 3)
              2I  +0.45  both breakpoints inside a loss-of-function gene with internal exons duplicated: it
                         disrupts the gene only when in tandem and out of frame, which short reads cannot tell
              --   0     the whole gene of another gene, or no exon
either        4O  -1.00  (stand-alone, as BA1: the call is benign whatever else it meets) a population SV of the same type with AF >= `sv.common_af` and reciprocal overlap >=
                         `sv.population_overlap` (`resources.sv_population`: gnomAD-SV style sites VCF)

Calls larger than `sv.max_size` are listed, not scored, unless they match a ClinGen recurrent region of their
dosage (HI 2-3 for a deletion, TS 2-3 for a duplication). Calls inside an antigen-receptor locus (IGH, IGK, IGL, TRA, TRB, TRG) with both breakpoints are somatic V(D)J
rearrangements of lymphoid DNA (blood, B-cell lines such as NA12878), never germline findings: they are listed,
not scored. Inversions, insertions and breakends are listed and not scored.

Quality (`sv_checks`): FILTER PASS and a called genotype (or a copy number) are hard checks; reads supporting
the call below `sv.min_alt_reads` (when the caller reports them) is hard; GQ below `sv.min_gq` is soft.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pidtriage.genome import bare
from pidtriage.models import (
    AcmgClass,
    AnnotatedVariant,
    Consequence,
    Criterion,
    Genotype,
    Outcome,
    PopulationFrequency,
    QcCheck,
    Strength,
    StructuralCall,
    Variant,
)
from pidtriage.panel.model import Mechanism, PanelGene
from pidtriage.result.case_result import SvCallRow, SvEffect
from pidtriage.settings import SvThresholds
from pidtriage.sv.calls import SvCall

__all__ = ["ANTIGEN_RECEPTOR_LOCI", "Dosage", "Exon", "Region", "copy_gain", "copy_loss", "read_dosage", "read_exons",
           "read_regions", "reciprocal_overlap", "structural_variants", "sv_checks", "sv_class"]

# Antigen-receptor loci (approximate spans of the IG and TR gene clusters, Ensembl/UCSC annotation; IGK from the
# kappa-deleting element downstream of IGKC), bare names
ANTIGEN_RECEPTOR_LOCI = {
    "GRCh38": (("IGH", "14", 105_580_000, 106_880_000), ("IGK", "2", 88_800_000, 90_240_000),
               ("IGL", "22", 22_020_000, 22_930_000), ("TRA", "14", 21_620_000, 22_560_000),
               ("TRB", "7", 142_290_000, 142_820_000), ("TRG", "7", 38_240_000, 38_370_000)),
    "GRCh37": (("IGH", "14", 106_030_000, 107_290_000), ("IGK", "2", 89_100_000, 90_280_000),
               ("IGL", "22", 22_380_000, 23_270_000), ("TRA", "14", 22_090_000, 23_030_000),
               ("TRB", "7", 141_990_000, 142_520_000), ("TRG", "7", 38_270_000, 38_410_000)),
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class Exon:
    chrom: str
    start: int  # 1-based
    end: int
    number: int


@dataclass(frozen=True, slots=True)
class Region:
    isca_id: str
    name: str
    chrom: str
    start: int
    end: int
    hi: str
    ts: str


@dataclass(frozen=True, slots=True)
class Dosage:
    hi: str
    ts: str


def read_exons(path: str | Path, build: str) -> dict[str, list[Exon]]:
    """HGNC ID -> the gene's exons (numbered as in the table) on `build`."""
    out: dict[str, list[Exon]] = {}
    for line in Path(path).read_text().splitlines():
        if line.startswith(("#", "build\t")):
            continue
        b, chrom, start, end, hgnc, _symbol, number = line.split("\t")
        if b == build:
            out.setdefault(hgnc, []).append(Exon(chrom, int(start) + 1, int(end), int(number)))
    return out


def read_dosage(path: str | Path) -> dict[str, Dosage]:
    out = {}
    if Path(path).exists():
        for line in Path(path).read_text().splitlines():
            if line.startswith(("#", "hgnc_id\t")):
                continue
            hgnc, _symbol, hi, ts = line.split("\t")
            out[hgnc] = Dosage(hi, ts)
    return out


def read_regions(path: str | Path, build: str) -> list[Region]:
    out = []
    if Path(path).exists():
        for line in Path(path).read_text().splitlines():
            if line.startswith(("#", "isca_id\t")):
                continue
            isca, name, b, chrom, start, end, hi, ts = line.split("\t")
            if b == build:
                out.append(Region(isca, name, chrom, int(start), int(end), hi, ts))
    return out


def reciprocal_overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    """The overlap of two 1-based inclusive spans as a fraction of the longer one."""
    overlap = min(a[1], b[1]) - max(a[0], b[0]) + 1
    if overlap <= 0:
        return 0.0
    return min(overlap / (a[1] - a[0] + 1), overlap / (b[1] - b[0] + 1))


def antigen_receptor_locus(call: SvCall, build: str) -> str:
    chrom = bare(call.chrom)
    for name, c, s, e in ANTIGEN_RECEPTOR_LOCI.get(build, ()):
        if chrom == c and s <= call.start and call.end <= e:
            return name
    return ""


def copy_loss(call: SvCall) -> bool:
    """A deletion, or a copy-number call below two copies in the proband."""
    cn = call.genotypes[0].cn if call.genotypes else None
    return call.svtype == "DEL" or (call.svtype == "CNV" and cn is not None and cn < 2)


def copy_gain(call: SvCall) -> bool:
    """A duplication, or a copy-number call above two copies in the proband."""
    cn = call.genotypes[0].cn if call.genotypes else None
    return call.svtype == "DUP" or (call.svtype == "CNV" and cn is not None and cn > 2)


def _criterion(code: str, points: float, text: str) -> Criterion:
    strength = Strength.VERY_STRONG if abs(points) >= 0.9 else Strength.MODERATE if abs(points) >= 0.45 else Strength.SUPPORTING
    return Criterion(code, Outcome.MET, strength, round(points * 10), text)


def sv_class(points: float) -> AcmgClass:
    """The CNV classes of Riggs et al. 2020 from the points."""
    if points >= 0.99:
        return AcmgClass.P
    if points >= 0.90:
        return AcmgClass.LP
    if points <= -0.99:
        return AcmgClass.B
    if points <= -0.90:
        return AcmgClass.LB
    return AcmgClass.VUS


def _loss_of_function(gene: PanelGene) -> bool:
    return gene.mechanism in (Mechanism.LOF, Mechanism.MIXED) or any(d.mechanism == Mechanism.LOF for d in gene.diseases)


def _effect(call: SvCall, gene: PanelGene, exons: Sequence[Exon], build: str) -> tuple[bool, tuple[int, ...], tuple[int, ...], int]:
    """(whole gene, exons covered, exons whose coverage the breakpoint uncertainty leaves open, exon count)."""
    loc = gene.location(build)
    assert loc is not None
    lo, hi = call.start + call.cipos[0], call.end + call.ciend[1]  # the widest the event can be
    lo_n, hi_n = call.start + call.cipos[1], call.end + call.ciend[0]  # the narrowest
    whole = call.start <= loc.start and call.end >= loc.end
    hit = tuple(sorted(e.number for e in exons if (e.start >= call.start and e.end <= call.end) or
                       (e.start <= call.end and e.end >= call.start)))
    sure = {e.number for e in exons if e.start <= hi_n and e.end >= lo_n}
    maybe = {e.number for e in exons if e.start <= hi and e.end >= lo}
    return whole, hit, tuple(sorted(maybe - sure)), len(exons)


def _points(call: SvCall, gene: PanelGene, dosage: Dosage | None, whole: bool, hit: Sequence[int], n_exons: int,
            regions: Sequence[Region], population: float | None, thresholds: SvThresholds, fraction: float = 0.0
            ) -> tuple[float, list[Criterion]]:
    """The rules of the module docstring."""
    crit: list[Criterion] = []
    loss, gain = copy_loss(call), copy_gain(call)
    span = (call.start, call.end)
    if loss:
        hi3 = [r for r in regions if r.hi == "3" and reciprocal_overlap(span, (r.start, r.end)) >= thresholds["region_overlap"]]
        if whole and dosage and dosage.hi == "3":
            crit.append(_criterion("2A", 1.0, f"deletes the whole of {gene.symbol}, an established haploinsufficient "
                                              "gene (ClinGen HI 3)"))
        elif hi3:
            crit.append(_criterion("2A", 1.0, f"deletes the ClinGen region {hi3[0].isca_id} {hi3[0].name} (HI 3)"))
        elif not _loss_of_function(gene):
            crit.append(Criterion("2E", Outcome.NOT_MET, Strength.SUPPORTING, 0,
                                  f"{gene.symbol}'s diseases are gain of function or dominant negative: a deletion is "
                                  "not their mechanism"))
        elif whole:
            crit.append(_criterion("2A", 0.9, f"deletes the whole of {gene.symbol}, a loss-of-function gene: a null "
                                              "allele"))
        elif hit and hit != (n_exons,):
            crit.append(_criterion("2E", 0.9, f"deletes exon(s) {_exons(hit)} of {n_exons} of {gene.symbol}, a "
                                              "loss-of-function gene: a null allele (frameshift and NMD, or essential "
                                              "exons lost)"))
        elif hit and n_exons <= 2 and fraction >= thresholds["last_exon_min_fraction"]:
            crit.append(_criterion("2E", 0.9, f"deletes {fraction:.0%} of the last exon of {gene.symbol}, which holds "
                                              "(most of) its coding sequence: a null allele"))
        elif hit:
            crit.append(_criterion("2E", 0.45, f"deletes part of the last exon of {gene.symbol} only"))
    elif gain:
        ts3 = [r for r in regions if r.ts == "3" and reciprocal_overlap(span, (r.start, r.end)) >= thresholds["region_overlap"]]
        if (whole and dosage and dosage.ts == "3") or ts3:
            crit.append(_criterion("2A", 1.0, f"duplicates {'the whole of ' + gene.symbol if not ts3 else ts3[0].name}, "
                                              "triplosensitive (ClinGen TS 3)"))
        elif not whole and hit and _loss_of_function(gene) and call.start > _span(gene)[0] and call.end < _span(gene)[1]:
            crit.append(_criterion("2I", 0.45, f"duplicates exon(s) {_exons(hit)} inside {gene.symbol}: it disrupts "
                                               "the gene only if in tandem and out of frame (short reads cannot tell)"))
    if population is not None and population >= thresholds["common_af"]:
        crit.append(Criterion("4O", Outcome.MET, Strength.STAND_ALONE, -10,
                              f"a population SV of the same type has AF {population:.3g} (>= {thresholds['common_af']}): "
                              "a common polymorphism, benign on its own (as BA1 for SNVs)"))
        return -1.0, crit
    return sum(c.points for c in crit if c.outcome == Outcome.MET) / 10, crit


def _span(gene: PanelGene) -> tuple[int, int]:
    loc = gene.grch38 or gene.grch37
    assert loc is not None
    return loc.start, loc.end


def _exons(hit: Sequence[int]) -> str:
    return f"{hit[0]}-{hit[-1]}" if len(hit) > 1 and list(hit) == list(range(hit[0], hit[-1] + 1)) else ",".join(map(str, hit))


def sv_checks(call: StructuralCall, gt: Genotype, thresholds: SvThresholds) -> tuple[QcCheck, ...]:
    """The quality rules of the module docstring."""
    checks = [QcCheck("FILTER", Outcome.MET if call.passed else Outcome.NOT_MET, ",".join(call.filters) or "PASS",
                      "PASS", "FILTER is PASS" if call.passed else f"the caller filtered the call ({','.join(call.filters)})",
                      hard=True),
              QcCheck("GT", Outcome.MET if not gt.is_missing else Outcome.NOT_MET, gt.gt, "called",
                      "genotype or copy number called" if not gt.is_missing else "no genotype or copy number", hard=True)]
    if call.support is not None:
        ok = call.support >= thresholds["min_alt_reads"]
        checks.append(QcCheck("support", Outcome.MET if ok else Outcome.NOT_MET, str(call.support),
                              f"{thresholds['min_alt_reads']:g}", f"{call.support} read(s) support the call", hard=True))
    if gt.gq is not None:
        ok = gt.gq >= thresholds["min_gq"]
        checks.append(QcCheck("GQ", Outcome.MET if ok else Outcome.NOT_MET, str(gt.gq), f"{thresholds['min_gq']:g}",
                              f"GQ {gt.gq}" + ("" if ok else f" below {thresholds['min_gq']:g}"), hard=False))
    return tuple(checks)


def _genotype(sample: str, call: SvCall, haploid: bool) -> Genotype:
    g = call.genotype_of(sample)
    if g is None or g.alt_count is None:
        return Genotype.parse(sample, "./.")
    text = ("1" if g.alt_count > 0 else "0") if haploid else {0: "0/0", 1: "0/1"}.get(g.alt_count, "1/1")
    return Genotype.parse(sample, text, gq=g.gq)


def _consequence(call: SvCall, gene: PanelGene, whole: bool, hit: Sequence[int], n_exons: int) -> Consequence:
    if copy_loss(call):
        terms = ("transcript_ablation",) if whole else ("exon_loss_variant",) if hit else ("intron_variant",)
    elif call.svtype in ("DUP", "CNV"):
        terms = ("transcript_amplification",) if whole else ("feature_elongation",) if hit else ("intron_variant",)
    else:
        terms = ("structural_variant",)
    impact = "HIGH" if terms[0] in ("transcript_ablation", "exon_loss_variant") else "MODERATE" if hit else "MODIFIER"
    return Consequence(terms, impact, gene.hgnc_id, gene.symbol, gene.mane_ensembl, True,
                       exon=f"{_exons(hit)}/{n_exons}" if hit else "", source="sv")


def _fate(call: SvCall, g0: object, touches: bool, build: str, regions: Sequence[Region],
          thresholds: SvThresholds) -> str:
    """"scored", or why a call is listed and not scored (module docstring)."""
    chrom = bare(call.chrom)
    alt_count = getattr(g0, "alt_count", None)
    locus = antigen_receptor_locus(call, build)
    if locus:
        return (f"not scored: inside the {locus} locus, a somatic V(D)J rearrangement of lymphoid DNA (blood or a "
                "B-cell line), not a germline variant")
    if call.size > thresholds["max_size"] and not any(
            reciprocal_overlap((call.start, call.end), (r.start, r.end)) >= thresholds["region_overlap"] for r in regions
            if r.chrom == chrom and (r.hi if call.svtype == "DEL" else r.ts) in ("2", "3")):
        return (f"not scored: {call.size / 1e6:.1f} Mb, above sv.max_size and no ClinGen recurrent region: megabase "
                "calls from read pairs are mostly artefacts; confirm by a depth-based method or an array")
    if call.svtype not in ("DEL", "DUP", "CNV"):
        return f"not scored: {call.svtype} (only deletions and duplications are scored)"
    if g0 is None or alt_count is None:
        return "not genotyped (no GT or copy number for the proband): not scored; genotype the calls"
    if not alt_count:
        return "not carried by the proband"
    return "scored" if touches else "no panel gene"


def structural_variants(calls: Sequence[SvCall], samples: Sequence[str], genes: Sequence[PanelGene], *, build: str,
                        exons: Mapping[str, list[Exon]], dosage: Mapping[str, Dosage], regions: Sequence[Region],
                        population: Mapping[tuple[str, int, str], float | None], thresholds: SvThresholds,
                        haploid: bool, source: str, population_checked: bool = False
                        ) -> tuple[list[AnnotatedVariant], list[SvCallRow]]:
    """One annotated variant per (call, panel gene it touches) with the call's evidence, and what was done with
    every call (scored, or why not: somatic locus, type not scored, no panel gene)."""
    out: list[AnnotatedVariant] = []
    seen: list[SvCallRow] = []
    proband = samples[0]
    for call in calls:
        chrom = bare(call.chrom)
        touched = [g for g in genes if (loc := g.location(build)) is not None and loc.chrom == chrom
                   and call.start <= loc.end and call.end >= loc.start]
        g0 = call.genotype_of(proband)
        row = SvCallRow(chrom=call.chrom, start=call.start, end=call.end, svtype=call.svtype,
                        genes=tuple(g.symbol for g in touched), genotype=g0.gt if g0 else "",
                        fate=_fate(call, g0, bool(touched), build, regions, thresholds))
        if row.fate != "scored":
            seen.append(row)
            continue
        pop = population.get((call.chrom, call.start, call.svtype))
        effects: list[SvEffect] = []
        for gene in touched:
            whole, hit, uncertain, n = _effect(call, gene, exons.get(gene.hgnc_id, []), build)
            gene_exons = exons.get(gene.hgnc_id, [])
            last = max(gene_exons, key=lambda e: e.number) if gene_exons else None
            fraction = (max(0, min(call.end, last.end) - max(call.start, last.start) + 1) / (last.end - last.start + 1)
                        if last else 0.0)
            points, criteria = _points(call, gene, dosage.get(gene.hgnc_id), whole, hit, n, regions, pop, thresholds,
                                       fraction)
            in_x = chrom == "X"
            structural = StructuralCall(
                svtype=call.svtype, start=call.start, end=call.end, size=call.size,
                cn=g0.cn if g0 else None, caller=call.caller, source=source, cipos=call.cipos, ciend=call.ciend,
                support=g0.support if g0 else None, filters=call.filters, whole_gene=whole, exons=hit,
                exons_uncertain=uncertain, n_exons=n, points=round(points, 2), acmg_class=sv_class(points),
                criteria=tuple(criteria), population_af=pop, population_checked=population_checked,
                regions=tuple(r.isca_id for r in regions if reciprocal_overlap((call.start, call.end), (r.start, r.end)) > 0))
            effects.append(SvEffect(gene=gene.symbol, effect="whole gene" if whole else (
                f"exons {_exons(hit)}/{n}" if hit else "no exon"), cnv_points=round(points, 2),
                acmg_class=sv_class(points), criteria=",".join(c.code for c in criteria if c.met)))
            variant = Variant(call.chrom, call.start, call.ref[:1] or "N", f"<{call.svtype}>", filters=call.filters,
                              vid=f"{call.svtype}:{call.chrom}:{call.start}-{call.end}")
            gts = tuple(_genotype(s, call, haploid and in_x) for s in samples)
            out.append(AnnotatedVariant(
                variant=variant, genotypes=gts, hgnc_id=gene.hgnc_id, symbol=gene.symbol,
                consequence=_consequence(call, gene, whole, hit, n),
                population=PopulationFrequency(af=pop, an=None, found=pop is not None) if pop is not None else None,
                haploid_region=haploid and in_x, structural=structural))
        seen.append(dataclasses.replace(row, effects=tuple(effects)))
    return out, seen
