"""Plain words for the counsellor's report, from the case's result: the result sentence, how a genotype meets
the inheritance, what each criterion means, frequencies people can read. Formatting only: every decision is
already in the result."""

from __future__ import annotations

import re

from pidtriage.models import Criterion, Finding, Status
from pidtriage.result.case_result import (
    CandidateResult,
    CaseResult,
    Change,
    ChangeKind,
    DiseaseResult,
    PhenotypeMatchResult,
    PhenotypeSection,
    ScopeSection,
    TermResult,
)

__all__ = [
    "CLASS_NAMES",
    "IUIS_TABLES",
    "ZYGOSITY",
    "candidate_finding_words",
    "criterion_words",
    "disease_words",
    "finding_words",
    "for_counsellor",
    "frequency_words",
    "genes_words",
    "not_assessed_rows",
    "phenotype_words",
    "plain_criterion",
    "result_sentence",
    "sv_words",
    "variant_words",
]

# The IUIS 2024 classification's major categories ("Major category" column of the IUIS table).
IUIS_TABLES = {
    "1": "immunodeficiencies affecting cellular and humoral immunity",
    "2": "combined immunodeficiencies with associated or syndromic features",
    "3": "predominantly antibody deficiencies",
    "4": "diseases of immune dysregulation",
    "5": "congenital defects of phagocyte number or function",
    "6": "defects in intrinsic and innate immunity",
    "7": "autoinflammatory disorders",
    "8": "complement deficiencies",
    "9": "bone marrow failure",
    "10": "phenocopies of inborn errors of immunity",
}

_FINDING = {
    "AD_het": "one copy changed, as expected for a dominant condition",
    "de_novo": "one copy changed, new in the patient (absent from both parents), as expected for a dominant condition",
    "AR_hom": "both copies carry the same change, as expected for a recessive condition",
    "AR_compound_het": "two different changes, one on each copy of the gene, as expected for a recessive condition",
    "AR_possible_compound_het": "two different changes in a recessive gene; whether they are on different copies "
                                "is not known yet (testing the parents can tell)",
    "AR_single_het": "one changed copy of a recessive gene: on its own this usually makes a carrier",
    "XL_hemi": "the single X-chromosome copy of a male is changed, as expected for an X-linked condition",
    "XL_het_female": "one of two X-chromosome copies changed in a female: usually a carrier",
}

_PLAIN = {
    "PVS1": "predicted to stop the gene from working (loss of function)",
    "PS1": "the same protein change is a known disease-causing change",
    "PS2": "new in the patient (de novo), with parentage supported by the data",
    "PM6": "new in the patient (de novo), parentage assumed",
    "PM1": "lies in a critical part of the protein",
    "PM2": "absent or extremely rare in the general population",
    "PM3": "found together with a disease-causing change on the other copy of the gene",
    "PM4": "changes the length of the protein",
    "PM5": "another change at the same protein position is known to cause disease",
    "PP3": "computer predictions suggest it is damaging",
    "PP5": "reported as disease-causing in ClinVar",
    "BA1": "too common in the general population to cause a rare disease",
    "BS1": "more common in the general population than the disease allows",
    "BS2": "seen in healthy people in the state that would cause disease",
    "BP4": "computer predictions suggest no effect",
    "BP6": "reported as harmless in ClinVar",
    "BP7": "does not change the protein and is not predicted to affect splicing",
    "2A": "removes (or, for a duplication, adds a copy of) a whole gene or region whose dosage causes disease",
    "2E": "removes exons of a gene in which loss of function causes disease",
    "2I": "duplicates exons inside the gene (it disrupts the gene only if the copy lies in tandem and shifts the "
          "reading frame)",
    "4O": "common in the general population",
}
_STRENGTH = {"very_strong": "very strong", "strong": "strong", "moderate": "moderate", "supporting": "supporting",
             "stand_alone": "stand-alone"}


def candidate_finding_words(c: CandidateResult) -> str:
    """How a candidate's genotype fits, for a table row: a single heterozygous variant in a gene PanelApp reports
    monoallelic disease for is not 'usually a carrier'."""
    if c.finding == Finding.AR_SINGLE_HET and c.monoallelic_reported:
        return ("one changed copy of a gene the panel lists as recessive; PanelApp also reports disease from a single "
                "changed copy, so it may be the cause")
    return finding_words(c.finding)


def finding_words(finding: str) -> str:
    return _FINDING.get(finding, finding)


CLASS_NAMES = {"P": "Pathogenic", "LP": "Likely pathogenic", "VUS": "Uncertain significance", "LB": "Likely benign",
               "B": "Benign"}  # fmt: skip
ZYGOSITY = {"het": "heterozygous", "hom": "homozygous", "hemi": "hemizygous", "missing": "not called"}


_MOI_WORDS = {"AD": "autosomal dominant", "AR": "autosomal recessive", "XL": "X-linked", "XLD": "X-linked dominant",
              "AD_AR": "dominant or recessive", "unknown": "inheritance not stated"}


def sv_words(candidate: CandidateResult) -> str:
    """'deletion of exons 3-5 of 12 (2.2 kb)' for an SV candidate; "" for an SNV."""
    s = candidate.structural
    if s is None:
        return ""
    kind = {"DEL": "deletion", "DUP": "duplication", "CNV": "copy-number change"}.get(s.svtype, s.svtype)
    size = f"{s.size / 1000:.1f} kb" if s.size >= 1000 else f"{s.size} bp"
    exons = s.exons
    if s.whole_gene:
        what = "of the whole gene"
    elif exons:
        what = (f"of exon{'s' if len(exons) > 1 else ''} {exons[0]}{'-' + str(exons[-1]) if len(exons) > 1 else ''} "
                f"of {s.n_exons}")
    else:
        what = "within the gene (no exon)"
    maybe = (f"; exon(s) {', '.join(map(str, s.exons_uncertain))} uncertain (breakpoint imprecision)"
             if s.exons_uncertain else "")
    return f"{kind} {what} ({size}{maybe})"


def _finding_part(text: str) -> str:
    """'AR_single_het (inconclusive)' in words."""
    code, _, level = text.partition(" (")
    words = finding_words(code) if code else ""
    return f"{words} ({level}" if level else words


def change_words(item: Change) -> str:
    """One change since the previous analysis (pidtriage.result.changes), in plain words with its cause."""
    kind, gene = item.kind, item.gene
    variant = f" {item.variant}" if item.variant and "," not in item.variant else ""
    classes = {k: v.lower() for k, v in CLASS_NAMES.items()}
    if kind == ChangeKind.STATUS:
        text = f"The result changed from {item.old} to {item.new}"
    elif kind == ChangeKind.FINDING_NEW:
        text = f"New finding in {gene}: {_finding_part(item.new)}"
    elif kind == ChangeKind.FINDING_GONE:
        text = f"The finding in {gene} is withdrawn (it was: {_finding_part(item.old)})"
    elif kind == ChangeKind.SECOND_HIT:
        text = f"{gene}: a second variant now completes the recessive pair"
    elif kind == ChangeKind.PHASE:
        text = f"{gene}: {finding_words(item.old)}, now {finding_words(item.new)}"
    elif kind == ChangeKind.CLINVAR:
        text = f"{gene}{variant}: ClinVar now {item.new} (was {item.old})"
    elif kind == ChangeKind.ACMG_CLASS:
        old, new = (classes.get(x.split(" ")[0], x) for x in (item.old, item.new))
        text = f"{gene}{variant}: classification changed from {old} to {new}"
    elif kind == ChangeKind.PANEL_GENE:
        old, new = (_MOI_WORDS.get(x, x) for x in (item.old, item.new))
        text = f"{gene} in the gene panel: {old}, now {new}"
    else:
        text = f"{gene}: {kind}"
    return f"{text} (why: {item.cause})."




def plain_criterion(criterion: Criterion) -> str:
    """'absent or extremely rare in the general population: supporting evidence for pathogenicity' (no code: the
    counsellor's view; the codes are in the report's technical appendix)."""
    plain = _PLAIN.get(criterion.base, "another criterion (see the technical appendix)")
    direction = "against" if criterion.points < 0 else "for"
    return f"{plain}: {_STRENGTH.get(criterion.strength, criterion.strength)} evidence {direction} pathogenicity"


def criterion_words(criterion: Criterion) -> str:
    """'absent or extremely rare in the general population (PM2_Supporting, supporting evidence for
    pathogenicity)'."""
    plain = _PLAIN.get(criterion.base, criterion.code)
    direction = "against" if criterion.points < 0 else "for"
    return (f"{plain} ({criterion.code}, {_STRENGTH.get(criterion.strength, criterion.strength)} evidence "
            f"{direction} pathogenicity)")


def frequency_words(af: float | None, found: bool | None) -> str:
    if found is False or af == 0:
        return "not seen in the population resource"
    if af is None:
        return "not checked"
    one_in = 1 / af if af > 0 else 0
    return f"{af:.2g} (about 1 in {one_in:,.0f} alleles)" if one_in >= 10 else f"{af:.2g}"


def _times(lr: float) -> str:
    return f"x{lr:.2g}" if lr < 10 else f"x{lr:.0f}"


# a term whose factor lies between these is shown as a count, not as an argument for or against the disease
_NEUTRAL_LOW, _NEUTRAL_HIGH = 0.95, 1.05


def _term_words(term: TermResult) -> str:
    """'Polyarticular arthritis (x24)'; an excluded term is said to be absent: 'Diarrhea absent (x0.82)'."""
    return f"{term.label}{'' if term.observed else ' absent'} ({_times(term.lr)})"


def phenotype_words(match: PhenotypeMatchResult, phenotype: PhenotypeSection) -> str:
    """How the patient's features fit the gene, in words that agree with its likelihood ratio: the HPO terms that
    argue for the gene's best-fitting disease and against it, each with its factor, the immunophenotype features
    agreeing and contradicting, the suspected category, and the resulting likelihood ratio."""
    parts = []
    hpo = match.hpo
    if hpo:
        if not hpo.gene_annotated:
            parts.append(f"phenotype unknown: no HPO annotation for this gene in HPO {phenotype.hpo_release} "
                         "(neutral in the ranking)")
        else:
            disease = hpo.disease_name or "this gene"
            fits = [_term_words(t) for t in hpo.terms if t.lr >= _NEUTRAL_HIGH]
            against = [_term_words(t) for t in hpo.terms if t.lr <= _NEUTRAL_LOW]
            neutral = len(hpo.terms) - len(fits) - len(against)
            parts.append(f"fits {disease}: {', '.join(fits)}" if fits
                         else f"none of the patient's HPO terms argues for {disease}")
            if against:
                parts.append("against: " + ", ".join(against))
            if neutral:
                parts.append(f"{neutral} other term(s) neither for nor against (x0.95 to x1.05)")
    if match.agree:
        parts.append("immunophenotype agrees: " + ", ".join(match.agree))
    if match.contradict:
        parts.append("immunophenotype differs: " + ", ".join(match.contradict))
    if match.suspected_category:
        parts.append("in the suspected IUIS category")
    if not parts:
        return "no phenotype given to compare"
    return "; ".join(parts) + f" (phenotype likelihood ratio {_times(10 ** match.score)})"


def disease_words(disease: DiseaseResult) -> str:
    """An IUIS entry with its OMIM phenotype number(s): 'RAG2 deficiency (OMIM:601457)'; the name alone when no
    phenotype entry is known (never the gene's MIM number)."""
    ids = ", ".join(o.id for o in disease.omim)
    return f"{disease.name} ({ids})" if ids else disease.name


def variant_words(c: CandidateResult) -> str:
    """'c.409G>A p.(Gly137Ser) on NM_000081.4 (MANE Select, ENST00000389793.7)': the HGVS and the transcript it is
    on (the result's transcript_label, which names a MANE RefSeq ID only beside its own transcript)."""
    hgvs = " ".join(x for x in (c.hgvs_c, c.hgvs_p) if x) or "no HGVS available"
    label = c.transcript_label
    if not label or label == "no HGVS available":
        return hgvs
    return f"{hgvs} on {label}" if c.transcript else f"{hgvs} ({label})"


def _disease(candidate: CandidateResult | None) -> str:
    diseases = candidate.diseases if candidate is not None else ()
    if not diseases:
        return ""
    names = "; ".join(disease_words(d) for d in diseases[:2]) + ("; and others" if len(diseases) > 2 else "")
    tables = sorted({d.iuis_table for d in diseases if d.iuis_table})
    cats = ", ".join(f"IUIS table {t}: {IUIS_TABLES.get(t, '')}" for t in tables)
    return f" ({names}{'; ' + cats if cats else ''})"


def genes_words(scope: ScopeSection, n_panel: int) -> str:
    """"the 505 panel genes" when the input let us assess them all, else "the 62 of the 505 panel genes that could be
    assessed" (gene_scope: records on their chromosome, calls or coverage)."""
    total, assessed = scope.genes_total or n_panel, scope.genes_assessed
    if not scope.analysed or assessed == total:
        return f"the {total} panel genes"
    return f"the {assessed} of the {total} panel genes that could be assessed"


_CONFIG_KEY = re.compile(r"\b(?:report|resources|annotation|phenotype|qc|acmg|triage|ranking|coverage|reanalysis|sv)"
                         r"\.[a-z_]+\b")
_ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:[\w.+-]+/)+([\w.+-]*)")


def for_counsellor(text: str) -> str:
    """A reason or warning as the counsellor's part may say it: absolute paths cut to the file's name, and the
    clauses that tell the bioinformatician what to set or run (a configuration key, a script) left to the
    technical appendix and the log, where the whole text stands."""
    text = _ABSOLUTE_PATH.sub(lambda m: m.group(1), text)
    clauses = [c for c in text.split("; ") if not _CONFIG_KEY.search(c) and "scripts/" not in c]
    return "; ".join(clauses) if clauses else _CONFIG_KEY.sub("a setting", text.split("; ")[0])


def not_assessed_rows(scope: ScopeSection, *, max_genes: int = 30) -> list[tuple[str, int, str]]:
    """The genes the input did not let us assess, as (why, how many, which) rows for the counsellor: genes on
    chromosomes without records by chromosome, the others by name (at most `max_genes`, then how many more;
    triage.json's scope lists every one)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for g in scope.genes_not_assessed:
        groups.setdefault(g.kind, []).append((g.gene, g.reason))
    rows = []
    for kind, genes in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        if kind.startswith("no records on its chromosome"):
            chroms = sorted({reason.split("(")[1].split(")")[0] for _, reason in genes},
                            key=lambda c: (len(c.removeprefix("chr")), c))
            rows.append(("no records on their chromosome in the VCF", len(genes), "genes on " + ", ".join(chroms)))
            continue
        names = [gene for gene, _ in genes]
        more = f" and {len(names) - max_genes} more" if len(names) > max_genes else ""
        rows.append((kind, len(genes), ", ".join(names[:max_genes]) + more))
    return rows


def result_sentence(result: CaseResult) -> str:
    """The result in one sentence, in the words of DESIGN's status vocabulary."""
    status = result.status
    if status == Status.FAILED:
        return (f"The sample could not be analysed: {for_counsellor(result.reason)}. The laboratory's "
                "bioinformatician has the fix (technical appendix).")
    if status == Status.NEGATIVE:
        limits = result.scope.limits
        genes = genes_words(result.scope, result.provenance.panel_genes)
        if limits:
            return (f"Negative within a limited scope ({'; '.join(limits)}). No causative variant was identified in "
                    f"{genes}. This does not rule out a genetic cause: see what this test cannot see and the next "
                    "steps below.")
        return (f"No causative variant was identified in {genes}. This does not rule out a genetic cause: see what "
                "this test cannot see and the next steps below.")
    top = result.findings[0] if result.findings else None
    if top is None:
        return result.reason
    cand = next((c for c in result.candidates if c.gene == top.gene), None)
    classes = {"P": "pathogenic", "LP": "likely pathogenic", "VUS": "of uncertain significance"}
    cls = " and ".join(dict.fromkeys(classes.get(c, c) for c in top.classes))
    if cand is not None and cand.reportable and not cand.acmg_class.is_pathogenic:
        cls = (f"reported in ClinVar as {cand.clinvar} "
               f"(automated evidence: {classes.get(cand.acmg_class, cand.acmg_class)}; the laboratory is to "
               "confirm the classification)")
    what = finding_words(top.finding)
    if status == Status.POSITIVE:
        return (f"A genetic finding in {top.gene}{_disease(cand)}: {what}; the variant(s) are {cls}. This can "
                "explain an inborn error of immunity of this type: confirm it by an independent method and relate "
                "it to the clinical picture.")
    return (f"No confirmed genetic diagnosis. A possible finding needs review in {top.gene}{_disease(cand)}: "
            f"{what}; the variant(s) are {cls}.")
