"""triage.json's schema and its version: `data/triage.schema.json` is generated from the typed model
(result/case_result.py: every field, its type, the enums, the keys a document may leave out) plus the few rules a
type cannot say (`_RULES`); a result is checked against it before it is written (pidtriage.stages.triage).

    python -m pidtriage.result.schema    # rewrites data/triage.schema.json (tests/result/test_model.py checks it)

The check before writing (`validate_document`) compiles the schema once per process into one function per node
(`_compiled`): the jsonschema library takes ~17 ms for the demo trio's document and ~0.3 s for a genome's 2 MB,
the compiled check ~1 ms and ~20 ms. It reads only the keywords the generator writes (type, enum, const, pattern,
minLength, anyOf, items, prefixItems, properties, required, additionalProperties, patternProperties), and
tests/result/test_model.py holds it to the library's verdict on valid documents and on broken ones. Any other
keyword in the file is an error, not a rule silently skipped.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import re
import sys
import types
import typing
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from pidtriage.io.jsonio import to_jsonable
from pidtriage.models import VariantKey
from pidtriage.result.case_result import CaseResult, ChangeKind

__all__ = ["SCHEMA_VERSION", "SchemaError", "json_schema", "validate_document", "validate_result",
           "validate_with_jsonschema"]

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
# 1.4: no key added, removed or changed: the schema is generated from the typed result model (result/case_result.py) and
#      describes every key (its type, the vocabularies as enums, the keys a document may leave out); a document
#      with a key the model does not know is refused
# 1.5: candidates' monoallelic_reported (the panel says recessive, PanelApp monoallelic too)
SCHEMA_VERSION = "1.5"

_SCHEMA_FILE = "data/triage.schema.json"
_CLINVAR_WORDING = {
    "description": "one wording everywhere: 'ClinVar not configured', 'absent from ClinVar', or '<class> (<n> "
                   "star(s))' / '<class> (review status not given)'",
    "anyOf": [{"const": "ClinVar not configured"}, {"const": "absent from ClinVar"},
              {"pattern": "^.+ \\((\\d stars?|review status not given)\\)$"}],
}
# what a type cannot say, by the field's path (`[]` for an array's items)
_RULES: dict[str, dict[str, Any]] = {
    "schema_version": {"const": SCHEMA_VERSION},
    "reason": {"minLength": 1},
    "scope.summary": {"minLength": 1},
    "candidates[].clinvar": _CLINVAR_WORDING,
    "low_quality_calls[].clinvar": _CLINVAR_WORDING,
    "candidates[].diseases[].omim[].id": {"pattern": "^OMIM:\\d{6}$"},
    "low_quality_calls[].diseases[].omim[].id": {"pattern": "^OMIM:\\d{6}$"},
    # a case's own changes (the cohort's files add case_added and case_removed)
    "changes.items[].kind": {"enum": [k.value for k in ChangeKind if k not in (ChangeKind.CASE_ADDED,
                                                                              ChangeKind.CASE_REMOVED)]},
}
_KEY_PATTERN = r"^.+:\d+:[A-Za-z]+:.+$"


def _type(tp: Any, path: str) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(tp) if a is not type(None)]
        inner = _type(members[0], path)
        if set(inner) == {"type"}:  # a plain value or null: one keyword, not anyOf (a third of the checking time)
            return {"type": [inner["type"], "null"]}
        return {"anyOf": [inner, {"type": "null"}]}
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return {"type": "array", "items": _type(args[0], path + "[]")}
        return {"type": "array", "prefixItems": [_type(a, path + "[]") for a in args], "items": False}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type(typing.get_args(tp)[1], path + ".*")}
    if tp is object:
        return {}
    if tp is VariantKey:
        return {"type": "string", "pattern": _KEY_PATTERN}
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"enum": [m.value for m in tp]}
    if dataclasses.is_dataclass(tp):
        return _object(tp, path)
    return {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[tp]}


def _object(cls: Any, path: str) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    patterns: dict[str, Any] = {}
    required = []
    omitted = cls.optional_fields() if hasattr(cls, "optional_fields") else frozenset()
    for f in dataclasses.fields(cls):
        where = f"{path}.{f.name}".lstrip(".")
        if "json_flatten" in f.metadata:
            patterns[f"^{f.metadata['json_flatten']}"] = {"type": "string"}
            continue
        props[f.name] = _type(hints[f.name], where) | _RULES.get(where, {})
        if "json_omit" not in f.metadata and f.name not in omitted:
            required.append(f.name)
    out: dict[str, Any] = {"type": "object"}
    doc = inspect.getdoc(cls) or ""
    if doc and not doc.startswith(f"{cls.__name__}("):  # not the signature dataclasses write when there is none
        out["description"] = " ".join(doc.split())
    out |= {"required": required, "properties": props, "additionalProperties": False}
    if patterns:
        out["patternProperties"] = patterns
    return out


def json_schema() -> dict[str, Any]:
    """The schema of triage.json, from the model (module docstring)."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "pidtriage triage.json",
            **_object(CaseResult, "")}


@cache
def _schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(resources.files("pidtriage").joinpath(_SCHEMA_FILE).read_text())
    return loaded


class SchemaError(ValueError):
    """A document that does not follow data/triage.schema.json: where, and what."""


Where = tuple[Any, ...]  # (parent, key or index): turned into text only for an error
Check = Callable[[Any, Where], None]
_JSON_TYPES: dict[str, tuple[type, ...]] = {"string": (str,), "boolean": (bool,), "integer": (int,),
                                           "number": (int, float), "null": (type(None),), "object": (dict,),
                                           "array": (list,)}
_KNOWN = {"$schema", "title", "description", "type", "enum", "const", "pattern", "minLength", "anyOf", "items",
          "prefixItems", "properties", "required", "additionalProperties", "patternProperties"}


def _path(where: Where) -> str:
    parts: list[str] = []
    while where:
        where, key = where
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".")


def _fail(where: Where, what: str) -> SchemaError:
    return SchemaError(f"{_path(where) or 'the document'}: {what}")


def _compiled(node: Any) -> Check:
    """One schema node as a function (value, where) that raises SchemaError."""
    if node is True or node == {}:
        return lambda value, where: None
    unknown = set(node) - _KNOWN
    if unknown:
        raise ValueError(f"data/triage.schema.json: keyword(s) {sorted(unknown)} not checked by result/schema.py")
    checks: list[Check] = []
    if "type" in node:
        kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
        python = tuple(t for k in kinds for t in _JSON_TYPES[k])
        no_bool = "boolean" not in kinds  # JSON's true is no integer, though Python's bool is an int

        def typed(value: Any, where: Where) -> None:
            if not isinstance(value, python) or (no_bool and value.__class__ is bool):
                raise _fail(where, f"{value!r} is not of type {' or '.join(kinds)}")
        checks.append(typed)
    for keyword, make in (("enum", _enum), ("const", _const), ("pattern", _pattern), ("minLength", _min_length),
                          ("anyOf", _any_of)):
        if keyword in node:
            checks.append(make(node[keyword]))
    if "items" in node or "prefixItems" in node:
        checks.append(_array(node))
    if "properties" in node or "additionalProperties" in node:
        checks.append(_object_check(node))

    if len(checks) == 1:
        return checks[0]

    def check(value: Any, where: Where) -> None:
        for c in checks:
            c(value, where)
    return check


def _enum(allowed: list[Any]) -> Check:
    def check(value: Any, where: Where) -> None:
        if value not in allowed:
            raise _fail(where, f"{value!r} is not one of {allowed}")
    return check


def _const(expected: Any) -> Check:
    def check(value: Any, where: Where) -> None:
        if value != expected:
            raise _fail(where, f"{value!r} was expected to be {expected!r}")
    return check


def _pattern(text: str) -> Check:
    regex = re.compile(text)

    def check(value: Any, where: Where) -> None:
        if isinstance(value, str) and not regex.search(value):
            raise _fail(where, f"{value!r} does not match {text!r}")
    return check


def _min_length(n: int) -> Check:
    def check(value: Any, where: Where) -> None:
        if isinstance(value, str) and len(value) < n:
            raise _fail(where, f"{value!r} is shorter than {n}")
    return check


def _any_of(options: list[Any]) -> Check:
    compiled = [_compiled(o) for o in options]

    def check(value: Any, where: Where) -> None:
        for c in compiled:
            try:
                c(value, where)
                return
            except SchemaError:
                continue
        raise _fail(where, f"{value!r} is not valid under any of the given schemas")
    return check


def _array(node: Any) -> Check:
    prefix = [_compiled(p) for p in node.get("prefixItems", ())]
    rest = node.get("items", True)
    rest_check = None if rest is False else _compiled(rest)

    def check(value: Any, where: Where) -> None:
        if not isinstance(value, list):
            return
        for i, item in enumerate(value):
            if i < len(prefix):
                prefix[i](item, (where, i))
            elif rest_check is None:
                raise _fail(where, f"has more than {len(prefix)} items")
            else:
                rest_check(item, (where, i))
    return check


def _object_check(node: Any) -> Check:
    props = {k: _compiled(v) for k, v in node.get("properties", {}).items()}
    required = list(node.get("required", ()))
    patterns = [(re.compile(p), _compiled(v)) for p, v in node.get("patternProperties", {}).items()]
    extra = node.get("additionalProperties", True)
    extra_check = None if extra is False else _compiled(extra)

    def check(value: Any, where: Where) -> None:
        if not isinstance(value, dict):
            return
        missing = [k for k in required if k not in value]
        if missing:
            raise _fail(where, f"{missing[0]!r} is a required property")
        for key, item in value.items():
            at = (where, key)
            found = props.get(key)
            if found is not None:
                found(item, at)
                continue
            matched = [c for regex, c in patterns if regex.search(key)]
            for c in matched:
                c(item, at)
            if matched:
                continue
            if extra_check is None:
                raise _fail(where, f"additional property {key!r} is not allowed")
            extra_check(item, at)
    return check


@cache
def _validator() -> Check:
    return _compiled(_schema())


def validate_document(doc: Any) -> None:
    """A SchemaError naming the first place where the JSON document does not follow the schema."""
    _validator()(doc, ())


def validate_with_jsonschema(doc: Any) -> None:
    """The jsonschema library's verdict (its ValidationError): what the compiled check is held to in the tests."""
    error = jsonschema.exceptions.best_match(jsonschema.validators.validator_for(_schema())(_schema()).iter_errors(doc))
    if error is not None:
        raise error


def validate_result(result: CaseResult) -> None:
    validate_document(to_jsonable(result))


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    target = Path(str(resources.files("pidtriage").joinpath(_SCHEMA_FILE)))
    target.write_text(schema_text())
    print(f"wrote {target}", file=sys.stderr)
