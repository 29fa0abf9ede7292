"""The triage stage: the case's candidates, findings and status (pidtriage.triage, pidtriage.decision), written
as triage.json (stages/triage_json.py) with variants.tsv (stages/variants.py)."""

from __future__ import annotations

import dataclasses
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from pidtriage.config import Config
from pidtriage.decision import Scope
from pidtriage.genotype_table import genotype_table
from pidtriage.io.vcf import read_header
from pidtriage.models import Sex
from pidtriage.panel.tsv import Panel
from pidtriage.phenotype import METHOD, HpoContext, background_path, hpo_context
from pidtriage.settings import case_settings
from pidtriage.stages.record import StageRecord, family_of, sex_check, unexpected_failure

__all__ = ["triage_stage"]


def _triage_stage(record: StageRecord, config: Config, panel: Panel, coverage: dict[str, Any] | None = None
                 ) -> tuple[dict[str, Any], str]:
    """The triage.json document of a case (failed cases included) and its variants.tsv text (every record in the
    panel regions with its fate; only the header for a failed case)."""
    # here: only the triage command loads triage, ACMG and jsonschema
    from pidtriage.stages.triage_json import build_triage_json
    from pidtriage.stages.variants import VARIANT_COLUMNS, variants_tsv
    from pidtriage.triage import triage_case

    check = sex_check(record.case.sex, record.sex_inferred)
    hpo, phenotype = _hpo(record, config)
    if record.failure:
        return (build_triage_json(record, None, config, panel, sex_check=check, coverage=coverage,
                                  phenotype=phenotype), "\t".join(VARIANT_COLUMNS) + "\n")
    sex = record.case.sex if record.case.sex != Sex.UNKNOWN else Sex(record.sex_inferred)
    scope = _with_gene_scope(record.scope or Scope("not recorded"), record, config, panel, coverage)
    result = triage_case(record.variants, case=record.case, family=family_of(record, config), sex=sex,
                         panel_genes=panel.by_hgnc_id(), thresholds=case_settings(config.values), scope=scope,
                         hpo=hpo)
    header = read_header(record.extracted_vcf, check_compression=False)
    variants = variants_tsv(record.extracted_vcf, list(record.samples_in_vcf), list(header.formats), result, config,
                            panel)
    return (build_triage_json(record, result, config, panel, sex_check=check, coverage=coverage, phenotype=phenotype),
            variants)


def _with_gene_scope(scope: Scope, record: StageRecord, config: Config, panel: Panel,
                     coverage: dict[str, Any] | None) -> Scope:
    """The scope with the panel genes the input let us assess (gene_scope.assess_genes): coverage from the
    coverage stage when measured, else the gVCF's blocks when the extract has them, else the proband's calls."""
    from pidtriage import coverage as cov
    from pidtriage.gene_scope import BASIS_CALLS, BASIS_COVERAGE, BASIS_GVCF, assess_genes
    from pidtriage.genome import naming_of

    vcf, proband = record.extracted_vcf, record.case.vcf_sample
    header = read_header(vcf, check_compression=False)
    table = genotype_table(vcf, record.samples_in_vcf, formats=header.formats)
    min_depth, min_fraction = int(config.get("coverage", "min_depth")), float(config.get("coverage", "min_gene_fraction"))
    fractions: dict[str, float] | None = None
    basis = BASIS_CALLS
    if coverage and coverage.get("provided") and not coverage.get("error") and coverage.get("per_gene"):
        by_symbol = {g.symbol: g.hgnc_id for g in panel.genes}
        fractions = {by_symbol[s]: f for s, f in coverage["per_gene"].items() if s in by_symbol}
        basis = BASIS_COVERAGE
    elif len(table) and np.isin(table.alt, cov.GVCF_BLOCK_ALTS).any():
        tag = "MIN_DP" if "MIN_DP" in header.formats else "DP"
        genes = cov.coverage_from_gvcf(vcf, proband, cov.read_exons(config.path("coverage", "exons"), config.build),
                                       min_depth=min_depth, depth_tag=tag)
        fractions, basis = {g.hgnc_id: g.fraction for g in genes}, f"{BASIS_GVCF} ({tag})"
    called = table.dosage[:, 0] >= 0 if len(table) else np.zeros(0, dtype=bool)
    positions = {c: np.sort(table.pos[called & (table.chrom == c)]) for c in set(table.chrom[called].tolist())}
    contigs = (record.whole_vcf.get(proband) or {}).get("contigs_with_records")
    naming = naming_of(contigs) if contigs else record.naming or naming_of(table.chrom.tolist())
    assessed = assess_genes(panel.genes, build=config.build, naming=naming, padding=int(config.get("panel_padding")),
                            contigs_with_records=contigs, called_positions=positions, coverage_fraction=fractions,
                            basis=basis, min_fraction=min_fraction, min_depth=min_depth)
    return dataclasses.replace(scope, genes_total=len(assessed), genes_assessed=sum(a.assessed for a in assessed),
                               coverage_basis=basis,
                               genes_not_assessed=tuple((a.symbol, a.reason) for a in assessed if not a.assessed))


def _hpo(record: StageRecord, config: Config) -> tuple[HpoContext | None, dict[str, Any]]:
    """The case's HPO terms in context (None without terms or without the panel's annotations) and what
    triage.json records of them: the terms with labels, the release, the method, and notes."""
    case = record.case
    terms = config.path("phenotype", "hpo_terms") or str(resources.files("pidtriage").joinpath("data/hpo_terms.tsv.gz"))
    genes = config.path("phenotype", "gene_annotations") or str(Path(config.path("panel")).with_suffix(".hpo.tsv"))
    doc: dict[str, Any] = {"used": False, "method": METHOD, "hpo_release": "", "observed": [], "excluded": [],
                           "notes": []}
    if not case.hpo_terms and not case.hpo_excluded:
        doc["notes"].append("no HPO terms given: the ranking uses the immunophenotype and IUIS category only")
        return None, doc
    missing = next((p for p in (Path(genes), background_path(genes)) if not p.exists()), None)
    if missing is not None:
        doc["notes"].append(f"{missing.name}: no HPO table for this panel (build it with scripts/build_hpo_tables.py "
                            "--panel); the HPO terms are not used for ranking")
        doc["observed"] = [{"id": t, "label": ""} for t in case.hpo_terms]
        doc["excluded"] = [{"id": t, "label": ""} for t in case.hpo_excluded]
        return None, doc
    hpo = hpo_context(case.hpo_terms, case.hpo_excluded, terms=terms, genes=genes,
                      settings=case_settings(config.values)["phenotype"])
    assert hpo is not None
    name = hpo.ontology.name
    doc.update(used=True, hpo_release=hpo.ontology.release, notes=list(hpo.patient.notes),
               observed=[{"id": t, "label": name(t)} for t in hpo.patient.observed],
               excluded=[{"id": t, "label": name(t)} for t in hpo.patient.excluded])
    if hpo.genes.release != hpo.ontology.release:
        doc["notes"].append(f"{genes} is from HPO {hpo.genes.release}, the terms from {hpo.ontology.release}: "
                            "rebuild it with scripts/build_hpo_tables.py")
    return hpo, doc


def triage_stage(record: StageRecord, config: Config, panel: Panel, coverage: dict[str, Any] | None = None,
                 previous: str = "") -> tuple[dict[str, Any], str]:
    """triage.json and variants.tsv of the case (see _triage_stage), compared with the previous run's triage.json
    at `previous` when it exists (reanalysis: `changes`, and dates carried forward)."""
    try:
        doc, variants = _triage_stage(record, config, panel, coverage)
    except Exception as exc:  # the case boundary (above)
        doc, variants = _triage_stage(unexpected_failure("triage", record, exc), config, panel, coverage)
    return reanalysed(doc, previous), variants


def reanalysed(doc: dict[str, Any], previous: str, *, validate: bool = True) -> dict[str, Any]:
    """`doc` with its `changes` against the triage.json at `previous` ("" or absent: a first analysis of this
    case) and its candidates' and findings' dates (pidtriage.reanalysis). `validate=False` for documents of
    kept runs, which may be of an earlier schema version (`pidtriage diff`)."""
    from pidtriage.io.jsonio import read_json
    from pidtriage.reanalysis import compare, no_previous, with_history
    from pidtriage.stages.triage_json import validate_triage_json

    doc["changes"] = no_previous()
    if previous and not Path(previous).exists():
        doc["changes"]["summary"] = "new case (not in the previous run)"
    old = None
    if previous and Path(previous).exists():
        try:
            old = read_json(previous)
            changes = compare(old, doc, previous_path=previous).as_json()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # the new analysis stands; only the comparison is lost, and said so
            old = None
            doc["changes"]["summary"] = (f"{previous}: the previous triage.json could not be compared "
                                         f"({type(exc).__name__}: {exc}); compare by hand")
        else:
            doc["changes"] = changes
    with_history(doc, old)
    if validate:
        validate_triage_json(doc)
    return doc
