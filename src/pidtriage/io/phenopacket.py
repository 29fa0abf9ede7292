"""GA4GH Phenopacket v2 in: a case (a `Phenopacket`) or a family (a `Family`) as rows of the sample sheet.

Read with the `phenopackets` package (protobuf; JSON or YAML). What is taken, per individual:

- `subject.id` → sample_id; `subject.sex` → sex (MALE/FEMALE; anything else is unknown);
- `phenotypicFeatures` → hpo_terms, or hpo_excluded when `excluded` is true (HP: terms only);
- `measurements` → the immunophenotype (`MEASUREMENT_KEYS`): a quantity against its `referenceRange` is low
  (below `low`), normal or high (above `high`), and 0 cells is absent; a value given as an ontology class is read
  by its label (absent, low/decreased, normal, high/increased);
- `files` → the VCF (the first file whose `fileAttributes.fileFormat` is vcf/bcf, or whose URI ends so): `file:`
  URIs or paths, relative ones against the phenopacket's folder; `individualToFileIdentifiers` gives the name of
  the individual inside the VCF;
- for a `Family`, `pedigree.persons` → family_id, father, mother, sex and affected (2 affected, 1 unaffected),
  the proband's and relatives' phenopackets for their features, and the family's files.

A phenopacket that cannot be used raises a ConfigError naming the file and the field.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import yaml
from google.protobuf import json_format

from pidtriage.errors import ConfigError

__all__ = ["MEASUREMENT_KEYS", "read_phenopacket"]

# Assay → immunophenotype key: LOINC codes for the common counts and immunoglobulins, then words of the assay's
# label (checked in this order: NK and the T-cell subsets before "CD3", which their labels also contain).
_LOINC = {"2465-3": "IgG", "2458-8": "IgA", "2472-9": "IgM", "19113-0": "IgE", "751-8": "neutrophils",
          "8124-0": "T", "24467-3": "CD4", "14135-8": "CD8"}  # fmt: skip
MEASUREMENT_KEYS: tuple[tuple[str, str], ...] = (
    (r"\bNK\b|natural killer|CD56|CD16", "NK"),
    (r"CD4\b|CD4\+|\bT4\b|helper", "CD4"),
    (r"CD8\b|CD8\+|cytotoxic T", "CD8"),
    (r"CD19|CD20|\bB[ -]?(cells?|lymph)", "B"),
    (r"CD3\b|CD3\+|\bT[ -]?(cells?|lymph)", "T"),
    (r"\bIgG\b|immunoglobulin G\b", "IgG"),
    (r"\bIgA\b|immunoglobulin A\b", "IgA"),
    (r"\bIgM\b|immunoglobulin M\b", "IgM"),
    (r"\bIgE\b|immunoglobulin E\b", "IgE"),
    (r"neutrophil", "neutrophils"),
)
_LEVEL_LABELS = ((r"absent|none", "absent"), (r"low|decreas|reduc", "low"), (r"normal", "normal"),
                 (r"high|increas|elevat", "high"))  # fmt: skip
_SEX = {"MALE": "male", "FEMALE": "female"}


class _FieldError(ValueError):
    """A field that cannot be used; read_phenopacket names the file before it."""


def _load(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the phenopacket ({exc}); check the phenopacket column") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        first = " ".join(str(exc).split())[:160]
        raise ConfigError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'} ({first})") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a phenopacket must be a JSON/YAML object (a Phenopacket or a Family)")
    return data


def _parse(data: dict[str, Any], path: Path) -> Any:
    import phenopackets as pp  # protobuf classes: loaded only when a phenopacket is read

    message = pp.Family() if "proband" in data else pp.Phenopacket()
    try:
        json_format.ParseDict(data, message)
    except json_format.ParseError as exc:
        text = " ".join(str(exc).split())[:300]
        raise ConfigError(f"{path}: not a GA4GH Phenopacket v2 {type(message).__name__} ({text})") from None
    return message


def _level(m: Any, where: str) -> str:
    value = m.value
    if value.HasField("ontology_class"):
        label = value.ontology_class.label
        for pattern, level in _LEVEL_LABELS:
            if re.search(pattern, label, re.I):
                return level
        raise _FieldError(f"{where}.value.ontologyClass: label {label!r} is not absent, low, normal or high")
    q = value.quantity
    if q.value == 0:
        return "absent"
    if not q.HasField("reference_range"):
        raise _FieldError(f"{where}.value.quantity: no referenceRange, so low/normal/high cannot be told; add it")
    rr = q.reference_range
    return "low" if q.value < rr.low else "high" if q.value > rr.high else "normal"


def _immunophenotype(measurements: Any, where: str) -> str:
    items: dict[str, str] = {}
    for i, m in enumerate(measurements):
        code = m.assay.id.split(":", 1)[-1] if m.assay.id.upper().startswith("LOINC:") else ""
        key = _LOINC.get(code) or next((k for p, k in MEASUREMENT_KEYS if re.search(p, m.assay.label, re.I)), "")
        if not key:
            continue  # an assay the IUIS immunophenotype has no key for (e.g. a vaccine response)
        items[key] = _level(m, f"{where}.measurements[{i}]")
    return ";".join(f"{k}={v}" for k, v in items.items())


def _features(packet: Any, where: str) -> tuple[str, str]:
    observed: list[str] = []
    excluded: list[str] = []
    for i, f in enumerate(packet.phenotypic_features):
        if not f.type.id.startswith("HP:"):
            raise _FieldError(f"{where}.phenotypicFeatures[{i}].type.id: {f.type.id!r} is not an HPO term (HP:...)")
        (excluded if f.excluded else observed).append(f.type.id)
    return ";".join(observed), ";".join(excluded)


def _vcf(files: Any, individual: str, path: Path, where: str) -> tuple[str, str]:
    """(VCF path, the individual's name in it)."""
    for i, f in enumerate(files):
        fmt = f.file_attributes.get("fileFormat", "").lower()
        uri = f.uri
        if fmt in ("vcf", "bcf") or re.search(r"\.(vcf(\.gz|\.bgz)?|bcf)$", uri, re.I):
            parsed = urlparse(uri)
            if parsed.scheme not in ("", "file"):
                raise _FieldError(f"{where}.files[{i}].uri: {uri!r} is not a local file; pidtriage reads local VCFs "
                                  "only (file:///path or a path)")
            local = Path(unquote(parsed.path if parsed.scheme else uri))
            name = dict(f.individual_to_file_identifiers).get(individual, "")
            return str(local if local.is_absolute() else (path.parent / local)), name
    return "", ""


def _row(packet: Any, path: Path, where: str, files: Any) -> dict[str, str]:
    subject = packet.subject
    if not subject.id:
        raise _FieldError(f"{where}.subject.id is empty; the individual needs an ID")
    hpo, excluded = _features(packet, where)
    vcf, name = _vcf(list(packet.files) or list(files), subject.id, path, where)
    return {"sample_id": subject.id, "sex": _SEX.get(_sex_name(subject.sex), "unknown"), "vcf": vcf,
            "vcf_sample": name if name and name != subject.id else "", "hpo_terms": hpo, "hpo_excluded": excluded,
            "immunophenotype": _immunophenotype(packet.measurements, where)}


def _sex_name(value: int) -> str:
    import phenopackets as pp

    return str(pp.Sex.Name(value))


def read_phenopacket(path: str | Path) -> list[dict[str, str]]:
    """The phenopacket's individuals as sample-sheet rows (the proband first, affected "true")."""
    p = Path(path)
    message = _parse(_load(p), p)
    try:
        return _rows(message, p)
    except _FieldError as exc:
        raise ConfigError(f"{p}: {str(exc).lstrip('.')}") from None


def _rows(message: Any, p: Path) -> list[dict[str, str]]:
    if message.DESCRIPTOR.name != "Family":
        row = _row(message, p, "", ())
        row["affected"] = "true"
        return [row]
    proband = _row(message.proband, p, "proband", message.files)
    rows = {proband["sample_id"]: proband}
    for i, relative in enumerate(message.relatives):
        r = _row(relative, p, f"relatives[{i}]", message.files)
        rows[r["sample_id"]] = r
    affected = {2: "true", 1: "false"}
    for i, person in enumerate(message.pedigree.persons):
        r = rows.setdefault(person.individual_id, {"sample_id": person.individual_id})
        if not r.get("vcf"):
            r["vcf"], name = _vcf(message.files, person.individual_id, p, f"pedigree.persons[{i}]")
            r["vcf_sample"] = name if name and name != person.individual_id else ""
        r.setdefault("sex", _SEX.get(_sex_name(person.sex), "unknown"))
        if r["sex"] == "unknown":
            r["sex"] = _SEX.get(_sex_name(person.sex), "unknown")
        r.update(family_id=person.family_id, father_id="" if person.paternal_id in ("", "0") else person.paternal_id,
                 mother_id="" if person.maternal_id in ("", "0") else person.maternal_id,
                 affected=affected.get(person.affected_status, "unknown"))
    rows[proband["sample_id"]]["affected"] = "true"
    return list(rows.values())
