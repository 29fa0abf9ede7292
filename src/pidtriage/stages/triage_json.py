"""triage.json: the contract between the stages and every report. Validated against its schema before writing."""

from __future__ import annotations

import dataclasses
import json
import os
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from pidtriage import __version__
from pidtriage.annotate.clinvar import clinvar_summary
from pidtriage.annotate.nomenclature import nomenclature
from pidtriage.clock import today
from pidtriage.config import Config
from pidtriage.decision import Scope, case_status
from pidtriage.findings import Candidate, GeneFinding, TriageResult
from pidtriage.models import Status
from pidtriage.next_steps import next_steps
from pidtriage.panel.model import Disease
from pidtriage.panel.tsv import Panel
from pidtriage.phenotype import TermEvidence
from pidtriage.ranking import phenotype_log10_lr, variant_probability
from pidtriage.reanalysis import no_previous
from pidtriage.settings import RankingSettings, case_settings
from pidtriage.stages.record import StageRecord

__all__ = ["SCHEMA_VERSION", "build_triage_json", "validate_triage_json"]

# 1.1: scope, low_quality_calls, reportable(_basis), findings[].against, qc_checks[].hard
# 1.2: phenotype (HPO terms used, release, method), case.hpo_excluded, candidates[].phenotype_match.hpo and .score,
#      laboratory, provenance.analysis_date, next_steps from the case's findings (next_steps.py), candidates'
#      mane_refseq and proband call values (dp, gq, ad, allele_balance), changes (reanalysis), candidates' and
#      findings' first_seen and evidence_last_updated / last_changed, provenance.input_size
# 1.3: candidates' combined ranking score (score), variant_probability, unjudged_effect, partner_only;
#      phenotype_match.hpo as a likelihood ratio with its disease and per-term contributions (terms),
#      phenotype_match.immunophenotype_log10_lr; thresholds.ranking and thresholds.phenotype; scope's genes_total,
#      genes_assessed, coverage_basis, genes_not_assessed; candidates' clinvar (one wording: clinvar_summary),
#      mane_select, transcript_label, gene_mane, gene_mim; transcript and mane_refseq only as the HGVS's own (no
#      MANE ID beside another transcript); diseases[] as {name, omim: [{id, label}] OMIM phenotype entries (never
#      a gene MIM), omim_mapping, moi, mechanism, iuis_table}
SCHEMA_VERSION = "1.3"

@cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.files("pidtriage").joinpath("data/triage.schema.json").read_text())
    return loaded


@cache
def _validator() -> Any:
    return jsonschema.validators.validator_for(_schema())(_schema())


def _sorted(value: Any) -> Any:
    return {k: _sorted(value[k]) for k in sorted(value)} if isinstance(value, dict) else value


def validate_triage_json(doc: dict[str, Any]) -> None:
    error = jsonschema.exceptions.best_match(_validator().iter_errors(doc))
    if error is not None:
        raise error


def _term(t: TermEvidence) -> dict[str, Any]:
    return {"id": t.term, "label": t.label, "observed": t.observed, "match": t.match, "matched_id": t.matched_term,
            "matched_label": t.matched_label, "disease_frequency": t.disease_frequency,
            "background_frequency": round(t.background_frequency, 5), "lr": round(t.lr, 4)}


def _phenotype(c: Candidate, ranking: RankingSettings) -> dict[str, Any]:
    p = c.phenotype
    hpo = ({"score": p.hpo.score, "gene_annotated": p.hpo.annotated, "disease_id": p.hpo.disease_id,
            "disease_name": p.hpo.disease_name,
            "fits": [{"id": t, "label": label} for t, label in p.hpo.fits],
            "against": [{"id": t, "label": label} for t, label in p.hpo.against],
            "terms": [_term(t) for t in p.hpo.terms]} if p.hpo else None)
    return {"agree": list(p.agree), "contradict": list(p.contradict), "suspected_category": p.category, "hpo": hpo,
            "immunophenotype_log10_lr": p.immunophenotype_log10_lr,
            "score": round(phenotype_log10_lr(p, ranking), 4)}


def _structural(c: Candidate) -> dict[str, Any]:
    s = c.av.structural
    assert s is not None
    return {"svtype": s.svtype, "start": s.start, "end": s.end, "size": s.size, "cn": s.cn, "caller": s.caller,
            "vcf": s.source, "whole_gene": s.whole_gene, "exons": list(s.exons), "exons_uncertain": list(s.exons_uncertain),
            "n_exons": s.n_exons, "cnv_points": s.points, "support": s.support, "cipos": list(s.cipos),
            "ciend": list(s.ciend), "regions": list(s.regions), "population_af": s.population_af,
            "population_checked": s.population_checked}


def _candidate(c: Candidate, ranking: RankingSettings, *, clinvar_configured: bool) -> dict[str, Any]:
    out = _candidate_fields(c, ranking)
    tx = nomenclature(c.av.consequence, mane_ensembl=c.gene.mane_ensembl, mane_refseq=c.gene.mane_refseq)
    out |= {"transcript": tx.transcript, "mane_select": tx.mane_select, "mane_refseq": tx.mane_refseq,
            "transcript_label": tx.label, "gene_mane": {"ensembl": c.gene.mane_ensembl, "refseq": c.gene.mane_refseq},
            "gene_mim": c.gene.gene_mim, "clinvar": clinvar_summary(c.av.clinvar, configured=clinvar_configured)}
    if c.av.structural is not None:  # only SV calls carry the key: documents without SV input are unchanged
        out["structural"] = _structural(c)
    return out


def _disease(d: Disease) -> dict[str, Any]:
    """An IUIS entry: its name, OMIM phenotype number(s) (never the gene's MIM number; [] when none is known), how
    they were found, inheritance, mechanism and IUIS table."""
    return {"name": d.name, "omim": [{"id": p.curie, "label": p.name} for p in d.omim_phenotypes],
            "omim_mapping": d.omim_mapping, "moi": d.moi.value, "mechanism": d.mechanism.value,
            "iuis_table": d.iuis_table}


def _candidate_fields(c: Candidate, ranking: RankingSettings) -> dict[str, Any]:
    v, av, cons, cv, pop = c.av.variant, c.av, c.av.consequence, c.av.clinvar, c.av.population
    gt = av.genotypes[0]
    return {
        "rank": c.rank, "gene": c.gene.symbol, "hgnc_id": c.gene.hgnc_id, "chrom": v.chrom, "pos": v.pos,
        "ref": v.ref, "alt": v.alt, "genotype": gt.gt, "zygosity": gt.zygosity(haploid_region=av.haploid_region).value,
        "moi": c.moi, "finding": c.finding.value, "meets_inheritance": c.meets, "finding_note": c.note,
        "consequence": "&".join(cons.so_terms) if cons else "", "consequence_source": cons.source if cons else "",
        "dp": gt.dp, "gq": gt.gq, "ad": list(gt.ad) if gt.ad else None,
        "allele_balance": round(gt.allele_balance, 3) if gt.allele_balance is not None else None,
        "hgvs_c": cons.hgvs_c if cons else "", "hgvs_p": cons.hgvs_p if cons else "",
        "population_af": (pop.af if pop.found else 0.0) if pop else None,
        "population_found": pop.found if pop else None,
        "population_faf": pop.faf if pop else None, "population_grpmax": pop.grpmax if pop else None,
        "population_nhomalt": pop.nhomalt if pop else None,
        "population_nhemi": pop.nhemi if pop else None,
        "scores": dict(av.scores),
        "clinvar_significance": cv.significance if cv else "", "clinvar_stars": cv.stars if cv else None,
        "clinvar_conditions": cv.conditions if cv else "", "clinvar_conflicts": cv.conflicts if cv else "",
        "clinvar_variation_id": cv.variation_id if cv else "", "clinvar_review_status": cv.review_status if cv else "",
        "reportable": bool(c.reportable), "reportable_basis": c.reportable,
        "acmg_class": c.classification.acmg_class, "acmg_points": c.classification.points,
        "acmg_criteria": c.classification.codes, "acmg_rules": c.classification.rules_source or "general thresholds",
        "criteria": [{"code": x.code, "outcome": x.outcome.value, "strength": x.strength, "points": x.points,
                      "explanation": x.explanation} for x in c.classification.criteria],
        "qc_flags": c.qc_flags, "qc_hard_flags": c.hard_qc_flags,
        "qc_checks": [{"name": q.name, "outcome": q.outcome.value, "value": q.value, "threshold": q.threshold,
                       "explanation": q.explanation, "hard": q.hard} for q in c.qc],
        "genotypes": {g.sample: g.gt for g in av.genotypes},
        "phenotype_match": _phenotype(c, ranking),
        "score": c.score, "variant_probability": round(variant_probability(c, ranking), 4),
        "unjudged_effect": c.unjudged_effect, "partner_only": c.partner_only,
        "diseases": [_disease(d) for d in c.gene.diseases],
    }  # fmt: skip


def _scope(scope: Scope | None) -> dict[str, Any]:
    """What could be assessed (decision.Scope's fields but the input path, which the case block names), with
    its summary: `full` or `limited: ...`."""
    if scope is None:
        return {"summary": "not analysed", "limits": [], "assessable": False}
    fields = {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(scope).items() if k != "vcf"
              and not (k == "structural" and not v)}  # the SV key only with SV input (unchanged documents without)
    fields["genes_not_assessed"] = [{"gene": g, "reason": r, "kind": r.split(" (")[0]} for g, r in scope.genes_not_assessed]
    return {"summary": scope.summary(), "limits": scope.limits(), "assessable": scope.assessable, **fields}


def _qc_warnings(record: StageRecord) -> list[str]:
    """What the report, summary.tsv's `qc` and the dashboard state first: the sample-level QC warnings
    (sampleqc.warnings), the notes flagged as warnings, and an unverified genome build."""
    out = [n.removeprefix("QC warning: ") for n in record.notes if n.startswith("QC warning: ")]
    if record.scope and record.scope.build_check:
        out.append(record.scope.build_check)
    return out + list(record.sample_qc.get("warnings", []))


def _qc(record: StageRecord, sex_check: str, coverage: dict[str, Any]) -> dict[str, Any]:
    case = record.case
    return {
        "sex_reported": case.sex.value, "sex_inferred": record.sex_inferred, "sex_evidence": record.sex_evidence,
        "sex_check": sex_check, "samples_used": list(record.samples_in_vcf), "notes": list(record.notes),
        "records_in_panel_regions": record.n_records_in_panel,
        "individuals": record.sample_qc.get("individuals", []),
        "mendelian": record.sample_qc.get("mendelian"),
        "hard_failures": record.sample_qc.get("hard_failures", []),
        "warnings": _qc_warnings(record)
        + ([f"coverage not assessed: {coverage['error']}"] if coverage.get("error") else []),
    }  # fmt: skip


def _finding(f: GeneFinding) -> dict[str, Any]:
    return {"gene": f.gene.symbol, "hgnc_id": f.gene.hgnc_id, "finding": f.finding.value, "moi": f.moi,
            "level": f.level.value, "meets_inheritance": f.meets, "explanation": f.explanation,
            "variants": [f"{v.av.variant.key}" for v in f.variants],
            "classes": [v.classification.acmg_class for v in f.variants],
            "diseases": [d.label for d in f.gene.diseases], "iuis_tables": list(f.gene.iuis_tables),
            "against": list(f.against)}  # fmt: skip


def _provenance(record: StageRecord, config: Config, panel: Panel) -> dict[str, Any]:
    vcf = record.case.vcf
    return {
        "pidtriage_version": __version__, "analysis_date": today(),
        "input_size": os.path.getsize(vcf) if os.path.isfile(vcf) else None, "genome_build": config.build,
        "build_evidence": record.build_evidence, "panel_name": panel.name, "panel_version": panel.version,
        "panel_genes": len(panel.genes), "panel_path": config.get("panel"), **dict(record.provenance),
    }  # fmt: skip


def build_triage_json(record: StageRecord, result: TriageResult | None, config: Config, panel: Panel,
                      *, sex_check: str, coverage: dict[str, Any] | None = None,
                      phenotype: dict[str, Any] | None = None) -> dict[str, Any]:
    case = record.case
    status = case_status([], failure=record.failure) if record.failure or result is None else result.status
    reason = record.failure or (result.reason if result else "not analysed")
    coverage = coverage or {"provided": False, "source": case.coverage}
    below = [g["gene"] for g in coverage.get("genes_below", [])]
    steps = next_steps(status, result.findings if result else [], scope=result.scope if result else None,
                       parents_in_data=len(record.samples_in_vcf) > 1 or bool(record.parent_vcfs),
                       coverage_below=below, low_quality=result.low_quality if result else [])
    max_c = int(config.get("triage", "max_candidates"))
    ranking = case_settings(config.values)["ranking"]
    configured = bool(result and result.scope and result.scope.clinvar)
    candidates = [_candidate(c, ranking, clinvar_configured=configured)
                  for c in (result.candidates if result else [])][:max_c]
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "case": {
            "sample_id": case.sample_id, "vcf": case.vcf, "vcf_sample": case.vcf_sample, "family_id": case.family_id,
            "father_id": case.father_id, "mother_id": case.mother_id, "sex_reported": case.sex.value,
            "sex_inferred": record.sex_inferred, "suspected_category": list(case.suspected_category),
            "hpo_terms": list(case.hpo_terms), "hpo_excluded": list(case.hpo_excluded),
            "immunophenotype": case.immunophenotype,
        },
        "phenotype": phenotype or {"used": False, "method": "", "hpo_release": "", "observed": [], "excluded": [],
                                   "notes": []},
        "status": status.value,
        "no_known_defect": None if status == Status.FAILED else status != Status.POSITIVE,
        "reason": reason,
        "qc": _qc(record, sex_check, coverage),
        "findings": [_finding(f) for f in (result.findings if result else [])],
        "low_quality_calls": [_candidate(c, ranking, clinvar_configured=configured)
                              for c in (result.low_quality if result else [])],
        "scope": _scope(result.scope if result else None),
        "oligogenic": result.oligogenic if result else [],
        "candidates": candidates,
        "n_candidates": len(candidates),
        "next_steps": steps,
        "changes": no_previous(),  # a reanalysis fills it (stages/triage.reanalysed)
        "coverage": coverage,
        "laboratory": {"name": config.get("report", "laboratory"), "contact": config.get("report", "contact"),
                       "use_statement": config.get("report", "use_statement")},
        "provenance": _provenance(record, config, panel),
        # sorted keys: the same document whether the config came through Snakemake or `pidtriage run`
        "thresholds": _sorted({k: config.values[k] for k in ("qc", "acmg", "triage", "ranking", "panel_padding")}
                              | {"phenotype": {k: config.get("phenotype", k)
                                               for k in ("unmatched_term_lr", "related_term_lr", "partial_match_factor",
                                                         "max_partial_match_background")}}
                              | {"clinvar_min_review_stars": config.get("resources", "clinvar", "min_review_stars")}),
    }
    if record.structural:  # only with SV input: a cohort without it gets the same document as before
        doc["structural"] = record.structural
    validate_triage_json(doc)
    return doc

