"""What the clinic can do next, from the case's own result: one place for the recommendations in triage.json
(`next_steps`) and in the report.

The rules, by status:

failed        fix the input named in the reason and rerun.
positive      per positive finding: confirm by an independent method and relate it to the clinical picture; then by
              the kind of finding: AR homozygous: test both parents (a homozygous call can hide a deletion of the
              other copy) and offer carrier testing; AR compound heterozygous: carrier testing of relatives; X-linked
              in a male: test the mother for carrier status; de novo: counsel the parents (low but non-zero
              recurrence: germline mosaicism); AD: test the parents and relatives, with reduced penetrance in mind.
inconclusive  per finding to review: a single heterozygous variant in a recessive gene: look for a second hit when
              `second_hit_plausible` (a reportable variant and a clinical picture that fits the gene), else most
              likely a carrier; an unphased pair: test the parents (or, when they were in the data and could not
              phase it, long reads); a VUS that meets the inheritance: segregation, functional tests,
              reclassification; a heterozygous female in an X-linked gene: usually a carrier; calls below the
              quality thresholds: confirm them. Then: review with the clinical team; reanalyse on updates.
negative      this does not exclude a genetic cause; what limited the scope (no consequence annotation, no
              population resource, genes below the coverage threshold) and how to lift it; CNV analysis; exome or
              genome beyond the panel; functional tests; reanalysis.

Calls that failed hard genotype QC add, whatever the status, a step to confirm them by another method.
"""

from __future__ import annotations

from collections.abc import Sequence

from pidtriage.models import AcmgClass, Finding, Status
from pidtriage.triage.decision import Scope
from pidtriage.triage.findings import Candidate, GeneFinding

__all__ = ["next_steps", "second_hit_plausible"]

_POSITIVE = {
    Finding.AR_HOM: "test both parents to confirm that each carries the variant (a homozygous call can hide a "
                    "deletion of the other copy) and offer carrier testing to relatives",
    Finding.AR_COMPOUND_HET: "offer carrier testing to relatives (each parent is expected to carry one variant)",
    Finding.XL_HEMI: "test the mother for carrier status and offer testing to her female relatives",
    Finding.DE_NOVO: "counsel the parents: the recurrence risk is low but not zero (germline mosaicism)",
    Finding.AD_HET: "test the parents and offer testing to relatives, bearing in mind reduced penetrance",
    Finding.XL_HET_FEMALE: "test the parents and offer testing to relatives, bearing in mind X-inactivation",
}  # fmt: skip


def second_hit_plausible(c: Candidate) -> bool:
    """A single heterozygous variant in a recessive gene is worth a search for a second, unseen hit when it is
    reportable and the patient's picture fits the gene: immunophenotype features agreeing and none contradicting,
    the suspected IUIS category, or HPO terms whose likelihood ratio for the gene is above 1 (phenotype.hpo_fit)."""
    p = c.phenotype
    hpo_fits = bool(p.hpo and p.hpo.annotated and p.hpo.score > 0)
    return bool(c.reportable) and bool((p.agree and not p.contradict) or p.category or hpo_fits)


def _positive(f: GeneFinding) -> list[str]:
    steps = [f"{f.gene.symbol}: confirm the variant(s) by an independent method (e.g. Sanger sequencing) in an "
             "accredited laboratory and relate the finding to the clinical and immunological picture."]
    if f.finding in _POSITIVE:
        steps.append(f"{f.gene.symbol}: {_POSITIVE[f.finding]}.")
    return steps


def _inconclusive(f: GeneFinding, *, parents_in_data: bool) -> list[str]:
    gene, steps = f.gene.symbol, []
    if f.finding == Finding.AR_SINGLE_HET:
        if f.gene.monoallelic_also_reported:
            steps.append(f"{gene}: PanelApp also reports disease from a single changed copy of {gene}: compare the "
                         "patient with that form, test the parents (a de novo variant would support it), and look "
                         "for a second variant as for a recessive disease.")
        elif any(second_hit_plausible(v) for v in f.variants):
            steps.append(f"{gene}: look for a second variant on the other copy: CNV analysis (exon deletions), "
                         "deep intronic and regulatory variants (genome sequencing), RNA studies; test the parents.")
        else:
            steps.append(f"{gene}: one heterozygous variant, most likely a carrier; pursue a second hit only if the "
                         f"clinical picture fits {gene}.")
    elif f.finding == Finding.AR_POSSIBLE_COMPOUND_HET:
        steps.append(f"{gene}: the parents' genotypes could not tell whether the two variants are on different "
                     "copies; long-read sequencing or cloning can." if parents_in_data else
                     f"{gene}: test the parents to establish whether the two variants are on different copies (as "
                     "the disease needs).")
    elif f.finding == Finding.XL_HET_FEMALE:
        steps.append(f"{gene}: a female heterozygous for an X-linked variant is usually a carrier; consider "
                     "X-inactivation studies if her disease fits the gene.")
    if f.meets and any(v.classification.acmg_class == AcmgClass.VUS and not v.reportable for v in f.variants):
        steps.append(f"{gene}: the variant(s) are of uncertain significance: segregation in affected and unaffected "
                     "relatives, functional tests of the gene's pathway, and reclassification as evidence grows.")
    if any(v.qc_flags for v in f.variants):
        steps.append(f"{gene}: the call quality is below the thresholds: confirm the variant(s) by an independent "
                     "method before acting on them.")
    return steps


def _negative(scope: Scope | None, coverage_below: Sequence[str]) -> list[str]:
    steps = ["No causative variant was identified in the panel genes: this does not exclude a genetic cause."]
    if scope is not None and not scope.has_consequences and scope.clinvar:
        steps.append("Only variants known to ClinVar could be assessed: annotate the VCF with VEP or snpEff (or "
                     "configure bcftools csq) and rerun.")
    if scope is not None and not scope.population:
        steps.append("Population frequencies were not checked (no population resource such as gnomAD was given): "
                     "the laboratory can add one and rerun.")
    if coverage_below:
        shown = ", ".join(coverage_below[:20]) + (f" and {len(coverage_below) - 20} more" if len(coverage_below) > 20
                                                  else "")
        steps.append(f"Genes not assessable at this coverage ({len(coverage_below)}): {shown}; consider targeted "
                     "sequencing or a method that covers them before ruling them out.")
    steps += [
        "Consider CNV analysis (exon-level deletions and duplications are not seen by this analysis).",
        "Consider exome or genome sequencing beyond the PID panel if only a panel was analysed.",
        "Consider functional immunological tests to guide the search, and research enrolment.",
        "Reanalyse when the gene panel or ClinVar is updated.",
    ]
    return steps


def next_steps(status: Status, findings: Sequence[GeneFinding], *, scope: Scope | None, parents_in_data: bool,
               coverage_below: Sequence[str] = (), low_quality: Sequence[Candidate] = ()) -> list[str]:
    """The recommendations of the module docstring, in order."""
    if status == Status.FAILED:
        return ["Fix the input named in the reason and rerun; the case has not been analysed."]
    steps: list[str] = []
    if status == Status.POSITIVE:
        for f in findings:
            if f.level == Status.POSITIVE:
                steps += _positive(f)
    elif status == Status.INCONCLUSIVE:
        for f in findings:
            if f.level == Status.INCONCLUSIVE:
                steps += _inconclusive(f, parents_in_data=parents_in_data)
        if coverage_below:
            steps.append(f"Genes not assessable at this coverage ({len(coverage_below)}): a second variant or another "
                         "cause may have been missed in them.")
        steps += ["Review the finding(s) with the clinical team.", "Reanalyse when the gene panel or ClinVar is updated."]
    else:
        steps += _negative(scope, coverage_below)
    if low_quality:
        genes = ", ".join(dict.fromkeys(c.gene.symbol for c in low_quality))
        steps.append(f"Confirm the low-quality call(s) in {genes} by another method (e.g. Sanger sequencing): they did "
                     "not count towards the result.")
    return list(dict.fromkeys(steps))
