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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pidtriage.models import VariantKey
from pidtriage.result.case_result import CandidateResult, CaseResult

__all__ = ["INFO_FIELDS", "Entry", "candidate_entries", "info_value", "write_candidates_vcf"]

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
     "immunophenotype, suspected IUIS category; pidtriage.triage.ranking)"),
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


@dataclass(frozen=True, slots=True)
class Entry:
    """A candidate (or a low-quality call, `low`) to write into its variant's record."""

    c: CandidateResult
    low: bool


def candidate_entries(result: CaseResult) -> dict[VariantKey, list[Entry]]:
    """The entries of the result to write, by key as in the input: every small-variant candidate (rank order),
    then every low-quality call."""
    out: dict[VariantKey, list[Entry]] = {}
    rows = [Entry(c, False) for c in result.candidates] + [Entry(c, True) for c in result.low_quality_calls]
    for e in rows:
        if e.c.structural is None:
            out.setdefault(e.c.key, []).append(e)
    return out


def _info(entries: Sequence[Entry]) -> dict[str, Any]:
    def each(value: Callable[[CandidateResult], Any], fn: Callable[[Any], Any] = info_value) -> tuple[Any, ...] | None:
        values = tuple(fn(value(e.c)) for e in entries)
        return values if any(v is not None for v in values) else None

    low = entries[0].low
    return {
        "PIDTRIAGE_RANK": tuple(None if e.low else e.c.rank for e in entries),
        "PIDTRIAGE_GENE": each(lambda c: c.gene), "PIDTRIAGE_HGNC_ID": each(lambda c: c.hgnc_id),
        "PIDTRIAGE_MOI": each(lambda c: c.moi), "PIDTRIAGE_FINDING": each(lambda c: c.finding),
        "PIDTRIAGE_ACMG_CLASS": each(lambda c: c.acmg_class), "PIDTRIAGE_ACMG_POINTS": each(lambda c: c.acmg_points),
        "PIDTRIAGE_ACMG_CRITERIA": each(lambda c: c.acmg_criteria,
                                        lambda v: info_value(str(v or "").split(",") if v else None)),
        "PIDTRIAGE_REPORTABLE": each(lambda c: c.reportable_basis),
        "PIDTRIAGE_CLINVAR": each(lambda c: c.clinvar_significance),
        "PIDTRIAGE_CLINVAR_STARS": each(lambda c: c.clinvar_stars),
        "PIDTRIAGE_PHENOTYPE_SCORE": tuple(round(float(e.c.phenotype_match.score), 4) for e in entries),
        "PIDTRIAGE_CONSEQUENCE": each(lambda c: c.consequence), "PIDTRIAGE_HGVS_C": each(lambda c: c.hgvs_c),
        "PIDTRIAGE_HGVS_P": each(lambda c: c.hgvs_p),
        "PIDTRIAGE_QC_FLAGS": each(lambda c: list(c.qc_hard_flags if low else c.qc_flags)),
        "PIDTRIAGE_LOW_QUALITY": any(e.low for e in entries),
    }  # fmt: skip


def _header_lines(result: CaseResult) -> list[str]:
    """The case's result in the header: who, what status, from which pidtriage, panel and build."""
    prov = result.provenance
    text = {
        "pidtriage_version": prov.pidtriage_version,
        "pidtriage_case": result.sample_id,
        "pidtriage_status": result.status,
        "pidtriage_reason": result.reason,
        "pidtriage_genome_build": prov.genome_build,
        "pidtriage_panel": f"{prov.panel_name} {prov.panel_version}".strip(),
        "pidtriage_clinvar": prov.clinvar_date or "",
    }
    # one line each, and never read as a structured line (htslib parses a value starting with "<" as one)
    return [f"##{k}=" + " ".join(str(v).split()).replace("<", "%3C").replace(">", "%3E") for k, v in text.items() if v]


def write_candidates_vcf(result: CaseResult, source_vcf: str | Path, out: str | Path) -> Path:
    """Write `out` (bgzipped, with its .tbi) from the records of `source_vcf` (the case's panel extract) that
    triage.json lists as candidates or low-quality calls. A failed case (or an extract without them) gives a
    header-only file: the file exists for every case. Written to temporary names, then renamed."""
    import pysam

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    wanted = candidate_entries(result)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.tmp.vcf.gz")
    source = Path(source_vcf)
    empty = None if source.exists() and source.stat().st_size else _minimal(tmp)
    try:
        with pysam.VariantFile(str(empty or source)) as src:
            records = list(_records(src, wanted))
            header = src.header.copy()  # after reading: contigs htslib added for records without ##contig are in it
            for line in _header_lines(result):
                header.add_line(line)
            for key, number, kind, text in INFO_FIELDS:
                if key not in header.info:
                    header.info.add(key, number, kind, text)
            if not list(header.samples):  # a failed case's empty extract: the case's individuals still named
                for name in result.qc.samples_used or [result.case.vcf_sample or result.sample_id]:
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


def _key(rec: Any) -> VariantKey:
    return VariantKey(rec.chrom, rec.pos, rec.ref or "", (rec.alts or ("",))[0])


def _records(src: Any, wanted: Mapping[VariantKey, Any]) -> Iterable[Any]:
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
