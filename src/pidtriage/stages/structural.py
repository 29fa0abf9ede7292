"""The SV part of the annotate stage: the case's SV/CNV VCF (sheet column `sv_vcf`) read over the panel genes and
the ClinGen regions, its calls scored (pidtriage.sv.evidence) and turned into annotated variants that join the
SNVs; the parents' calls come from the same VCF (a joint call) or from their own `sv_vcf`, matched by type and
reciprocal overlap. A file that cannot be read is a QC warning, not a failed case: the SNV analysis stands."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pysam

from pidtriage.config import Config
from pidtriage.errors import PidTriageError
from pidtriage.models import AnnotatedVariant, Sex
from pidtriage.panel.ops import bed_regions
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import StructuralInput
from pidtriage.stages.record import StageRecord
from pidtriage.sv.calls import SvCall, SvGenotype, read_sv_calls
from pidtriage.sv.evidence import (
    read_dosage,
    read_exons,
    read_regions,
    reciprocal_overlap,
    structural_variants,
)

__all__ = ["structural_calls"]


def _overlap(a: SvCall, b: SvCall) -> float:
    return reciprocal_overlap((a.start, a.end), (b.start, b.end))


def _with_parents(calls: list[SvCall], record: StageRecord, regions: list[tuple[str, int, int]], path: str
                  ) -> list[SvCall]:
    """The proband's calls with each parent's genotype; a parent in an SV VCF of their own: the matching call
    (same type, reciprocal overlap >= 0.5) or, without one, not called."""
    case = record.case
    extra: list[tuple[str, str]] = [(s, v) for s, v in ((case.father_vcf_sample, case.father_sv_vcf),
                                                        (case.mother_vcf_sample, case.mother_sv_vcf))
                                    if s and v and v != path]
    for sample, vcf in extra:
        theirs = read_sv_calls(vcf, [sample], regions)
        updated = []
        for c in calls:
            match = max((t for t in theirs if t.svtype == c.svtype and _overlap(c, t) >= 0.5),
                        key=lambda t: _overlap(c, t), default=None)
            g = match.genotype_of(sample) if match else None
            updated.append(dataclasses.replace(c, genotypes=(*c.genotypes, g or SvGenotype(sample, "", None))))
        calls = updated
    return calls


def structural_calls(record: StageRecord, config: Config, panel: Panel, sex: Sex, *, path: str = ""
                     ) -> tuple[list[AnnotatedVariant], StructuralInput]:
    """The SV annotated variants of the case and what triage.json records of the SV input (`structural`):
    from `path` (default: the sheet's sv_vcf; the case's own VCF when it holds SV records)."""
    case = record.case
    path = path or case.sv_vcf
    if not Path(path).exists():
        return [], StructuralInput(vcf=path, error=f"{path}: SV VCF not found; fix the sv_vcf column (deletions and "
                                                    "duplications not assessed)")
    sample = None
    try:
        with pysam.VariantFile(path) as vf:  # the header once: contig naming and samples
            prefix = any(str(c).startswith("chr") for c in vf.header.contigs)
            in_file = list(vf.header.samples)
        padding = int(config.get("panel_padding"))
        regions = [(c, s + 1, e) for c, s, e, _ in bed_regions(panel, build=config.build, padding=padding, chr_prefix=prefix)]
        clingen = read_regions(config.path("sv", "regions"), config.build)
        regions += [(("chr" if prefix else "") + r.chrom, r.start, r.end) for r in clingen]
        parents = ((case.father_vcf_sample, case.father_sv_vcf, case.father_vcf),
                   (case.mother_vcf_sample, case.mother_sv_vcf, case.mother_vcf))
        same = [s for s, v, snv in parents if s and (v == path or (not v and snv == path))]
        samples = [case.vcf_sample, *same]
        names = list(samples)
        if len(in_file) == 1 and case.vcf_sample not in in_file and not same:
            names = in_file  # a single-sample SV VCF is the proband's, whatever its sample is called
            sample = f"{in_file[0]} (the SV VCF's only sample) taken as {case.vcf_sample}"
        calls = read_sv_calls(path, names, regions)
        if names != samples:
            calls = [dataclasses.replace(c, genotypes=tuple(dataclasses.replace(g, sample=case.vcf_sample)
                                                            for g in c.genotypes)) for c in calls]
        calls = _with_parents(calls, record, regions, path)
        samples += [s for s, v in ((case.father_vcf_sample, case.father_sv_vcf), (case.mother_vcf_sample, case.mother_sv_vcf))
                    if s and v and v != path]
        population = _population(calls, config)
        thresholds = config.get("sv")
        dosage_path = config.path("sv", "dosage") or str(Path(config.path("panel")).with_suffix(".dosage.tsv"))
        exons = read_exons(config.path("coverage", "exons"), config.build)
        variants, seen = structural_variants(
            calls, samples, list(panel.genes), build=config.build, exons=exons, dosage=read_dosage(dosage_path),
            regions=clingen, population=population, thresholds=thresholds, haploid=sex == Sex.MALE, source=path,
            population_checked=bool(config.get("resources", "sv_population", "vcf")))
    except (PidTriageError, OSError, ValueError) as exc:
        return [], StructuralInput(vcf=path, sample=sample, error=f"SV calls not assessed: {exc}")
    callers = sorted({c.caller for c in calls})
    return variants, StructuralInput(
        vcf=path, sample=sample, caller=", ".join(callers) or "unknown", calls_in_panel_regions=len(calls),
        calls_scored=sum(1 for s in seen if s.fate == "scored"),
        population=config.get("resources", "sv_population", "vcf") or "", calls=tuple(seen[:200]))


def _population(calls: list[SvCall], config: Config) -> dict[tuple[str, int, str], float | None]:
    """(chrom, start, type) -> the highest AF of a population SV of the same type with reciprocal overlap >=
    `sv.population_overlap`; 0 when none such (checked), nothing when no resource is configured."""
    path = config.path("resources", "sv_population", "vcf")
    if not path:
        return {}
    key = config.get("resources", "sv_population", "af_field")
    need = float(config.get("sv", "population_overlap"))
    out: dict[tuple[str, int, str], float | None] = {}
    with pysam.VariantFile(path) as vf:
        contigs = set(vf.header.contigs)
        for c in calls:
            chrom = c.chrom if c.chrom in contigs else (c.chrom[3:] if c.chrom.startswith("chr") else "chr" + c.chrom)
            best = 0.0
            if chrom in contigs:
                for rec in vf.fetch(chrom, max(0, c.start - 1), c.end):
                    svtype = str(rec.info.get("SVTYPE", "")) or (rec.alts[0][1:-1].split(":")[0] if rec.alts else "")
                    same = svtype == c.svtype or ({svtype, c.svtype} <= {"DEL", "DUP", "CNV"} and "CNV" in (svtype, c.svtype))
                    if same and reciprocal_overlap((c.start, c.end), (rec.pos + 1, int(rec.stop))) >= need:
                        af = rec.info.get(key)
                        value = float(af[0] if isinstance(af, tuple) else af) if af is not None else 0.0
                        best = max(best, value)
            out[(c.chrom, c.start, c.svtype)] = best
    return out
