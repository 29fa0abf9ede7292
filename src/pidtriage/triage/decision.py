"""The decisions that make a case's status, each in one function whose docstring states the rule.

`case_status` is DESIGN.md's "Case status" table; `finding_level` says what one finding alone makes the case;
`Scope` says what could be assessed at all. Nothing else in the package sets a status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pidtriage.models import AcmgClass, Finding, Status
from pidtriage.triage.gene_scope import BASIS_CALLS

__all__ = ["Scope", "VariantEvidence", "case_status", "finding_level"]


@dataclass(frozen=True, slots=True)
class VariantEvidence:
    """What the status rule needs of one variant of a finding."""

    acmg_class: AcmgClass
    reportable: bool  # P/LP by the automated evidence, or by a ClinVar assertion (acmg.clinvar.clinvar_reportable)
    qc_ok: bool  # passes genotype QC (a hard failure never reaches a finding: triage lists it apart)
    frequency_checked: bool  # a population resource was consulted


@dataclass(frozen=True, slots=True)
class Scope:
    """What could be assessed in a case: consequence annotation (and the share of panel records that had one),
    ClinVar, population frequency, scores, coverage, and the calls that failed hard genotype QC."""

    consequence_source: str  # e.g. "input: VEP CSQ", "bcftools csq", "ClinVar HGVS only", "none"
    records_in_panel_regions: int = 0
    records_with_consequence: int = 0
    clinvar: str = ""  # the file, "" when none is configured
    clinvar_date: str = ""
    population: str = ""
    scores: tuple[str, ...] = ()
    # the panel genes the input let us assess (gene_scope.assess_genes): how many of how many, on what evidence,
    # and each gene that was not with its reason
    genes_total: int = 0
    genes_assessed: int = 0
    coverage_basis: str = ""
    genes_not_assessed: tuple[tuple[str, str], ...] = ()  # (symbol, reason)
    low_quality_calls: tuple[str, ...] = ()
    vcf: str = ""
    build_check: str = ""  # set when the header did not state the genome build: how it was checked
    structural: str = ""  # the SV/CNV VCF whose deletions and duplications were assessed ("" = none given)

    @classmethod
    def unchecked(cls) -> Scope:
        """The scope of a caller that measured none (library use, tests): everything taken as available."""
        return cls("not checked", clinvar="not checked", population="not checked")

    @property
    def has_consequences(self) -> bool:
        return self.records_with_consequence > 0

    @property
    def no_gene_assessed(self) -> bool:
        """The genes were counted (gene_scope) and not one could be assessed (no calls in any panel gene)."""
        return self.genes_total > 0 and self.genes_assessed == 0

    @property
    def assessable(self) -> bool:
        """At least one way to judge the small variants (SNVs, indels): a consequence annotation, or ClinVar; and
        at least one panel gene the input covers. SV calls do not make up for it: a case whose small variants
        could not be judged is never negative."""
        return (self.has_consequences or bool(self.clinvar)) and not self.no_gene_assessed

    def failure(self) -> str:
        """The failed case's one-line reason when nothing could be assessed, else ""."""
        if self.no_gene_assessed:
            return (f"{self.vcf}: no panel gene could be assessed ({_reasons_counted(self.genes_not_assessed)}): check "
                    "that the VCF holds this sample's calls on the panel's chromosomes and the genome build is right")
        if self.assessable:
            return ""
        return (f"{self.vcf}: no variant could be assessed: the VCF has no consequence annotation and no ClinVar "
                "resource is configured; annotate it with VEP or snpEff, or set annotation.reference_fasta and "
                "annotation.gff3 (bcftools csq), or set resources.clinvar.vcf")

    def genes_phrase(self) -> str:
        """"62 of the 505 panel genes" (the genes the input let us assess), or "the 505 panel genes"."""
        if not self.genes_total or self.genes_assessed == self.genes_total:
            return f"the {self.genes_total} panel genes" if self.genes_total else "the panel genes"
        return f"{self.genes_assessed} of the {self.genes_total} panel genes"

    def limits(self) -> list[str]:
        """What could not be assessed, in words (empty for a full-scope analysis)."""
        out = []
        if self.build_check:
            out.append(self.build_check)
        if self.structural and not self.assessable:
            out.append("small variants not assessed (no consequence annotation and no ClinVar): SV calls only")
        if not self.has_consequences and self.clinvar:
            out.append("only ClinVar-known variants could be assessed (no consequence annotation in the VCF)")
        if not self.clinvar:
            out.append("no ClinVar resource: known pathogenic variants judged on automated evidence only")
        if not self.population:
            out.append("population frequency not checked (no population resource)")
        if self.genes_not_assessed:
            out.append(f"{len(self.genes_not_assessed)} of the {self.genes_total} panel genes not assessed "
                       f"({_reasons_counted(self.genes_not_assessed)})")
        if self.coverage_basis == BASIS_CALLS and self.genes_assessed:
            out.append("coverage not measured (no BAM/CRAM or gVCF): a gene with calls counts as assessed, though parts "
                       "of it may be unread")
        if self.low_quality_calls:
            out.append(f"{len(self.low_quality_calls)} call(s) the data do not support, not used as findings (listed to "
                       "confirm by another method): " + "; ".join(self.low_quality_calls))
        return out

    def summary(self) -> str:
        """`full`, or `limited: ...` (summary.tsv's `scope` column)."""
        limits = self.limits()
        return "limited: " + "; ".join(limits) if limits else "full"


def _reasons_counted(genes: Sequence[tuple[str, str]]) -> str:
    """"383 no records on its chromosome; 118 no calls in the gene", most frequent first."""
    counts: dict[str, int] = {}
    for _, reason in genes:
        key = reason.split(" (")[0]
        counts[key] = counts.get(key, 0) + 1
    return "; ".join(f"{n} {r}" for r, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def finding_level(finding: Finding, meets: bool, variants: Sequence[VariantEvidence], *,
                  unaffected_carrier: bool = False) -> Status:
    """What one finding alone makes the case (DESIGN.md "Case status"):

    positive      every variant is reportable (P/LP by the automated evidence, or P/LP in ClinVar at or above
                  `min_review_stars` without conflict or contradiction), the genotype meets the gene's
                  inheritance (AD het, AR hom or two in trans, XL hemizygous male, de novo in an AD gene), the
                  calls pass genotype QC and population frequency was checked;
    inconclusive  a VUS whose genotype meets the inheritance; a reportable variant whose genotype does not fully
                  meet it (a single het in a recessive gene, a female het in an X-linked gene, a relative against);
                  an unphased pair; a reportable finding whose calls need confirmation (soft QC failure) or whose
                  population frequency was not checked;
    negative      the rest: a VUS that does not meet the inheritance (a single VUS het in a recessive gene), or
                  a VUS that an unaffected parent also carries (reduced penetrance): listed, not reportable.
    """
    if finding == Finding.NONE or not variants or any(v.acmg_class not in _QUALIFYING and not v.reportable
                                                      for v in variants):
        return Status.NEGATIVE
    all_reportable = all(v.reportable for v in variants)
    if meets and all_reportable:
        confirmed = all(v.qc_ok and v.frequency_checked for v in variants)
        return Status.POSITIVE if confirmed else Status.INCONCLUSIVE
    if unaffected_carrier and not all_reportable:
        return Status.NEGATIVE
    if meets or finding == Finding.AR_POSSIBLE_COMPOUND_HET or any(v.reportable for v in variants):
        return Status.INCONCLUSIVE
    return Status.NEGATIVE


_QUALIFYING = (AcmgClass.P, AcmgClass.LP, AcmgClass.VUS)


def case_status(levels: Sequence[Status], *, failure: str = "", scope: Scope | None = None) -> Status:
    """DESIGN.md "Case status", for a whole case:

    failed        the input could not be analysed (`failure`: unreadable VCF, sample missing, wrong build,
                  failed sample QC), or, with no finding, the small variants could not be assessed at all
                  (`scope`: no consequence annotation and no ClinVar); never reported as negative;
    positive      at least one finding at level positive (`finding_level`), an SV finding included even when the
                  small variants could not be assessed (the scope says so);
    inconclusive  no positive finding, at least one at level inconclusive;
    negative      no qualifying variant among the variants that could be assessed; a negative of limited scope
                  says so (`Scope.limits`) in summary.tsv's `scope` and the report's first sentence.
    """
    if failure:
        return Status.FAILED
    if Status.POSITIVE in levels:
        return Status.POSITIVE
    if Status.INCONCLUSIVE in levels:
        return Status.INCONCLUSIVE
    if scope is not None and not scope.assessable:
        return Status.FAILED
    return Status.NEGATIVE
