"""The triage stage: the case's candidates, findings and status (pidtriage.triage.judge, pidtriage.triage.decision), as the
case's result (pidtriage.result.assemble: triage.json) with variants.tsv (stages/variants.py), compared with the
previous run's result when there is one (pidtriage.result.changes) and checked against the schema."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path

import numpy as np

from pidtriage.config import Config
from pidtriage.models import Sex
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import (
    CaseResult,
    ChangesSection,
    CoverageSection,
    HpoTerm,
    PhenotypeSection,
)
from pidtriage.settings import case_settings
from pidtriage.stages.record import StageRecord, family_of, unexpected_failure
from pidtriage.triage.decision import Scope
from pidtriage.triage.phenotype import METHOD, HpoContext, background_path, hpo_context

__all__ = ["reanalysed", "triage_stage"]


def _triage_stage(record: StageRecord, config: Config, panel: Panel, coverage: CoverageSection
                  ) -> tuple[CaseResult, str]:
    """The result of a case (failed cases included) and its variants.tsv text (every record in the panel regions
    with its fate; only the header for a failed case)."""
    # here: only the triage command loads triage, ACMG and jsonschema
    from pidtriage.result.assemble import build_case_result
    from pidtriage.stages.variants import VARIANT_COLUMNS, variants_tsv
    from pidtriage.triage.judge import triage_case

    hpo, phenotype = _hpo(record, config)
    if record.failure:
        return (build_case_result(record, None, config, panel, coverage=coverage, phenotype=phenotype),
                "\t".join(VARIANT_COLUMNS) + "\n")
    sex = record.case.sex if record.case.sex != Sex.UNKNOWN else record.sex_inferred
    scope = _with_gene_scope(record.scope or Scope("not recorded"), record, config, panel, coverage)
    result = triage_case(record.variants, case=record.case, family=family_of(record, config), sex=sex,
                         panel_genes=panel.by_hgnc_id(), thresholds=case_settings(config.values), scope=scope,
                         hpo=hpo)
    variants = variants_tsv(record.panel_extract().table, result, config, panel)
    return build_case_result(record, result, config, panel, coverage=coverage, phenotype=phenotype), variants


def _with_gene_scope(scope: Scope, record: StageRecord, config: Config, panel: Panel, coverage: CoverageSection
                     ) -> Scope:
    """The scope with the panel genes the input let us assess (gene_scope.assess_genes): coverage from the
    coverage stage when measured, else the gVCF's blocks when the extract has them, else the proband's calls."""
    from pidtriage.genome import naming_of
    from pidtriage.qc import depth as cov
    from pidtriage.triage.gene_scope import BASIS_CALLS, BASIS_COVERAGE, BASIS_GVCF, assess_genes

    vcf, proband = record.extracted_vcf, record.case.vcf_sample
    extract = record.panel_extract()
    header, table = extract.header, extract.table
    min_depth, min_fraction = int(config.get("coverage", "min_depth")), float(config.get("coverage", "min_gene_fraction"))
    fractions: dict[str, float] | None = None
    basis = BASIS_CALLS
    if coverage.measured and coverage.per_gene:
        by_symbol = {g.symbol: g.hgnc_id for g in panel.genes}
        fractions = {by_symbol[s]: f for s, f in coverage.per_gene.items() if s in by_symbol}
        basis = BASIS_COVERAGE
    elif len(table) and np.isin(table.alt, cov.GVCF_BLOCK_ALTS).any():
        tag = "MIN_DP" if "MIN_DP" in header.formats else "DP"
        genes = cov.coverage_from_gvcf(vcf, proband, cov.read_exons(config.path("coverage", "exons"), config.build),
                                       min_depth=min_depth, depth_tag=tag)
        fractions, basis = {g.hgnc_id: g.fraction for g in genes}, f"{BASIS_GVCF} ({tag})"
    called = table.dosage[:, 0] >= 0 if len(table) else np.zeros(0, dtype=bool)
    positions = {c: np.sort(table.pos[called & (table.chrom == c)]) for c in set(table.chrom[called].tolist())}
    whole = record.whole_vcf.get(proband)
    contigs = whole.contigs_with_records if whole else None
    naming = naming_of(contigs) if contigs else record.naming or naming_of(table.chrom.tolist())
    assessed = assess_genes(panel.genes, build=config.build, naming=naming, padding=int(config.get("panel_padding")),
                            contigs_with_records=contigs, called_positions=positions, coverage_fraction=fractions,
                            basis=basis, min_fraction=min_fraction, min_depth=min_depth)
    return dataclasses.replace(scope, genes_total=len(assessed), genes_assessed=sum(a.assessed for a in assessed),
                               coverage_basis=basis,
                               genes_not_assessed=tuple((a.symbol, a.reason) for a in assessed if not a.assessed))


def _hpo(record: StageRecord, config: Config) -> tuple[HpoContext | None, PhenotypeSection]:
    """The case's HPO terms in context (None without terms or without the panel's annotations) and what the
    result records of them: the terms with labels, the release, the method, and notes."""
    case = record.case
    terms = config.path("phenotype", "hpo_terms") or str(resources.files("pidtriage").joinpath("data/hpo_terms.tsv.gz"))
    genes = config.path("phenotype", "gene_annotations") or str(Path(config.path("panel")).with_suffix(".hpo.tsv"))
    if not case.hpo_terms and not case.hpo_excluded:
        return None, PhenotypeSection(method=METHOD, notes=(
            "no HPO terms given: the ranking uses the immunophenotype and IUIS category only",))
    missing = next((p for p in (Path(genes), background_path(genes)) if not p.exists()), None)
    if missing is not None:
        return None, PhenotypeSection(
            method=METHOD, observed=tuple(HpoTerm(id=t) for t in case.hpo_terms),
            excluded=tuple(HpoTerm(id=t) for t in case.hpo_excluded),
            notes=(f"{missing.name}: no HPO table for this panel (build it with scripts/build_hpo_tables.py --panel); "
                   "the HPO terms are not used for ranking",))
    hpo = hpo_context(case.hpo_terms, case.hpo_excluded, terms=terms, genes=genes,
                      settings=case_settings(config.values)["phenotype"])
    assert hpo is not None
    name = hpo.ontology.name
    notes = list(hpo.patient.notes)
    if hpo.genes.release != hpo.ontology.release:
        notes.append(f"{genes} is from HPO {hpo.genes.release}, the terms from {hpo.ontology.release}: "
                     "rebuild it with scripts/build_hpo_tables.py")
    return hpo, PhenotypeSection(used=True, method=METHOD, hpo_release=hpo.ontology.release,
                                 observed=tuple(HpoTerm(id=t, label=name(t)) for t in hpo.patient.observed),
                                 excluded=tuple(HpoTerm(id=t, label=name(t)) for t in hpo.patient.excluded),
                                 notes=tuple(notes))


def triage_stage(record: StageRecord, config: Config, panel: Panel, coverage: CoverageSection | None = None,
                 previous: str = "") -> tuple[CaseResult, str]:
    """The case's result and its variants.tsv (see _triage_stage), compared with the previous run's triage.json at
    `previous` when it exists (reanalysis: `changes`, and dates carried forward), checked against the schema."""
    from pidtriage.result.schema import validate_result

    coverage = coverage or CoverageSection(provided=False, source=record.case.coverage)
    try:
        result, variants = _triage_stage(record, config, panel, coverage)
    except Exception as exc:  # the case boundary (above)
        result, variants = _triage_stage(unexpected_failure("triage", record, exc), config, panel, coverage)
    result = reanalysed(result, previous)
    validate_result(result)
    return result, variants


def reanalysed(result: CaseResult, previous: str) -> CaseResult:
    """`result` with its `changes` against the triage.json at `previous` ("" or absent: a first analysis of this
    case) and its candidates' and findings' dates (pidtriage.result.changes). A previous document that cannot be
    read or compared leaves the new analysis standing and says so."""
    from pidtriage.io.jsonio import from_jsonable, read_json
    from pidtriage.result.changes import compare, with_history

    changes = ChangesSection()
    if previous and not Path(previous).exists():
        changes = ChangesSection(summary="new case (not in the previous run)")
    old = None
    if previous and Path(previous).exists():
        try:
            old = from_jsonable(CaseResult, read_json(previous))
            changes = compare(old, result, previous_path=previous)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # the new analysis stands; only the comparison is lost, and said so
            old = None
            changes = ChangesSection(summary=f"{previous}: the previous triage.json could not be compared "
                                             f"({type(exc).__name__}: {exc}); compare by hand")
    return with_history(dataclasses.replace(result, changes=changes), old)
