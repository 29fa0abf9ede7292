"""SV/CNV calls of a VCF, in the forms the common callers write, read through pysam (htslib).

A record is an SV when its ALT is symbolic (`<DEL>`, `<DUP>`, `<DUP:TANDEM>`, `<CNV>`, `<CN0>`, `<INV>`,
`<INS:ME:ALU>` ...), when INFO has SVTYPE, or when REF and ALT differ in length by at least 50 bases
(sequence-resolved calls of pbsv or Sniffles2). Its span is POS+1..END for symbolic and sequence-resolved
deletions (POS is the padding base), with END from INFO/END (or SVLEN); CIPOS/CIEND give the breakpoint
uncertainty. Breakends (BND) are read but not scored. Per sample: the genotype's alternate-allele count
(GT), the copy number (FORMAT CN: GATK gCNV declares GT as an integer, which htslib garbles, so CN decides
there), GQ, and the reads supporting the call (Manta PR+SR, DELLY DV+RV, Sniffles2 DV, pbsv AD).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pysam

from pidtriage.errors import InputError

__all__ = ["SvCall", "SvGenotype", "read_sv_calls"]

MIN_SEQUENCE_SV = 50


@dataclass(frozen=True, slots=True)
class SvGenotype:
    sample: str
    gt: str  # "0/1", "1/1", "./." or "" (not genotyped)
    alt_count: int | None  # None: unknown (not genotyped, or a garbled GT without CN)
    cn: int | None = None
    gq: int | None = None
    support: int | None = None  # reads supporting the alternate allele


@dataclass(frozen=True, slots=True)
class SvCall:
    chrom: str  # as in the VCF
    pos: int  # VCF POS
    start: int  # first affected base (1-based)
    end: int  # last affected base
    svtype: str  # DEL DUP INV INS CNV BND
    ref: str
    alt: str
    filters: tuple[str, ...]
    cipos: tuple[int, int] = (0, 0)
    ciend: tuple[int, int] = (0, 0)
    genotypes: tuple[SvGenotype, ...] = ()
    caller: str = ""
    vid: str = ""

    @property
    def size(self) -> int:
        return self.end - self.start + 1

    @property
    def passed(self) -> bool:
        return not self.filters or self.filters == ("PASS",)

    def genotype_of(self, sample: str) -> SvGenotype | None:
        return next((g for g in self.genotypes if g.sample == sample), None)


def _svtype(rec: pysam.VariantRecord) -> str:
    info = rec.info
    ref = rec.ref or ""
    svtype = str(info["SVTYPE"]) if "SVTYPE" in info else ""
    alt = rec.alts[0] if rec.alts else ""
    if not svtype and alt.startswith("<"):
        svtype = alt[1:-1].split(":")[0]
        if len(rec.alts or ()) > 1 and {a[1:-1].split(":")[0] for a in rec.alts or ()} <= {"DEL", "DUP"}:
            svtype = "CNV"  # GATK gCNV: <DEL>,<DUP> in one record, the copy number decides per sample
    if svtype.startswith("CN") and svtype != "CNV":  # 1000 Genomes <CN0>, <CN2> ...
        svtype = "DEL" if svtype == "CN0" else "CNV"
    if svtype.startswith("DEL_") or svtype in ("ALU", "LINE1", "SVA", "MEI"):  # 1000 Genomes DEL_ALU, ALU ...
        svtype = "DEL" if svtype.startswith("DEL") else "INS"
    if not svtype and alt and not alt.startswith("<") and "[" not in alt and "]" not in alt:
        diff = len(ref) - len(alt)
        svtype = "DEL" if diff >= MIN_SEQUENCE_SV else "INS" if -diff >= MIN_SEQUENCE_SV else ""
    if "[" in alt or "]" in alt:
        svtype = "BND"
    return svtype.upper()


def _pair(info: pysam.VariantRecordInfo, key: str) -> tuple[int, int]:
    if key not in info:
        return (0, 0)
    value = info[key]
    try:
        return int(value[0]), int(value[1])
    except (TypeError, IndexError, ValueError):
        return (0, 0)


def _end(rec: pysam.VariantRecord, svtype: str) -> int:
    """The last affected base: INFO/END (pysam reads it into `stop`), else SVLEN, else the REF length."""
    info = rec.info
    ref = rec.ref or ""
    if svtype == "INS":
        return rec.pos
    if rec.stop > rec.pos + len(ref) - 1 or (rec.alts and rec.alts[0].startswith("<") and rec.stop > rec.pos):
        return int(rec.stop)
    if "SVLEN" in info and svtype in ("DEL", "DUP", "CNV", "INV"):
        svlen = info["SVLEN"]
        length = abs(int(svlen[0] if isinstance(svlen, tuple) else svlen))
        return rec.pos + length
    if svtype == "DEL" and rec.alts and not rec.alts[0].startswith("<"):
        return rec.pos + len(ref) - 1
    return rec.pos + max(len(ref) - 1, 1) if svtype == "DEL" else rec.pos


def _sum_alt(value: object) -> int | None:
    if isinstance(value, tuple) and len(value) >= 2 and value[1] is not None:
        return int(value[1])
    return None


def _genotype(rec: pysam.VariantRecord, sample: str, svtype: str) -> SvGenotype:
    s = rec.samples[sample]
    fmt = rec.format
    cn = s["CN"] if "CN" in fmt and s["CN"] is not None else None
    gq = s["GQ"] if "GQ" in fmt and s["GQ"] is not None else None
    gt_alleles = s["GT"] if "GT" in fmt else None
    gt_text = "" if gt_alleles is None else ("|" if s.phased else "/").join("." if a is None else str(a) for a in gt_alleles)
    alt_count: int | None = None
    if gt_alleles is not None and any(a is not None for a in gt_alleles):
        alt_count = sum(1 for a in gt_alleles if a is not None and a > 0)
    if cn is not None and svtype == "CNV":
        alt_count = 0 if cn == 2 else (2 if cn == 0 else 1)  # gCNV and CNV calls: the copy number decides
    support = None
    for key in ("PR", "SR"):  # Manta: (ref, alt) read pairs and split reads
        if key in fmt:
            alt = _sum_alt(s[key])
            support = (support or 0) + alt if alt is not None else support
    if support is None and "DV" in fmt and s["DV"] is not None:  # DELLY (DV + RV), Sniffles2 (DV)
        support = int(s["DV"]) + (int(s["RV"]) if "RV" in fmt and s["RV"] is not None else 0)
    if support is None and "AD" in fmt:  # pbsv
        support = _sum_alt(s["AD"])
    return SvGenotype(sample, gt_text, alt_count, int(cn) if cn is not None else None,
                      int(gq) if gq is not None else None, support)


def _caller(header: pysam.VariantHeader, path: Path) -> str:
    for rec in header.records:
        if rec.key == "source" and rec.value:
            return str(rec.value)
    text = str(header)
    for name in ("Manta", "DELLY", "WHAM", "MELT", "gCNV", "pbsv", "Sniffles", "GATK-SV", "CNVkit", "ExomeDepth"):
        if re.search(name, text, re.I):
            return name
    return path.name


def read_sv_calls(path: str | Path, samples: Sequence[str], regions: Iterable[tuple[str, int, int]]) -> list[SvCall]:
    """The SV calls of `samples` that overlap `regions` (chrom as in the file, 1-based inclusive spans); each
    record once. Raises InputError naming the file for what htslib cannot read."""
    p = Path(path)
    try:
        vf = pysam.VariantFile(str(p))
    except (OSError, ValueError) as exc:
        raise InputError(f"{p}: cannot read the SV VCF ({exc}); check the sv_vcf column (VCF or VCF.gz)") from None
    with vf:
        missing = [s for s in samples if s not in vf.header.samples]
        if missing:
            raise InputError(f"{p}: sample(s) {', '.join(missing)} not in the SV VCF (it has "
                             f"{', '.join(list(vf.header.samples)[:5]) or 'none'}); fix vcf_sample or the sv_vcf column")
        caller = _caller(vf.header, p)
        contigs = set(vf.header.contigs)
        indexed = vf.index is not None if hasattr(vf, "index") else False
        seen: set[tuple[str, int, str, str]] = set()
        out: list[SvCall] = []
        wanted = list(regions)
        try:
            records: Iterable[pysam.VariantRecord]
            if indexed:
                records = (rec for chrom, start, end in wanted if chrom in contigs or not contigs
                           for rec in vf.fetch(chrom, max(0, start - 1), end))
            else:  # an unindexed SV VCF is small: one pass, kept when it overlaps a region
                records = (rec for rec in vf if any(rec.chrom == c and rec.pos <= e for c, s, e in wanted))
            for rec in records:
                ref = rec.ref or "N"
                key = (rec.chrom, rec.pos, ref, ",".join(rec.alts or ()))
                if key in seen:
                    continue
                seen.add(key)
                svtype = _svtype(rec)
                if not svtype:
                    continue
                end = _end(rec, svtype)
                start = rec.pos + 1 if svtype in ("DEL", "DUP", "CNV", "INV") and rec.alts and (
                    rec.alts[0].startswith("<") or len(ref) > 1) else rec.pos
                if not any(rec.chrom == c and start <= e and end >= s for c, s, e in wanted):
                    continue
                out.append(SvCall(rec.chrom, rec.pos, start, max(end, start), svtype, ref,
                                  ",".join(rec.alts or ()), tuple(str(k) for k in rec.filter), _pair(rec.info, "CIPOS"),
                                  _pair(rec.info, "CIEND"), tuple(_genotype(rec, s, svtype) for s in samples), caller,
                                  rec.id or ""))
        except (OSError, ValueError) as exc:
            raise InputError(f"{p}: the SV VCF cannot be read past a record ({exc}); check the file") from None
    return out
