"""The annotate stage: consequences (input annotation, or bcftools csq), then gene, ClinVar, population
frequency and scores of the records that could become candidates; what could be assessed (the scope)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pysam.bcftools

from pidtriage.config import Config
from pidtriage.errors import ConfigError, PidTriageError
from pidtriage.io.genotype_table import genotype_table
from pidtriage.io.vcf import ANNOTATION_KEYS, VcfHeader, csq_format, read_header, read_records
from pidtriage.models import AnnotatedVariant, Sex, VariantKey
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import StructuralInput
from pidtriage.stages.record import Screening, StageRecord, input_named, unexpected_failure
from pidtriage.stages.sample_qc import sample_qc as run_sample_qc
from pidtriage.triage.decision import Scope

__all__ = ["annotate_stage", "annotated_records"]


def _annotate_stage(record: StageRecord, config: Config, panel: Panel) -> StageRecord:
    """Sample QC on the whole extracted table, then annotation of the records that could become candidates
    (Annotator.screen); the others are counted, not annotated one by one."""
    from pidtriage.annotate.pipeline import Annotator  # here: only the annotate command loads the annotators

    if record.failure:
        return record
    notes = list(record.notes)
    try:
        vcf = record.extracted_vcf
        extract = record.panel_extract()
        header, table = extract.header, extract.table
        ran_csq = _wants_csq(header, config)
        if ran_csq:
            from pidtriage.annotate.bcftools_csq import run_csq

            vcf = run_csq(vcf, config.path("annotation", "reference_fasta"), config.path("annotation", "gff3"),
                          str(vcf).replace(".vcf.gz", "") + ".csq.vcf.gz")
            header = read_header(vcf, check_compression=False)
            table = genotype_table(vcf, record.samples_in_vcf, formats=header.formats)
            notes.append("consequences computed with bcftools csq (haplotype-aware; unphased heterozygous variants "
                         "in one codon are read as on one haplotype)")
        computed = _mane_consequences(vcf, header, config, notes) if not ran_csq else {}
        sample_qc, inferred, evidence = run_sample_qc(record, table, config)
        reported = record.case.sex
        sex = reported if reported != Sex.UNKNOWN else inferred
        annotator = Annotator(config, panel, csq_fields=csq_format(header, "CSQ"), computed=computed)
        build_failure, build_check = ("", "") if record.build_verified else _build_from_clinvar(annotator, table,
                                                                                                 record, config)
        keep = annotator.screen(table, vcf, annotation_keys=list(header.info_descriptions))
        raw = list(read_records(vcf, record.samples_in_vcf, keys=keep)) if keep else []
        variants = annotator.annotate(raw, sex=sex)
        sv_source, sv_variants, structural = _structural(record, config, panel, sex, header, notes)
        variants = [*variants, *sv_variants]
    except PidTriageError as exc:
        return dataclasses.replace(record, failure=input_named(exc, record, Path(record.extracted_vcf).parent))
    if reported == Sex.UNKNOWN:
        notes.append(f"reported sex unknown: inferred {inferred} used ({evidence})")
    blocks = int(np.isin(table.alt, ["<NON_REF>", "<*>", "."]).sum())
    if blocks:  # judged from the records: joint-called VCFs often keep gVCF header lines
        notes.append(f"gVCF: {blocks} reference-block or <NON_REF> record(s) in the panel regions skipped, "
                     "variant calls kept")
    sample_qc = dataclasses.replace(sample_qc, screening=Screening(
        records_in_panel_regions=len(table), records_annotated=len(raw),
        explanation="records annotated one by one: the proband carries the allele and it is in ClinVar or the "
                    "input annotates a protein-altering or splice consequence; no other record can qualify"))
    provenance = annotator.provenance()
    if build_failure:
        return dataclasses.replace(record, failure=build_failure)
    # the scores read for this case's variants (input CSQ, score tables, the population file's fields), not the
    # ones configured: a score the scope names was there to be used
    scores = {name for v in variants for name, _ in v.scores}
    scope = Scope(
        consequence_source=_consequence_source(header, config, ran_csq) + ("; MANE transcripts: bcftools csq" if
                                                                         computed else ""),
        records_in_panel_regions=len(table),
        records_with_consequence=annotated_records(vcf, header, config), clinvar=provenance.get("clinvar", ""),
        clinvar_date=provenance.get("clinvar_date", ""), population=provenance.get("population", ""),
        scores=tuple(sorted(scores)), vcf=record.case.vcf, build_check=build_check,
        structural=sv_source if structural and not structural.error else "",
    )
    return dataclasses.replace(
        record, variants=tuple(variants), sex_inferred=inferred, sex_evidence=evidence,
        provenance=tuple(sorted(provenance.items())), n_records_in_panel=len(table), notes=tuple(notes),
        sample_qc=sample_qc, failure="; ".join(sample_qc.hard_failures), scope=scope, structural=structural,
        extract=extract,
    )


def _structural(record: StageRecord, config: Config, panel: Panel, sex: Sex, header: VcfHeader, notes: list[str]
                ) -> tuple[str, list[AnnotatedVariant], StructuralInput | None]:
    """(the SV source, its annotated variants, what triage.json records of it): the sheet's sv_vcf, or SV records
    (INFO/SVTYPE) in the case's VCF; nothing without either. A file that cannot be read adds a QC warning."""
    source = record.case.sv_vcf or (record.case.vcf if "SVTYPE" in header.info_descriptions else "")
    if not source:
        return "", [], None
    from pidtriage.stages.structural import structural_calls  # here: only cases with SV calls load it

    variants, summary = structural_calls(record, config, panel, sex, path=source)
    if summary.error:
        notes.append(f"QC warning: {summary.error}")
    return source, variants, summary


_BUILD_CHECK_RECORDS = 5000  # enough shared positions with ClinVar; not one region query per record of a genome


def _build_from_clinvar(annotator: Any, table: Any, record: StageRecord, config: Config) -> tuple[str, str]:
    """For a VCF whose header does not say its build: do its REF alleles agree with ClinVar's at the positions
    both have (among its first records)? (the case's failure when most disagree: another build; "" otherwise,
    and what was checked, for the scope)."""
    if annotator.clinvar is None or not len(table):
        return "", f"genome build not verifiable from the header; assumed {config.build} (no ClinVar to check it against)"
    n = _BUILD_CHECK_RECORDS
    known = annotator.clinvar.keys_at(table.chrom[:n].tolist(), table.pos[:n].tolist())
    refs: dict[tuple[str, int], set[str]] = {}
    for k in known:
        refs.setdefault((k.chrom, k.pos), set()).add(k.ref)
    ours = [VariantKey(c, p, r, "").bare for c, p, r in zip(table.chrom[:n].tolist(), table.pos[:n].tolist(),
                                                              table.ref[:n].tolist(), strict=True)]
    shared = [k.ref in refs[(k.chrom, k.pos)] for k in ours if (k.chrom, k.pos) in refs]
    agree = sum(shared)
    if len(shared) >= 10 and agree < 0.5 * len(shared):
        return (f"{record.case.vcf}: the header does not state the genome build, and the REF alleles disagree "
                f"with {config.build} ClinVar at {len(shared) - agree} of {len(shared)} shared positions: the VCF is "
                f"probably another build; give a {config.build} VCF (or set genome_build), with ##contig lines"), ""
    return "", (f"genome build not verifiable from the header; assumed {config.build}: REF alleles agree with ClinVar at "
            f"{agree} of {len(shared)} shared positions")


def _consequence_source(header: VcfHeader, config: Config, ran_csq: bool) -> str:
    """Where the consequences come from, in words (decision.Scope.consequence_source)."""
    if config.get("annotation", "consequence_source") == "none":
        return "none (annotation.consequence_source: none)"
    if ran_csq:
        return "bcftools csq"
    names = {"CSQ": "VEP CSQ", "ANN": "snpEff ANN", "EFF": "snpEff EFF", "BCSQ": "bcftools BCSQ"}
    keys = [names.get(k, k) for k in ANNOTATION_KEYS if k in header.info_descriptions]
    return "input: " + ", ".join(keys) if keys else "none in the input"


def annotated_records(vcf: str, header: VcfHeader, config: Config) -> int:
    """Records of the panel extract that carry a consequence annotation (CSQ/ANN/EFF/BCSQ); 0 when annotation
    is switched off. One bcftools pass over the (small) extract."""
    keys = [k for k in ANNOTATION_KEYS if k in header.info_descriptions]
    if not keys or config.get("annotation", "consequence_source") == "none":
        return 0
    expr = " || ".join(f'INFO/{k}!="."' for k in keys)
    return len(pysam.bcftools.query("-i", expr, "-f", "\n", vcf))


def _mane_consequences(vcf: str, header: VcfHeader, config: Config, notes: list[str]
                       ) -> dict[VariantKey, str]:
    """Under consequence_source `auto`, with a reference and a GFF3 configured, beside an input that carries its
    own consequences: bcftools csq's on the GFF3's (MANE) transcripts, by (bare chrom, pos, ref, alt), so that a
    variant the input annotates on another transcript still gets its c./p. on MANE. {} otherwise."""
    has_inputs = bool(config.path("annotation", "reference_fasta") and config.path("annotation", "gff3"))
    if config.get("annotation", "consequence_source") != "auto" or not has_inputs:
        return {}
    from pidtriage.annotate.bcftools_csq import COMPUTED_TAG, computed_consequences, run_csq

    out = run_csq(vcf, config.path("annotation", "reference_fasta"), config.path("annotation", "gff3"),
                  str(vcf).replace(".vcf.gz", "") + ".mane_csq.vcf.gz", tag=COMPUTED_TAG)
    notes.append("c./p. on the MANE transcripts computed with bcftools csq where the input's annotation names "
                 "another transcript")
    return computed_consequences(out)


def _wants_csq(header: VcfHeader, config: Config) -> bool:
    """bcftools csq runs when asked (consequence_source: bcftools_csq), or under `auto` when a reference and a
    GFF3 are configured and the input carries no consequences of its own."""

    source = config.get("annotation", "consequence_source")
    has_inputs = bool(config.path("annotation", "reference_fasta") and config.path("annotation", "gff3"))
    if source == "bcftools_csq":
        if not has_inputs:
            raise ConfigError("annotation.consequence_source is bcftools_csq but annotation.reference_fasta or "
                              "annotation.gff3 is not set; set both")
        return True
    return source == "auto" and has_inputs and not any(k in header.info_descriptions for k in ANNOTATION_KEYS)


def annotate_stage(record: StageRecord, config: Config, panel: Panel) -> StageRecord:
    """Sample QC and annotation (see _annotate_stage)."""
    try:
        return _annotate_stage(record, config, panel)
    except Exception as exc:  # the case boundary (above)
        return unexpected_failure("annotate", record, exc)
