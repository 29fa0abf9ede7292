"""Consequences computed by pidtriage when the input has none: bcftools csq (through pysam) with a reference
FASTA and an Ensembl-style GFF3 of the panel's transcripts. bcftools csq is haplotype-aware: two variants in one
codon get their joint consequence (written on one record, `@POS` on the other); phased genotypes are used as
phased, unphased heterozygous ones are read as on one haplotype (`--phase a`), which the report notes.

HGVS: bcftools csq gives the protein change (`2W>2R`) and the genomic change; HGVS c. is derived here from the
transcript model of the same GFF3 (CDS, UTR and intronic offsets, both strands) and p. is written in the
three-letter form. Not done here: 3' shifting of indels in repeats (HGVS's rule), dup/delins naming.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pysam
import pysam.bcftools

from pidtriage.errors import ResourceError
from pidtriage.io.gff3 import read_gff3
from pidtriage.models import VariantKey

__all__ = ["COMPUTED_TAG", "TranscriptModels", "computed_consequences", "hgvs_p_from_bcsq", "run_csq"]

# The INFO key of the consequences pidtriage computes on the MANE transcripts beside the input's own annotation
COMPUTED_TAG = "PIDTRIAGE_BCSQ"

AA3 = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly", "H": "His",
       "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
       "Y": "Tyr", "V": "Val", "*": "Ter", "U": "Sec", "X": "Xaa"}  # fmt: skip
_COMP = str.maketrans("ACGTNacgtn", "TGCANtgcan")


def run_csq(vcf: str, fasta: str, gff3: str, out: str | Path, *, tag: str = "BCSQ") -> str:
    """`bcftools csq` over the (panel-region) VCF, bgzipped and indexed; returns the output path. `tag`: the INFO
    key it writes (another than BCSQ beside an input that carries its own consequences)."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp.vcf.gz")
    try:
        pysam.bcftools.csq("--force", "-p", "a", "-c", tag, "-f", fasta, "-g", gff3, "-Oz", "-o", str(tmp), vcf,
                           catch_stdout=False)
    except pysam.utils.SamtoolsError as exc:
        raise ResourceError(f"bcftools csq on {vcf} failed ({str(exc).strip()[-300:]}); check "
                              "annotation.reference_fasta and annotation.gff3 (an Ensembl-style GFF3 of the same "
                              "build and contig names)") from None
    os.replace(tmp, out)
    pysam.tabix_index(str(out), preset="vcf", force=True, keep_original=True)
    return str(out)


def computed_consequences(vcf: str, tag: str = COMPUTED_TAG) -> dict[VariantKey, str]:
    """The `tag` value (bcftools csq's BCSQ format) of each record of a run_csq output, by (chrom as in the VCF, pos,
    ref, alt) in the panel's contig naming (VariantKey.bare): one bcftools query over the small panel extract."""
    text = str(pysam.bcftools.query("-i", f'INFO/{tag}!="."', "-f", f"%CHROM\t%POS\t%REF\t%ALT\t%INFO/{tag}\n", vcf))
    out = {}
    for line in text.splitlines():
        chrom, pos, ref, alt, value = line.split("\t")
        out[VariantKey(chrom, int(pos), ref, alt).bare] = value
    return out


def _aa3(seq: str) -> str:
    return "".join(AA3.get(a, a) for a in seq)


def hgvs_p_from_bcsq(change: str, terms: tuple[str, ...] = ()) -> str:
    """bcftools csq's amino-acid change (`2W>2R`, `5A`, `20KKS*>20KN*`) as HGVS p. (three-letter)."""
    m = re.match(r"^(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?$", change or "")
    if not m:
        return ""
    pos, ref = int(m.group(1)), m.group(2)
    alt = m.group(4) if m.group(4) is not None else ref
    if ref == alt:
        return f"p.{AA3.get(ref[0], ref[0])}{pos}="
    i = next((k for k in range(min(len(ref), len(alt))) if ref[k] != alt[k]), min(len(ref), len(alt)))
    if "frameshift_variant" in terms:
        if i >= len(ref) or i >= len(alt):
            return f"p.{AA3.get(ref[-1], ref[-1])}{pos + len(ref) - 1}fs"
        ter = alt[i:].find("*")
        tail = f"Ter{ter + 1}" if ter >= 0 else "Ter?"
        return f"p.{_aa3(ref[i])}{pos + i}{_aa3(alt[i])}fs{tail}"
    if len(ref) == len(alt):
        if len(ref) - i == 1 or ref[i + 1:] == alt[i + 1:]:
            return f"p.{AA3.get(ref[i], ref[i])}{pos + i}{AA3.get(alt[i], alt[i])}"
        return f"p.{_aa3(ref[i])}{pos + i}_{_aa3(ref[-1])}{pos + len(ref) - 1}delins{_aa3(alt[i:])}"
    if len(ref) > len(alt) and ref.startswith(alt[:i]) and ref[i + len(ref) - len(alt):] == alt[i:]:
        gone = ref[i:i + len(ref) - len(alt)]
        first = f"{AA3.get(gone[0], gone[0])}{pos + i}"
        last = f"{AA3.get(gone[-1], gone[-1])}{pos + i + len(gone) - 1}"
        return f"p.{first}del" if len(gone) == 1 else f"p.{first}_{last}del"
    if len(alt) > len(ref) and alt[:i] == ref[:i] and alt[i + len(alt) - len(ref):] == ref[i:] and i > 0:
        added = alt[i:i + len(alt) - len(ref)]
        after = _aa3(ref[i]) if i < len(ref) else "Ter"
        return f"p.{_aa3(ref[i - 1])}{pos + i - 1}_{after}{pos + i}ins{_aa3(added)}"
    return f"p.{_aa3(ref)}{pos}delins{_aa3(alt)}" if alt else f"p.{_aa3(ref)}{pos}del"


@dataclass
class _Tx:
    chrom: str
    strand: str
    exons: list[tuple[int, int]] = field(default_factory=list)
    cds: list[tuple[int, int]] = field(default_factory=list)


class TranscriptModels:
    """Transcripts of an Ensembl-style GFF3 (the same file bcftools csq reads), for HGVS c. coordinates."""

    def __init__(self, transcripts: dict[str, _Tx]) -> None:
        self.tx = transcripts

    @classmethod
    def from_gff3(cls, path: str | Path) -> TranscriptModels:
        txs: dict[str, _Tx] = {}
        parts: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
        for f, attrs in read_gff3(path):
            if attrs.get("ID", "").startswith("transcript:"):
                txs[attrs["ID"].removeprefix("transcript:")] = _Tx(f[0], f[6])
            elif f[2] in ("exon", "CDS") and attrs.get("Parent", "").startswith("transcript:"):
                parts[attrs["Parent"].removeprefix("transcript:")].append((f[2], int(f[3]), int(f[4])))
        for tid, items in parts.items():
            if tid in txs:
                txs[tid].exons = sorted((s, e) for k, s, e in items if k == "exon")
                txs[tid].cds = sorted((s, e) for k, s, e in items if k == "CDS")
        return cls(txs)

    def _cdot(self, t: _Tx, pos: int) -> str:
        """c. coordinate of one genomic position (exonic: N, -N, *N; intronic: N+d / N-d)."""
        exonic = [(s, e) for s, e in t.exons]
        if not t.cds:
            return ""
        # transcript order
        order = exonic if t.strand == "+" else [(e, s) for s, e in reversed(exonic)]
        cds_start = min(s for s, _ in t.cds) if t.strand == "+" else max(e for _, e in t.cds)
        cds_end = max(e for _, e in t.cds) if t.strand == "+" else min(s for s, _ in t.cds)

        def tx_index(g: int) -> int | None:
            """Position along the spliced transcript (1-based), or None if intronic."""
            n = 0
            for a, b in order:
                lo, hi = min(a, b), max(a, b)
                if lo <= g <= hi:
                    return n + (g - a + 1 if t.strand == "+" else a - g + 1)
                n += hi - lo + 1
            return None

        start_i, end_i = tx_index(cds_start), tx_index(cds_end)
        if start_i is None or end_i is None:
            return ""

        def label(i: int) -> str:
            if i < start_i:
                return f"-{start_i - i}"
            if i > end_i:
                return f"*{i - end_i}"
            return str(i - start_i + 1)

        i = tx_index(pos)
        if i is not None:
            return label(i)
        # intronic: distance to the nearest exon boundary, in transcript direction
        best: tuple[int, str] | None = None
        for a, b in order:
            lo, hi = min(a, b), max(a, b)
            for edge, side in ((lo, "lo"), (hi, "hi")):
                d = pos - edge
                outside = (side == "hi" and d > 0) or (side == "lo" and d < 0)
                if outside and (best is None or abs(d) < abs(best[0])):
                    best = (d, f"{edge}")
        if best is None:
            return ""
        d, edge = best[0], int(best[1])
        base = label(tx_index(edge))  # type: ignore[arg-type]
        offset = d if t.strand == "+" else -d
        return f"{base}{'+' if offset > 0 else '-'}{abs(offset)}"

    def hgvs_c(self, transcript: str, pos: int, ref: str, alt: str) -> str:
        t = self.tx.get(transcript) or self.tx.get(transcript.split(".")[0])
        if t is None:
            return ""
        minus = t.strand == "-"

        def strand_seq(s: str) -> str:
            return s.translate(_COMP)[::-1] if minus else s

        if len(ref) == len(alt) == 1:
            c = self._cdot(t, pos)
            return f"c.{c}{strand_seq(ref)}>{strand_seq(alt)}" if c else ""
        if len(ref) > 1 and len(alt) == 1 and ref[0] == alt[0]:  # deletion after the padding base
            first, last = pos + 1, pos + len(ref) - 1
            a, b = (self._cdot(t, first), self._cdot(t, last))
            if minus:
                a, b = b, a
            return f"c.{a}del" if first == last else f"c.{a}_{b}del"
        if len(alt) > 1 and len(ref) == 1 and ref[0] == alt[0]:  # insertion after pos
            a, b = self._cdot(t, pos), self._cdot(t, pos + 1)
            if minus:
                a, b = b, a
            return f"c.{a}_{b}ins{strand_seq(alt[1:])}"
        first, last = pos, pos + len(ref) - 1
        a, b = self._cdot(t, first), self._cdot(t, last)
        if minus:
            a, b = b, a
        return f"c.{a}_{b}delins{strand_seq(alt)}"
