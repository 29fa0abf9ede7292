"""cases/{id}/candidates.vcf.gz: the case's candidates and its listed low-quality calls as VCF, for IGV, Scout
and seqr, beside the input.

The records are the input's own, taken from the case's panel extract (the input's header lines, its INFO and
FORMAT values, the case's samples, multiallelic sites split as pidtriage judged them), each with pidtriage's
INFO fields added and declared in the header. Written with pysam (BGZF) and tabix-indexed; `bcftools view` and
IGV read it. A variant that is a candidate more than once (two genes, or a gene with dominant and recessive
entries) is one record whose PIDTRIAGE_* fields hold one value per entry, in rank order. SV/CNV candidates are
not records of the small-variant extract: they are listed in structural.tsv.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["INFO_FIELDS", "candidate_entries", "info_value", "write_candidates_vcf"]

# (ID, Number, Type, Description): one value per candidate entry of the variant (Number=.), a flag for a call
# that failed hard genotype QC
INFO_FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("PIDTRIAGE_RANK", ".", "Integer", "pidtriage rank of each candidate entry of this variant (1 = first; '.' for "
     "a low-quality call, which is listed, not ranked)"),
    ("PIDTRIAGE_GENE", ".", "String", "Panel gene symbol of each entry"),
    ("PIDTRIAGE_HGNC_ID", ".", "String", "HGNC ID of each entry's gene"),
    ("PIDTRIAGE_MOI", ".", "String", "Mode of inheritance the entry was judged under (AD, AR, XL, ...)"),
    ("PIDTRIAGE_FINDING", ".", "String", "How the genotype meets the gene's inheritance: AD_het, AR_hom, "
     "AR_compound_het, AR_possible_compound_het, AR_single_het, XL_hemi, XL_het_female, de_novo or none"),
    ("PIDTRIAGE_ACMG_CLASS", ".", "String", "Automated ACMG/AMP class: P, LP, VUS, LB or B"),
    ("PIDTRIAGE_ACMG_POINTS", ".", "Integer", "ACMG/AMP points (Tavtigian 2020)"),
    ("PIDTRIAGE_ACMG_CRITERIA", ".", "String", "ACMG/AMP criteria met, '|'-separated"),
    ("PIDTRIAGE_REPORTABLE", ".", "String", "Why the variant is reportable (automated P/LP or ClinVar P/LP), '.' "
     "when it is not"),
    ("PIDTRIAGE_CLINVAR", ".", "String", "ClinVar significance (spaces as '_'; '.' when not in ClinVar)"),
    ("PIDTRIAGE_CLINVAR_STARS", ".", "Integer", "ClinVar review stars"),
    ("PIDTRIAGE_PHENOTYPE_SCORE", ".", "Float", "Phenotype score of the entry's gene for this patient (HPO terms, "
     "immunophenotype, suspected IUIS category; pidtriage.ranking)"),
    ("PIDTRIAGE_CONSEQUENCE", ".", "String", "Consequence on the transcript pidtriage used (SO terms, '&'-joined)"),
    ("PIDTRIAGE_HGVS_C", ".", "String", "HGVS c. on that transcript"),
    ("PIDTRIAGE_HGVS_P", ".", "String", "HGVS p. on that transcript"),
    ("PIDTRIAGE_QC_FLAGS", ".", "String", "Genotype QC checks the call failed, '|'-separated"),
    ("PIDTRIAGE_LOW_QUALITY", "0", "Flag", "The call failed hard genotype QC: kept out of the findings, listed to be "
     "confirmed by another method"),
)
_PERCENT = {"%": "%25", ";": "%3B", "=": "%3D"}


def info_value(value: Any) -> Any:
    """One INFO value as VCF allows it: None for empty; text without whitespace, ';', '=' or ',' (spaces as '_',
    commas as '|', ';', '=' and '%' percent-encoded as VCF 4.3 says); numbers as they are."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "yes" if value else None
    if isinstance(value, int | float):
        return value
    text = "|".join(map(str, value)) if isinstance(value, list) else str(value)
    text = "".join(_PERCENT.get(ch, ch) for ch in text)
    return "_".join(text.split()).replace(",", "|") or None


def candidate_entries(doc: Mapping[str, Any]) -> dict[tuple[str, int, str, str], list[dict[str, Any]]]:
    """The entries of triage.json to write, by (chrom, pos, ref, alt) as in the input: every small-variant
    candidate (rank order), then every low-quality call."""
    out: dict[tuple[str, int, str, str], list[dict[str, Any]]] = {}
    rows = [(c, False) for c in doc["candidates"]] + [(c, True) for c in doc["low_quality_calls"]]
    for c, low in rows:
        if c.get("structural"):
            continue
        out.setdefault((c["chrom"], int(c["pos"]), c["ref"], c["alt"]), []).append({**c, "_low": low})
    return out


def _info(entries: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    def each(key: str, fn: Any = info_value) -> tuple[Any, ...] | None:
        values = tuple(fn(e.get(key)) for e in entries)
        return values if any(v is not None for v in values) else None

    return {
        "PIDTRIAGE_RANK": tuple(None if e["_low"] else int(e["rank"]) for e in entries),
        "PIDTRIAGE_GENE": each("gene"), "PIDTRIAGE_HGNC_ID": each("hgnc_id"), "PIDTRIAGE_MOI": each("moi"),
        "PIDTRIAGE_FINDING": each("finding"), "PIDTRIAGE_ACMG_CLASS": each("acmg_class"),
        "PIDTRIAGE_ACMG_POINTS": each("acmg_points"),
        "PIDTRIAGE_ACMG_CRITERIA": each("acmg_criteria", lambda v: info_value(str(v or "").split(",") if v else None)),
        "PIDTRIAGE_REPORTABLE": each("reportable_basis"), "PIDTRIAGE_CLINVAR": each("clinvar_significance"),
        "PIDTRIAGE_CLINVAR_STARS": each("clinvar_stars"),
        "PIDTRIAGE_PHENOTYPE_SCORE": tuple(round(float(e["phenotype_match"]["score"]), 4)
                                           if e.get("phenotype_match") else None for e in entries),
        "PIDTRIAGE_CONSEQUENCE": each("consequence"), "PIDTRIAGE_HGVS_C": each("hgvs_c"),
        "PIDTRIAGE_HGVS_P": each("hgvs_p"),
        "PIDTRIAGE_QC_FLAGS": each("qc_hard_flags" if entries[0]["_low"] else "qc_flags"),
        "PIDTRIAGE_LOW_QUALITY": any(e["_low"] for e in entries),
    }  # fmt: skip


def _header_lines(doc: Mapping[str, Any]) -> list[str]:
    """The case's result in the header: who, what status, from which pidtriage, panel and build."""
    prov = doc.get("provenance", {})
    text = {
        "pidtriage_version": prov.get("pidtriage_version", ""),
        "pidtriage_case": doc["case"]["sample_id"],
        "pidtriage_status": doc["status"],
        "pidtriage_reason": doc.get("reason", ""),
        "pidtriage_genome_build": prov.get("genome_build", ""),
        "pidtriage_panel": f"{prov.get('panel_name', '')} {prov.get('panel_version', '')}".strip(),
        "pidtriage_clinvar": prov.get("clinvar_date", ""),
    }
    # one line each, and never read as a structured line (htslib parses a value starting with "<" as one)
    return [f"##{k}=" + " ".join(str(v).split()).replace("<", "%3C").replace(">", "%3E") for k, v in text.items() if v]


def write_candidates_vcf(doc: Mapping[str, Any], source_vcf: str | Path, out: str | Path) -> Path:
    """Write `out` (bgzipped, with its .tbi) from the records of `source_vcf` (the case's panel extract) that
    triage.json lists as candidates or low-quality calls. A failed case (or an extract without them) gives a
    header-only file: the file exists for every case. Written to temporary names, then renamed."""
    import pysam

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wanted = candidate_entries(doc)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp.vcf.gz")
    source = Path(source_vcf)
    empty = None if source.exists() and source.stat().st_size else _minimal(tmp)
    try:
        with pysam.VariantFile(str(empty or source)) as src:
            records = list(_records(src, wanted))
            header = src.header.copy()  # after reading: contigs htslib added for records without ##contig are in it
            for line in _header_lines(doc):
                header.add_line(line)
            for key, number, kind, text in INFO_FIELDS:
                if key not in header.info:
                    header.info.add(key, number, kind, text)
            if not list(header.samples):  # a failed case's empty extract: the case's individuals still named
                for name in doc["qc"].get("samples_used") or [doc["case"].get("vcf_sample") or doc["case"]["sample_id"]]:
                    header.add_sample(name)
            order = {name: i for i, name in enumerate(header.contigs)}
            with pysam.VariantFile(str(tmp), "wz", header=header) as dst:
                for rec in sorted(records, key=lambda r: (order.get(r.chrom, len(order)), r.pos)):
                    rec.translate(header)
                    for k in [k for k in rec.info if k.startswith("PIDTRIAGE_")]:  # an input that was our output
                        del rec.info[k]
                    for k, v in _info(wanted[_key(rec)]).items():
                        if v is True or (isinstance(v, tuple) and any(x is not None for x in v)):
                            rec.info[k] = v
                    dst.write(rec)
    finally:
        if empty:
            Path(empty).unlink(missing_ok=True)
    pysam.tabix_index(str(tmp), preset="vcf", force=True)
    os.replace(f"{tmp}.tbi", f"{out}.tbi.tmp")
    os.replace(tmp, out)
    os.replace(f"{out}.tbi.tmp", f"{out}.tbi")
    return out


def _key(rec: Any) -> tuple[str, int, str, str]:
    return (rec.chrom, rec.pos, rec.ref or "", (rec.alts or ("",))[0])


def _records(src: Any, wanted: Mapping[tuple[str, int, str, str], Any]) -> Iterable[Any]:
    """The records of `src` at the wanted keys, each once (through its index; read through without one)."""
    if not wanted:
        return
    try:
        hits: Iterable[Any] = [rec for chrom, pos, _, _ in sorted(set(wanted)) for rec in src.fetch(chrom, pos - 1, pos)]
    except (ValueError, OSError):  # no index, or a contig the index does not know
        hits = src.fetch()
    seen = set()
    for rec in hits:
        key = _key(rec)
        if key in wanted and key not in seen:
            seen.add(key)
            yield rec


def _minimal(tmp: Path) -> str:
    """A header-only VCF for a case without an extract (it failed before one was written)."""
    path = tmp.with_name(tmp.name + ".empty.vcf")
    path.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
    return str(path)
