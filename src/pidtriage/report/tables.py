"""candidates.tsv and the cohort tables, rendered from triage.json documents (fixed columns, sorted)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from pidtriage.genome import bare  # the panel's contig naming, in every cohort file

__all__ = [
    "CANDIDATE_COLUMNS",
    "NO_KNOWN_DEFECT_COLUMNS",
    "STRUCTURAL_COLUMNS",
    "SUMMARY_COLUMNS",
    "candidate_rows",
    "candidates_tsv",
    "no_known_defect_tsv",
    "structural_rows",
    "summary_row",
    "summary_tsv",
    "tsv",
]

# transcript: the one hgvs_c/hgvs_p are on ("." when the source names none, as ClinVar's HGVS); mane_refseq only when
# that transcript is the gene's MANE Select (mane_select); clinvar: the one ClinVar wording of every output
CANDIDATE_COLUMNS = ("rank", "gene", "hgnc_id", "chrom", "pos", "ref", "alt", "transcript", "mane_select",
                     "mane_refseq", "hgvs_c", "hgvs_p", "consequence", "genotype", "zygosity", "family_genotypes", "dp",
                     "gq", "ad", "allele_balance", "moi", "finding", "acmg_class", "acmg_points", "acmg_criteria",
                     "reportable_basis", "clinvar", "clinvar_significance", "clinvar_stars", "clinvar_review_status",
                     "clinvar_variation_id", "clinvar_date", "population_af", "population_faf", "population_grpmax",
                     "population_nhomalt", "population_nhemi", "scores", "phenotype_score", "score",
                     "unjudged_effect", "qc_flags")  # fmt: skip
SUMMARY_COLUMNS = ("sample_id", "status", "no_known_defect", "genes", "top_variant", "n_candidates", "sex_reported",
                   "sex_inferred", "qc", "genes_assessed", "scope", "reason")  # fmt: skip
NO_KNOWN_DEFECT_COLUMNS = ("sample_id", "status", "reason", "suspected_category", "next_steps")


_FORMULA_START = ("=", "+", "-", "@", "\r")


def _cell(value: Any) -> str:
    """One TSV cell. Text that a spreadsheet would run as a formula (starting with = + - @ or a carriage return,
    and not a number) gets a leading apostrophe, as spreadsheets themselves mark text (OWASP CSV injection)."""
    if value is None:
        return "."
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int):
        return str(value)
    text = (",".join(str(v) for v in value) if isinstance(value, list) else str(value))
    text = text.replace("\t", " ").replace("\n", " ")
    if text.startswith(_FORMULA_START) and not _is_number(text):
        text = "'" + text
    return text if text else "."


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def tsv(columns: Iterable[str], rows: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, quotechar=None, escapechar="\\")
    cols = list(columns)
    w.writerow(cols)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in cols])
    return out.getvalue()


def candidate_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """candidates.tsv's rows: triage.json's candidates with the family's genotypes, the scores and the ClinVar
    release date in one cell each."""
    clinvar_date = doc["provenance"].get("clinvar_date", "")
    return [{**c, "family_genotypes": ";".join(f"{s}={g}" for s, g in c["genotypes"].items()),
             "scores": ";".join(f"{k}={v}" for k, v in sorted(c["scores"].items())),
             "phenotype_score": c["phenotype_match"]["score"], "clinvar_date": clinvar_date}
            for c in doc["candidates"]]  # fmt: skip


def candidates_tsv(doc: Mapping[str, Any]) -> str:
    return tsv(CANDIDATE_COLUMNS, candidate_rows(doc))


STRUCTURAL_COLUMNS = ("chrom", "start", "end", "svtype", "genes", "genotype", "fate", "gene", "effect", "cn",
                      "support", "cnv_points", "acmg_class", "criteria", "finding", "rank")  # fmt: skip


def structural_rows(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    """structural.tsv: every SV call in the panel regions with what was done with it; a scored call once per
    gene, with its effect, CNV points, class and the finding it is part of."""
    found = {(c["chrom"], c["structural"]["start"], c["gene"]): c for c in doc["candidates"] if c.get("structural")}
    rows = []
    for call in (doc.get("structural") or {}).get("calls", []):
        base = {k: call.get(k) for k in ("chrom", "start", "end", "svtype", "genes", "genotype", "fate")}
        effects = call.get("effects") or [{}]
        for e in effects:
            row = {**base, **e}
            c = found.get((call["chrom"], call["start"], e.get("gene")))
            if c:
                row |= {"cn": c["structural"]["cn"], "support": c["structural"]["support"], "finding": c["finding"],
                        "rank": c["rank"]}
            elif e:
                row["finding"] = "not a candidate (class or points too low)"
            rows.append(row)
    return rows


def summary_row(doc: Mapping[str, Any]) -> dict[str, Any]:
    status = doc["status"]
    cands = doc["candidates"]
    qualifying = [f for f in doc["findings"] if f["level"] in ("positive", "inconclusive")]
    top = cands[0] if cands else None
    qc = doc["qc"]
    qc_text = _qc_text(qc, status)
    return {
        "sample_id": doc["case"]["sample_id"],
        "status": status,
        "no_known_defect": "." if doc["no_known_defect"] is None else doc["no_known_defect"],
        "genes": sorted({f["gene"] for f in qualifying}),
        "top_variant": f"{bare(top['chrom'])}:{top['pos']}:{top['ref']}:{top['alt']}" if top else ".",
        "n_candidates": len(cands),
        "sex_reported": qc["sex_reported"],
        "sex_inferred": qc["sex_inferred"],
        "qc": qc_text,
        "genes_assessed": (f"{doc['scope']['genes_assessed']}/{doc['scope']['genes_total']}"
                           if doc["scope"].get("genes_total") else "."),
        "scope": doc["scope"]["summary"],
        "reason": doc["reason"],
    }


def _qc_text(qc: Mapping[str, Any], status: str) -> str:
    """summary.tsv's `qc`: the sample-level QC failures ("failed: ..."), else its warnings ("warning: ..."), else
    "ok"; "not run" for a case that failed before its calls were read."""
    if qc.get("hard_failures"):
        return "failed: " + "; ".join(qc["hard_failures"])
    if qc.get("warnings"):
        return "warning: " + "; ".join(qc["warnings"])
    return "not run" if status == "failed" and not qc.get("individuals") else "ok"


def summary_tsv(docs: Iterable[Mapping[str, Any]]) -> str:
    return tsv(SUMMARY_COLUMNS, sorted((summary_row(d) for d in docs), key=lambda r: r["sample_id"]))


def no_known_defect_tsv(docs: Iterable[Mapping[str, Any]]) -> str:
    rows = [
        {"sample_id": d["case"]["sample_id"], "status": d["status"], "reason": d["reason"],
         "suspected_category": d["case"]["suspected_category"], "next_steps": " | ".join(d["next_steps"])}
        for d in sorted(docs, key=lambda d: d["case"]["sample_id"]) if d["no_known_defect"]
    ]  # fmt: skip
    return tsv(NO_KNOWN_DEFECT_COLUMNS, rows)
