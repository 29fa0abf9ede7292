"""The case's result (`CaseResult`, triage.json) from what the stages found: the triage values (pidtriage.triage.judge:
candidates, findings, status), the stage record (QC, scope, provenance), coverage and the HPO terms used.

The case's one-line reason is written here, once, from the model (`case_reason`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from pidtriage import __version__
from pidtriage.annotate.clinvar_record import clinvar_summary
from pidtriage.annotate.nomenclature import nomenclature
from pidtriage.clock import today
from pidtriage.config import Config
from pidtriage.models import SexCheck, Status, StructuralCall
from pidtriage.panel.model import Disease
from pidtriage.panel.tsv import Panel
from pidtriage.result.case_result import (
    NOT_ANALYSED,
    CandidateResult,
    CaseResult,
    CaseSection,
    CoverageSection,
    DiseaseResult,
    FindingResult,
    GeneMane,
    GeneNotAssessed,
    HpoFitResult,
    HpoTerm,
    Laboratory,
    Oligogenic,
    OmimEntry,
    PhenotypeMatchResult,
    PhenotypeSection,
    Provenance,
    QcSection,
    ScopeSection,
    StructuralCallResult,
    TermResult,
)
from pidtriage.result.schema import SCHEMA_VERSION
from pidtriage.settings import CaseSettings, RankingSettings, case_settings
from pidtriage.stages.record import StageRecord
from pidtriage.triage.decision import Scope, case_status
from pidtriage.triage.findings import Candidate, GeneFinding, TriageResult
from pidtriage.triage.next_steps import next_steps
from pidtriage.triage.phenotype import PhenotypeMatch, TermEvidence
from pidtriage.triage.ranking import phenotype_log10_lr, variant_probability

__all__ = ["build_case_result", "case_reason", "triage_reason"]


def _term(t: TermEvidence) -> TermResult:
    return TermResult(id=t.term, label=t.label, observed=t.observed, match=t.match, matched_id=t.matched_term,
                      matched_label=t.matched_label, disease_frequency=t.disease_frequency,
                      background_frequency=round(t.background_frequency, 5), lr=round(t.lr, 4))


def phenotype_match_result(p: PhenotypeMatch, ranking: RankingSettings) -> PhenotypeMatchResult:
    hpo = (HpoFitResult(score=p.hpo.score, gene_annotated=p.hpo.annotated, disease_id=p.hpo.disease_id,
                        disease_name=p.hpo.disease_name,
                        fits=tuple(HpoTerm(id=t, label=label) for t, label in p.hpo.fits),
                        against=tuple(HpoTerm(id=t, label=label) for t, label in p.hpo.against),
                        terms=tuple(_term(t) for t in p.hpo.terms)) if p.hpo else None)
    return PhenotypeMatchResult(agree=p.agree, contradict=p.contradict, suspected_category=p.category, hpo=hpo,
                                immunophenotype_log10_lr=p.immunophenotype_log10_lr,
                                score=round(phenotype_log10_lr(p, ranking), 4))


def _structural(s: StructuralCall) -> StructuralCallResult:
    return StructuralCallResult(svtype=s.svtype, start=s.start, end=s.end, size=s.size, cn=s.cn, caller=s.caller,
                                vcf=s.source, whole_gene=s.whole_gene, exons=s.exons, exons_uncertain=s.exons_uncertain,
                                n_exons=s.n_exons, cnv_points=s.points, support=s.support, cipos=s.cipos,
                                ciend=s.ciend, regions=s.regions, population_af=s.population_af,
                                population_checked=s.population_checked)


def _disease(d: Disease) -> DiseaseResult:
    """An IUIS entry: its name, OMIM phenotype number(s) (never the gene's MIM number; none when none is known),
    how they were found, inheritance, mechanism and IUIS table."""
    return DiseaseResult(name=d.name, omim=tuple(OmimEntry(id=p.curie, label=p.name) for p in d.omim_phenotypes),
                         omim_mapping=d.omim_mapping, moi=d.moi, mechanism=d.mechanism, iuis_table=d.iuis_table)


def candidate_result(c: Candidate, ranking: RankingSettings, *, clinvar_configured: bool) -> CandidateResult:
    """One candidate (or low-quality call) as the result lists it."""
    v, av, cons, cv, pop = c.av.variant, c.av, c.av.consequence, c.av.clinvar, c.av.population
    gt = av.genotypes[0]
    tx = nomenclature(cons, mane_ensembl=c.gene.mane_ensembl, mane_refseq=c.gene.mane_refseq)
    return CandidateResult(
        rank=c.rank, gene=c.gene.symbol, hgnc_id=c.gene.hgnc_id, chrom=v.chrom, pos=v.pos, ref=v.ref, alt=v.alt,
        genotype=gt.gt, zygosity=gt.zygosity(haploid_region=av.haploid_region), moi=c.moi, finding=c.finding,
        meets_inheritance=c.meets, finding_note=c.note, monoallelic_reported=c.gene.monoallelic_also_reported,
        consequence="&".join(cons.so_terms) if cons else "", consequence_source=cons.source if cons else "",
        dp=gt.dp, gq=gt.gq, ad=gt.ad or None,
        allele_balance=round(gt.allele_balance, 3) if gt.allele_balance is not None else None,
        hgvs_c=cons.hgvs_c if cons else "", hgvs_p=cons.hgvs_p if cons else "",
        population_af=(pop.af if pop.found else 0.0) if pop else None, population_found=pop.found if pop else None,
        population_faf=pop.faf if pop else None, population_grpmax=pop.grpmax if pop else None,
        population_nhomalt=pop.nhomalt if pop else None, population_nhemi=pop.nhemi if pop else None,
        scores=dict(av.scores),
        clinvar_significance=cv.significance if cv else "", clinvar_stars=cv.stars if cv else None,
        clinvar_conditions=cv.conditions if cv else "", clinvar_conflicts=cv.conflicts if cv else "",
        clinvar_variation_id=cv.variation_id if cv else "", clinvar_review_status=cv.review_status if cv else "",
        reportable=bool(c.reportable), reportable_basis=c.reportable,
        acmg_class=c.classification.acmg_class, acmg_points=c.classification.points,
        acmg_criteria=c.classification.codes, acmg_rules=c.classification.rules_source or "general thresholds",
        criteria=c.classification.criteria, qc_flags=tuple(c.qc_flags), qc_hard_flags=tuple(c.hard_qc_flags),
        qc_checks=c.qc, genotypes={g.sample: g.gt for g in av.genotypes},
        phenotype_match=phenotype_match_result(c.phenotype, ranking),
        score=c.score, variant_probability=round(variant_probability(c, ranking), 4),
        unjudged_effect=c.unjudged_effect, partner_only=c.partner_only,
        diseases=tuple(_disease(d) for d in c.gene.diseases),
        transcript=tx.transcript, mane_select=tx.mane_select, mane_refseq=tx.mane_refseq, transcript_label=tx.label,
        gene_mane=GeneMane(ensembl=c.gene.mane_ensembl, refseq=c.gene.mane_refseq), gene_mim=c.gene.gene_mim,
        clinvar=clinvar_summary(cv, configured=clinvar_configured),
        structural=_structural(av.structural) if av.structural is not None else None,
    )  # fmt: skip


def finding_result(f: GeneFinding) -> FindingResult:
    return FindingResult(gene=f.gene.symbol, hgnc_id=f.gene.hgnc_id, finding=f.finding, moi=f.moi, level=f.level,
                         meets_inheritance=f.meets, explanation=f.explanation,
                         variants=tuple(v.av.variant.key for v in f.variants),
                         classes=tuple(v.classification.acmg_class for v in f.variants),
                         diseases=tuple(d.label for d in f.gene.diseases), iuis_tables=f.gene.iuis_tables,
                         against=f.against)


def scope_section(scope: Scope | None) -> ScopeSection:
    """What could be assessed (decision.Scope but the input path, which `case` names), with its summary."""
    if scope is None:
        return ScopeSection(summary=NOT_ANALYSED, limits=(), assessable=False)
    return ScopeSection(
        summary=scope.summary(), limits=tuple(scope.limits()), assessable=scope.assessable,
        consequence_source=scope.consequence_source, records_in_panel_regions=scope.records_in_panel_regions,
        records_with_consequence=scope.records_with_consequence, clinvar=scope.clinvar,
        clinvar_date=scope.clinvar_date, population=scope.population, scores=scope.scores,
        genes_total=scope.genes_total, genes_assessed=scope.genes_assessed, coverage_basis=scope.coverage_basis,
        genes_not_assessed=tuple(GeneNotAssessed(gene=g, reason=r, kind=r.split(" (")[0])
                                 for g, r in scope.genes_not_assessed),
        low_quality_calls=scope.low_quality_calls, build_check=scope.build_check, structural=scope.structural)


def _qc_warnings(record: StageRecord, coverage: CoverageSection) -> tuple[str, ...]:
    """What the report, summary.tsv's `qc` and the dashboard state first: the notes flagged as warnings, an
    unverified genome build, the sample-level QC warnings (qc.sample.warnings) and coverage not assessed."""
    out = [n.removeprefix("QC warning: ") for n in record.notes if n.startswith("QC warning: ")]
    if record.scope and record.scope.build_check:
        out.append(record.scope.build_check)
    out += record.sample_qc.warnings if record.sample_qc else ()
    if coverage.error:
        out.append(f"coverage not assessed: {coverage.error}")
    return tuple(out)


def _qc(record: StageRecord, coverage: CoverageSection) -> QcSection:
    qc = record.sample_qc
    return QcSection(
        sex_reported=record.case.sex, sex_inferred=record.sex_inferred, sex_evidence=record.sex_evidence,
        sex_check=SexCheck.of(record.case.sex, record.sex_inferred), samples_used=record.samples_in_vcf,
        notes=record.notes, records_in_panel_regions=record.n_records_in_panel,
        individuals=qc.individuals if qc else (), mendelian=qc.mendelian if qc else None,
        hard_failures=qc.hard_failures if qc else (), warnings=_qc_warnings(record, coverage))


def _provenance(record: StageRecord, config: Config, panel: Panel) -> Provenance:
    vcf = record.case.vcf
    sources = dict(record.provenance)
    return Provenance(
        pidtriage_version=__version__, analysis_date=today(),
        input_size=os.path.getsize(vcf) if os.path.isfile(vcf) else None, genome_build=config.build,
        build_evidence=record.build_evidence, panel_name=panel.name, panel_version=panel.version,
        panel_genes=len(panel.genes), panel_path=config.get("panel"), clinvar=sources.get("clinvar"),
        clinvar_date=sources.get("clinvar_date"),
        manifest=tuple((k.removeprefix("manifest_"), v) for k, v in record.provenance if k.startswith("manifest_")),
        population=sources.get("population"), population_name=sources.get("population_name"))


def _thresholds(config: Config) -> dict[str, object]:
    """The thresholds in effect, keys sorted: the same document whether the config came through Snakemake or
    `pidtriage run`."""
    values = ({k: config.values[k] for k in ("qc", "acmg", "triage", "ranking", "panel_padding")}
              | {"phenotype": {k: config.get("phenotype", k) for k in ("unmatched_term_lr", "related_term_lr",
                                                                     "partial_match_factor",
                                                                     "max_partial_match_background")}}
              | {"clinvar_min_review_stars": config.get("resources", "clinvar", "min_review_stars")})
    return _sorted(values)


def _sorted(value: dict[str, object]) -> dict[str, object]:
    return {k: _sorted(v) if isinstance(v, dict) else v for k, v in sorted(value.items())}


def _class_text(index: int, f: FindingResult, candidates: Sequence[CandidateResult]) -> str:
    """A finding's variant's automated class, and ClinVar's when that is what makes the variant reportable."""
    cls = f.classes[index]
    c = next((c for c in candidates if c.hgnc_id == f.hgnc_id and c.key == f.variants[index]), None)
    if c is not None and c.reportable and not cls.is_pathogenic:
        return f"{cls}; {c.reportable_basis}"
    return str(cls)


def case_reason(status: Status, findings: Sequence[FindingResult], candidates: Sequence[CandidateResult],
                oligogenic: Sequence[Oligogenic], scope: ScopeSection, *, failure: str, n_genes: int) -> str:
    """The case's one-line reason: why it failed; the finding that set the status; or, for a negative case, the
    genes assessed and what limited the analysis."""
    if status == Status.FAILED:
        return failure or NOT_ANALYSED
    if status == Status.POSITIVE:
        top = next(f for f in findings if f.level == Status.POSITIVE)
        return f"{top.finding} in {top.gene}: " + ", ".join(
            f"{key} ({_class_text(i, top, candidates)})" for i, key in enumerate(top.variants))
    if status == Status.INCONCLUSIVE:
        top = findings[0]
        classes = "/".join(_class_text(i, top, candidates) for i in range(len(top.variants)))
        reason = f"{top.finding} in {top.gene} ({classes}): {top.explanation}"
        if oligogenic:
            reason += ("; possible oligogenic explanation (not a diagnosis): heterozygous variants in "
                       + "; ".join(f"{', '.join(o.genes)} ({o.subcategory})" for o in oligogenic))
        return reason
    genes = scope.genes_phrase() if scope.genes_total else f"the {n_genes} panel genes"
    limits = f" (limited scope: {'; '.join(scope.limits)})" if scope.limits else ""
    return f"no qualifying variant in {genes}{limits}"


def _case(record: StageRecord) -> CaseSection:
    case = record.case
    return CaseSection(sample_id=case.sample_id, vcf=case.vcf, vcf_sample=case.vcf_sample, family_id=case.family_id,
                       father_id=case.father_id, mother_id=case.mother_id, sex_reported=case.sex,
                       sex_inferred=record.sex_inferred, suspected_category=case.suspected_category,
                       hpo_terms=case.hpo_terms, hpo_excluded=case.hpo_excluded,
                       immunophenotype=case.immunophenotype)


def build_case_result(record: StageRecord, result: TriageResult | None, config: Config, panel: Panel, *,
                      coverage: CoverageSection, phenotype: PhenotypeSection) -> CaseResult:
    """The case's result; `result` None for a case that failed before triage (`record.failure`)."""
    status = case_status([], failure=record.failure) if record.failure or result is None else result.status
    triage = result if result is not None and not record.failure else None
    below = [g.gene for g in coverage.genes_below or ()]
    steps = next_steps(status, triage.findings if triage else [], scope=triage.scope if triage else None,
                       parents_in_data=len(record.samples_in_vcf) > 1 or bool(record.parent_vcfs),
                       coverage_below=below, low_quality=triage.low_quality if triage else [])
    ranking = case_settings(config.values)["ranking"]
    configured = bool(triage and triage.scope and triage.scope.clinvar)
    candidates = tuple(candidate_result(c, ranking, clinvar_configured=configured)
                       for c in (triage.candidates if triage else []))
    findings = tuple(finding_result(f) for f in (triage.findings if triage else []))
    scope = scope_section(triage.scope if triage else None)
    oligogenic = tuple(triage.oligogenic) if triage else ()
    failure = record.failure or (triage.scope.failure() if triage and triage.scope else "")
    shown = candidates[:int(config.get("triage", "max_candidates"))]
    return CaseResult(
        schema_version=SCHEMA_VERSION, case=_case(record), phenotype=phenotype, status=status,
        no_known_defect=None if status == Status.FAILED else status != Status.POSITIVE,
        reason=case_reason(status, findings, candidates, oligogenic, scope, failure=failure,
                           n_genes=len(panel.genes)),
        qc=_qc(record, coverage), findings=findings,
        low_quality_calls=tuple(candidate_result(c, ranking, clinvar_configured=configured)
                                for c in (triage.low_quality if triage else [])),
        scope=scope, oligogenic=oligogenic, candidates=shown, n_candidates=len(shown), next_steps=tuple(steps),
        coverage=coverage,
        laboratory=Laboratory(name=config.get("report", "laboratory"), contact=config.get("report", "contact"),
                              use_statement=config.get("report", "use_statement")),
        provenance=_provenance(record, config, panel), thresholds=_thresholds(config),
        structural=record.structural,
    )



def triage_reason(result: TriageResult, settings: CaseSettings, *, n_genes: int) -> str:
    """The one-line reason of a triage result on its own (library use, tests): `case_reason` over its findings and
    candidates as the case's result lists them."""
    configured = bool(result.scope and result.scope.clinvar)
    candidates = tuple(candidate_result(c, settings["ranking"], clinvar_configured=configured)
                       for c in result.candidates)
    failure = result.scope.failure() if result.scope else ""
    return case_reason(result.status, tuple(finding_result(f) for f in result.findings), candidates,
                       tuple(result.oligogenic), scope_section(result.scope), failure=failure, n_genes=n_genes)
