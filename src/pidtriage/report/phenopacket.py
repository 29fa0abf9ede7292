"""cases/{id}/interpretation.json: the case's result as a GA4GH Phenopacket v2, rendered from triage.json.

One `Interpretation` per finding: its disease (the IUIS entry, with its OMIM ID when the panel names one), the
progress status (SOLVED for a positive finding, IN_PROGRESS for one to review), and one genomic interpretation per
variant (CAUSATIVE or CANDIDATE), with the variant descriptor (HGNC gene, HGVS on the MANE transcript, the VCF
record, the allelic state as GENO terms) and the automated ACMG class. A case with no finding has one UNSOLVED
interpretation; a failed case has none. The subject's features are the HPO terms used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from google.protobuf import json_format

__all__ = ["interpretation_json"]

_ACMG = {"P": "PATHOGENIC", "LP": "LIKELY_PATHOGENIC", "VUS": "UNCERTAIN_SIGNIFICANCE", "LB": "LIKELY_BENIGN",
         "B": "BENIGN"}  # fmt: skip
_ALLELIC = {"het": ("GENO:0000135", "heterozygous"), "hom": ("GENO:0000136", "homozygous"),
            "hemi": ("GENO:0000134", "hemizygous")}  # fmt: skip
_SEX = {"male": "MALE", "female": "FEMALE"}
_OMIM = re.compile(r"\(?(OMIM|MIM):\s*(\d{6})\)?")


def _disease(names: list[str]) -> dict[str, str]:
    name = names[0] if names else "inborn error of immunity"
    m = _OMIM.search(name)
    label = _OMIM.sub("", name).strip(" ,;")
    return {"id": f"OMIM:{m.group(2)}" if m else "NCIT:C2967", "label": label or name}  # C2967: immunodeficiency


def _variant(c: Mapping[str, Any], build: str) -> dict[str, Any]:
    expressions = [{"syntax": "hgvs.c", "value": f"{c['transcript']}:{c['hgvs_c']}"}] if c.get("hgvs_c") else []
    if c.get("hgvs_p"):
        expressions.append({"syntax": "hgvs.p", "value": c["hgvs_p"]})
    state = _ALLELIC.get(c["zygosity"])
    descriptor: dict[str, Any] = {
        "id": f"{c['chrom']}-{c['pos']}-{c['ref']}-{c['alt']}",
        "geneContext": {"valueId": c["hgnc_id"], "symbol": c["gene"]},
        "expressions": expressions,
        "vcfRecord": {"genomeAssembly": build, "chrom": c["chrom"], "pos": str(c["pos"]), "ref": c["ref"],
                      "alt": c["alt"]},
        "moleculeContext": "genomic",
    }
    if state:
        descriptor["allelicState"] = {"id": state[0], "label": state[1]}
    return {"acmgPathogenicityClassification": _ACMG.get(c["acmg_class"], "NOT_PROVIDED"),
            "variationDescriptor": descriptor}


def interpretation_json(doc: Mapping[str, Any], *, created: datetime | None = None) -> str:
    """The Phenopacket (JSON text) of one triage.json document."""
    import phenopackets as pp  # protobuf classes: loaded by the report step only

    case, sample = doc["case"], doc["case"]["sample_id"]
    build = doc["provenance"]["genome_build"]
    by_key = {f"{c['chrom']}:{c['pos']}:{c['ref']}:{c['alt']}": c for c in doc["candidates"]}
    interpretations = []
    for i, f in enumerate(doc["findings"], start=1):
        causative = f["level"] == "positive" and f["meets_inheritance"]
        genomic = [{"subjectOrBiosampleId": sample, "interpretationStatus": "CAUSATIVE" if causative else "CANDIDATE",
                    "variantInterpretation": _variant(by_key[k], build)} for k in f["variants"] if k in by_key]
        interpretations.append({
            "id": f"{sample}-{i}-{f['gene']}-{f['finding']}",
            "progressStatus": "SOLVED" if causative else "IN_PROGRESS",
            "diagnosis": {"disease": _disease(f["diseases"]), "genomicInterpretations": genomic},
            "summary": f"{f['gene']} {f['finding']} ({f['moi']}): {f['explanation']}",
        })  # fmt: skip
    if not interpretations and doc["status"] == "negative":
        interpretations.append({"id": f"{sample}-no-finding", "progressStatus": "UNSOLVED", "summary": doc["reason"]})
    features: list[dict[str, Any]] = [{"type": {"id": t["id"], "label": t["label"]}} for t in doc["phenotype"]["observed"]]
    features += [{"type": {"id": t["id"], "label": t["label"]}, "excluded": True} for t in doc["phenotype"]["excluded"]]
    when = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    packet = {
        "id": f"{sample}-pidtriage",
        "subject": {"id": sample, "sex": _SEX.get(case["sex_reported"], "UNKNOWN_SEX")},
        "phenotypicFeatures": features,
        "interpretations": interpretations,
        "metaData": {
            "created": when, "createdBy": f"pidtriage {doc['provenance']['pidtriage_version']}",
            "phenopacketSchemaVersion": "2.0",
            "resources": [
                {"id": "hp", "name": "human phenotype ontology", "url": "http://purl.obolibrary.org/obo/hp.owl",
                 "version": doc["phenotype"]["hpo_release"] or "unknown", "namespacePrefix": "HP",
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
