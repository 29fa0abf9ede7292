"""cases/{id}/interpretation.json: the case's result as a GA4GH Phenopacket v2, rendered from triage.json.

One `Interpretation` per finding: its disease (an OMIM phenotype entry of the gene's IUIS entries, from the panel's
disease table; never the gene's MIM number; no disease, and the summary says so, when none is known), the
progress status (SOLVED for a positive finding, IN_PROGRESS for one to review), and one genomic interpretation per
variant (CAUSATIVE or CANDIDATE), with the variant descriptor (HGNC gene, HGVS on the MANE transcript, the VCF
record, the allelic state as GENO terms) and the automated ACMG class. A case with no finding has one UNSOLVED
interpretation; a failed case has none. The subject's features are the HPO terms used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format

from pidtriage.models import Status
from pidtriage.result.case_result import CandidateResult, CaseResult, DiseaseResult, FindingResult

__all__ = ["interpretation_json"]

_ACMG = {"P": "PATHOGENIC", "LP": "LIKELY_PATHOGENIC", "VUS": "UNCERTAIN_SIGNIFICANCE", "LB": "LIKELY_BENIGN",
         "B": "BENIGN"}  # fmt: skip
_ALLELIC = {"het": ("GENO:0000135", "heterozygous"), "hom": ("GENO:0000136", "homozygous"),
            "hemi": ("GENO:0000134", "hemizygous")}  # fmt: skip
_SEX = {"male": "MALE", "female": "FEMALE"}
_MOI_FITS = {"AD": {"AD", "AD_AR"}, "AR": {"AR", "AD_AR"}, "XL": {"XL", "XLR", "XLD"}}


def _diseases(f: FindingResult, candidates: Sequence[CandidateResult]) -> tuple[dict[str, str] | None, str]:
    """The finding's disease as an OMIM phenotype entry (never the gene's MIM number): the first with an OMIM
    phenotype number among the gene's IUIS entries of the finding's inheritance (then any entry), and what the
    summary says of it; None when no phenotype entry is known for the gene's entries."""
    entries: Sequence[DiseaseResult] = next((c.diseases for c in candidates if c.gene == f.gene and c.diseases), ())
    moi = str(f.moi)
    fits = _MOI_FITS.get("XL" if moi.startswith("XL") else moi, {moi})
    ordered = [d for d in entries if d.moi in fits] + [d for d in entries if d.moi not in fits]
    named = [(d, o) for d in ordered for o in d.omim]
    if not named:
        names = "; ".join(dict.fromkeys(d.name for d in ordered)) or "not named by the panel"
        return None, f"IUIS entry: {names}; no OMIM phenotype entry is known for it"
    d, o = named[0]
    others = ", ".join(dict.fromkeys(x.id for _, x in named[1:] if x.id != o.id))
    return {"id": o.id, "label": o.label}, (f"IUIS entry: {d.name} ({o.id})"
                                             + (f"; other OMIM entries of the gene: {others}" if others else ""))


def _variant(c: CandidateResult, build: str) -> dict[str, Any]:
    """A genomic interpretation's variant: HGVS c. with the transcript it is on (the MANE RefSeq ID only when it is
    that transcript's; no hgvs.c expression when the source names no transcript), the VCF record, the state."""
    tx = c.mane_refseq or c.transcript
    expressions = [{"syntax": "hgvs.c", "value": f"{tx}:{c.hgvs_c}"}] if c.hgvs_c and tx else []
    if c.hgvs_p:
        expressions.append({"syntax": "hgvs.p", "value": c.hgvs_p})
    state = _ALLELIC.get(c.zygosity)
    descriptor: dict[str, Any] = {
        "id": "-".join(map(str, c.key)),
        "geneContext": {"valueId": c.hgnc_id, "symbol": c.gene},
        "expressions": expressions,
        "vcfRecord": {"genomeAssembly": build, "chrom": c.chrom, "pos": str(c.pos), "ref": c.ref, "alt": c.alt},
        "moleculeContext": "genomic",
    }
    if state:
        descriptor["allelicState"] = {"id": state[0], "label": state[1]}
    return {"acmgPathogenicityClassification": _ACMG.get(c.acmg_class, "NOT_PROVIDED"),
            "variationDescriptor": descriptor}


def interpretation_json(result: CaseResult, *, created: datetime | None = None) -> str:
    """The Phenopacket (JSON text) of one case's result."""
    import phenopackets as pp  # protobuf classes: loaded by the report step only

    sample = result.sample_id
    build = result.provenance.genome_build
    by_key = {c.key: c for c in result.candidates}
    interpretations = []
    for i, f in enumerate(result.findings, start=1):
        causative = f.level == Status.POSITIVE and f.meets_inheritance
        genomic = [{"subjectOrBiosampleId": sample, "interpretationStatus": "CAUSATIVE" if causative else "CANDIDATE",
                    "variantInterpretation": _variant(by_key[k], build)} for k in f.variants if k in by_key]
        disease, said = _diseases(f, result.candidates)
        diagnosis: dict[str, Any] = {"genomicInterpretations": genomic} | ({"disease": disease} if disease else {})
        interpretations.append({
            "id": f"{sample}-{i}-{f.gene}-{f.finding}",
            "progressStatus": "SOLVED" if causative else "IN_PROGRESS",
            "diagnosis": diagnosis,
            "summary": f"{f.gene} {f.finding} ({f.moi}): {f.explanation.rstrip('.')}. {said}",
        })  # fmt: skip
    if not interpretations and result.status == Status.NEGATIVE:
        interpretations.append({"id": f"{sample}-no-finding", "progressStatus": "UNSOLVED", "summary": result.reason})
    features: list[dict[str, Any]] = [{"type": {"id": t.id, "label": t.label}} for t in result.phenotype.observed]
    features += [{"type": {"id": t.id, "label": t.label}, "excluded": True} for t in result.phenotype.excluded]
    when = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    packet = {
        "id": f"{sample}-pidtriage",
        "subject": {"id": sample, "sex": _SEX.get(result.case.sex_reported, "UNKNOWN_SEX")},
        "phenotypicFeatures": features,
        "interpretations": interpretations,
        "metaData": {
            "created": when, "createdBy": f"pidtriage {result.provenance.pidtriage_version}",
            "phenopacketSchemaVersion": "2.0",
            "resources": [
                {"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
                 "version": result.phenotype.hpo_release or "unknown", "namespacePrefix": "HP",
                 "iriPrefix": "http://purl.obolibrary.org/obo/HP_"},
                {"id": "geno", "name": "Genotype Ontology", "url": "http://purl.obolibrary.org/obo/geno.owl",
                 "version": "unknown", "namespacePrefix": "GENO", "iriPrefix": "http://purl.obolibrary.org/obo/GENO_"},
                {"id": "hgnc", "name": "HUGO Gene Nomenclature Committee", "url": "https://www.genenames.org",
                 "version": "unknown", "namespacePrefix": "HGNC", "iriPrefix": "https://identifiers.org/hgnc:"},
                {"id": "omim", "name": "Online Mendelian Inheritance in Man", "url": "https://www.omim.org",
                 "version": "unknown", "namespacePrefix": "OMIM", "iriPrefix": "https://www.omim.org/entry/"},
            ],
        },
    }  # fmt: skip
    message = json_format.ParseDict(packet, pp.Phenopacket())  # holds the document to the schema
    return str(json_format.MessageToJson(message, indent=2)) + "\n"
