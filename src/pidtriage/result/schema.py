"""triage.json's schema (`data/triage.schema.json`) and its version; a result is checked against it before it is
written (pidtriage.stages.triage)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema

from pidtriage.io.jsonio import to_jsonable
from pidtriage.result.model import CaseResult

__all__ = ["SCHEMA_VERSION", "validate_document", "validate_result"]

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


def validate_document(doc: Any) -> None:
    """A jsonschema ValidationError (the most relevant one) when the JSON document does not follow the schema."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(doc))
    if error is not None:
        raise error


def validate_result(result: CaseResult) -> None:
    validate_document(to_jsonable(result))
