"""VEP-style consequence annotation for the real-referral validation (tests/benchmarks/real_referrals.py), derived
from the HGVS a publication or ClinVar gives, since no reference FASTA or VEP cache is available here.

`derive` turns hgvs.c (on the gene's MANE transcript) and hgvs.p, with the VCF alleles, into SO terms the way VEP
(release <= 104 terms) names them, and the class the validation's tables use:

  p. frameshift (fs)                    frameshift_variant       HIGH      frameshift
  p. Xxx123Ter / *                      stop_gained              HIGH      nonsense
  p. Met1...                            start_lost               HIGH      start lost
  p. Ter123...ext                       stop_lost                HIGH      stop lost
  p. del / ins / dup / delins           inframe_deletion|insertion MODERATE in-frame
  p. Xxx123Yyy                          missense_variant         MODERATE  missense
  p. Xxx123= (or the same residue)      synonymous_variant       LOW       synonymous
  c.N+1/+2, c.N-1/-2 (any end of a range) splice_donor|acceptor_variant HIGH splice +/-1/2
  c.N+3..+8, c.N-3..-8                  splice_region_variant&intron_variant LOW splice region
  c.N+9.., c.N-9..                      intron_variant           MODIFIER  intronic
  c.-N / c.*N                           5_prime_UTR_variant / 3_prime_UTR_variant MODIFIER 5'/3' UTR
  no p. given: c.1..3 substitution      start_lost; an indel's length decides frameshift or in-frame

An exonic variant within 3 bases of an internal exon boundary also gets splice_region_variant (VEP's exonic splice
region) when the gene's exons are known (`ExonBoundaries`); its class stays that of its most severe term. A coding
substitution without hgvs.p has no derivable consequence here (None). No SpliceAI or REVEL score is written.
"""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CSQ_FIELDS", "CSQ_HEADER", "Derived", "ExonBoundaries", "csq_value", "derive"]

CSQ_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature", "BIOTYPE", "EXON",
              "INTRON", "HGVSc", "HGVSp", "Protein_position", "STRAND", "SYMBOL_SOURCE", "HGNC_ID", "CANONICAL",
              "MANE_SELECT")  # fmt: skip
CSQ_HEADER = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
              f'Format: {"|".join(CSQ_FIELDS)}">')  # fmt: skip

IMPACT = {"frameshift_variant": "HIGH", "stop_gained": "HIGH", "start_lost": "HIGH", "stop_lost": "HIGH",
          "splice_donor_variant": "HIGH", "splice_acceptor_variant": "HIGH", "inframe_deletion": "MODERATE",
          "inframe_insertion": "MODERATE", "missense_variant": "MODERATE", "protein_altering_variant": "MODERATE",
          "splice_region_variant": "LOW", "stop_retained_variant": "LOW", "synonymous_variant": "LOW",
          "intron_variant": "MODIFIER", "5_prime_UTR_variant": "MODIFIER", "3_prime_UTR_variant": "MODIFIER"}  # fmt: skip
CLASS = {"frameshift_variant": "frameshift", "stop_gained": "nonsense", "start_lost": "start lost",
         "stop_lost": "stop lost", "splice_donor_variant": "splice +/-1/2", "splice_acceptor_variant": "splice +/-1/2",
         "inframe_deletion": "in-frame", "inframe_insertion": "in-frame", "protein_altering_variant": "in-frame",
         "missense_variant": "missense", "synonymous_variant": "synonymous", "stop_retained_variant": "synonymous",
         "splice_region_variant": "splice region", "intron_variant": "intronic", "5_prime_UTR_variant": "5' UTR",
         "3_prime_UTR_variant": "3' UTR"}  # fmt: skip
_ORDER = tuple(IMPACT)  # most severe first within each impact, as VEP orders them
_AA = r"(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Ter|\*)"
_POS = re.compile(r"([-*]?)(\d+)(?:([+-])(\d+))?")


@dataclass(frozen=True)
class Derived:
    terms: tuple[str, ...]  # most severe first
    impact: str
    klass: str
    hgvs_c: str
    hgvs_p: str  # VEP style: no parentheses, '=' as %3D
    protein_position: str


def _strip(hgvs: str) -> str:
    return hgvs.split(":", 1)[1] if ":" in hgvs else hgvs


def _term_from_p(p: str) -> str:
    if not p or p in ("p.?", "p.0", "p.="):
        return ""
    if "fs" in p:
        return "frameshift_variant"
    if re.fullmatch(rf"p\.{_AA}\d+(?:Ter|\*)", p):
        return "stop_gained"
    if p.startswith("p.Met1") and not re.fullmatch(r"p\.Met1(=|Met)", p):
        return "start_lost"
    stop = re.fullmatch(r"p\.(?:Ter|\*)\d+(.*)", p)
    if stop:
        return "stop_retained_variant" if stop.group(1) in ("=", "Ter", "*") else "stop_lost"
    if p.endswith("=") or re.fullmatch(rf"p\.({_AA})\d+\1", p):
        return "synonymous_variant"
    if "delins" in p:
        return _delins(p)
    if "del" in p:
        return "inframe_deletion"
    if "dup" in p or "ins" in p:
        return "inframe_insertion"
    if re.fullmatch(rf"p\.{_AA}\d+{_AA}", p):
        return "missense_variant"
    return ""


def _delins(p: str) -> str:
    """An in-frame delins: a deletion, an insertion or (same length) a protein-altering change; Ter inserted: nonsense."""
    m = re.fullmatch(rf"p\.({_AA})(\d+)(?:_({_AA})(\d+))?delins((?:{_AA})+)", p)
    if not m:
        return "protein_altering_variant"
    inserted = re.findall(_AA, m.group(5))
    if inserted and inserted[-1] in ("Ter", "*"):
        return "stop_gained"
    deleted = int(m.group(4) or m.group(2)) - int(m.group(2)) + 1
    if len(inserted) < deleted:
        return "inframe_deletion"
    return "inframe_insertion" if len(inserted) > deleted else "protein_altering_variant"


def _positions(c: str) -> list[tuple[str, int, str, int]]:
    """(prefix '-'/'*'/'', base, offset sign, offset) of each end of a c. position or range."""
    m = re.match(r"c\.([-*]?\d+(?:[+-]\d+)?)(?:_([-*]?\d+(?:[+-]\d+)?))?", c)
    out = []
    for end in m.groups() if m else ():
        e = _POS.fullmatch(end or "")
        if e:
            out.append((e.group(1), int(e.group(2)), e.group(3) or "", int(e.group(4) or 0)))
    return out


def _term_from_c(c: str, ref: str, alt: str) -> str:
    ends = _positions(c)
    if not ends:
        return ""
    intronic = [e for e in ends if e[3]]
    if intronic:
        near = min(intronic, key=lambda e: e[3])
        if near[3] <= 2:
            return "splice_donor_variant" if near[2] == "+" else "splice_acceptor_variant"
        if len(intronic) < len(ends):
            return "splice_region_variant"  # a range from an exon into the intron beyond +/-2
        return "splice_region_variant" if near[3] <= 8 else "intron_variant"
    if all(e[0] == "-" for e in ends):
        return "5_prime_UTR_variant"
    if all(e[0] == "*" for e in ends):
        return "3_prime_UTR_variant"
    coding = [e for e in ends if not e[0]]
    if len(ref) == len(alt) == 1:
        return "start_lost" if coding and coding[0][1] <= 3 else ""
    change = len(alt) - len(ref)
    if change % 3:
        return "frameshift_variant"
    return "inframe_deletion" if change < 0 else "inframe_insertion" if change > 0 else "protein_altering_variant"


def derive(hgvs_c: str, hgvs_p: str, ref: str, alt: str, *, exonic_splice_region: bool = False) -> Derived | None:
    """The consequence of a variant from its HGVS (the transcript prefix, if any, is dropped) and VCF alleles;
    None when it cannot be told (a coding substitution without hgvs.p)."""
    c = _strip(hgvs_c.strip())
    p = _strip(hgvs_p.strip()).replace("(", "").replace(")", "")
    intronic = any(e[3] for e in _positions(c))
    term = "" if intronic and p in ("", "p.?") else _term_from_p(p)
    term = term or _term_from_c(c, ref, alt)
    if not term:
        return None
    terms = [term]
    if term == "splice_region_variant" and intronic:
        terms.append("intron_variant")
    elif exonic_splice_region and not intronic and term not in ("splice_donor_variant", "splice_acceptor_variant"):
        terms.append("splice_region_variant")
    terms.sort(key=_ORDER.index)
    position = re.match(rf"p\.{_AA}(\d+)", p)
    return Derived(tuple(terms), IMPACT[terms[0]], CLASS[term], c,
                   p.replace("=", "%3D") if p not in ("p.?",) else p, position.group(1) if position else "")


def vep_allele(ref: str, alt: str) -> str:
    """VEP's Allele for a VCF ALT: the shared first base dropped from indels, '-' for a deletion."""
    if len(ref) != len(alt) and ref[:1] == alt[:1]:
        return alt[1:] or "-"
    return alt


@dataclass(frozen=True)
class Transcript:
    symbol: str
    hgnc_id: str
    ensembl_gene: str
    ensembl_tx: str  # MANE Select, versioned
    ensembl_protein: str
    refseq_tx: str
    strand: int  # 1 or -1


def csq_value(d: Derived, tx: Transcript, ref: str, alt: str) -> str:
    values = {"Allele": vep_allele(ref, alt), "Consequence": "&".join(d.terms), "IMPACT": d.impact,
              "SYMBOL": tx.symbol, "Gene": tx.ensembl_gene, "Feature_type": "Transcript", "Feature": tx.ensembl_tx,
              "BIOTYPE": "protein_coding", "HGVSc": f"{tx.ensembl_tx}:{d.hgvs_c}",
              "HGVSp": f"{tx.ensembl_protein}:{d.hgvs_p}" if d.hgvs_p not in ("", "p.?") else "",
              "Protein_position": d.protein_position, "STRAND": str(tx.strand), "SYMBOL_SOURCE": "HGNC",
              "HGNC_ID": tx.hgnc_id, "CANONICAL": "YES", "MANE_SELECT": tx.refseq_tx}  # fmt: skip
    return "|".join(values.get(f, "") for f in CSQ_FIELDS)


class ExonBoundaries:
    """Internal exon boundaries per gene from the SpliceAI GENCODE v24 canonical table (../shared/data/genes), used
    only for a gene whose table transcript agrees with the intronic HGVS (MANE numbering) of known variants:
    `check` each intronic SNV, then `usable` says whether the gene's boundaries may mark exonic splice regions."""

    def __init__(self, table: Path) -> None:
        self.starts: dict[str, set[int]] = {}  # 1-based first base of each exon but the transcript's first
        self.ends: dict[str, set[int]] = {}  # 1-based last base of each exon but the last
        self.agree: dict[str, list[bool]] = defaultdict(list)
        with gzip.open(table, "rt") as fh:
            for line in fh:
                if line.startswith("#"):
                    continue
                name, _chrom, _strand, _s, _e, starts, ends = line.rstrip("\n").split("\t")
                s = sorted(int(x) + 1 for x in starts.rstrip(",").split(","))
                e = sorted(int(x) for x in ends.rstrip(",").split(","))
                self.starts[name], self.ends[name] = set(s[1:]), set(e[:-1])

    def check(self, symbol: str, strand: int, pos: int, hgvs_c: str) -> None:
        """Record whether an intronic SNV's offset (c.N+k / c.N-k at `pos`) lands on a boundary of the table."""
        ends = _positions(_strip(hgvs_c))
        if symbol not in self.starts or len(ends) != 1 or not ends[0][3] or ends[0][3] > 20:
            return
        _, _, sign, k = ends[0]
        donor = sign == "+"
        if strand == 1:
            ok = (pos - k in self.ends[symbol]) if donor else (pos + k in self.starts[symbol])
        else:
            ok = (pos + k in self.starts[symbol]) if donor else (pos - k in self.ends[symbol])
        self.agree[symbol].append(ok)

    def usable(self, symbol: str, *, min_checks: int = 2, min_agreement: float = 0.9) -> bool:
        seen = self.agree.get(symbol, [])
        return len(seen) >= min_checks and sum(seen) >= min_agreement * len(seen)

    def near_boundary(self, symbol: str, pos: int, ref: str) -> bool:
        """Whether an exonic variant at `pos` (its REF span) touches the 3 exonic bases next to an internal boundary."""
        span = range(pos, pos + max(len(ref), 1))
        starts, ends = self.starts.get(symbol, set()), self.ends.get(symbol, set())
        return any(b <= x <= b + 2 for b in starts for x in span) or any(b - 2 <= x <= b for b in ends for x in span)


def transcripts(panel_rows: Iterable[dict[str, str]], mane_summary: Path) -> dict[str, Transcript]:
    """Per panel symbol: its MANE Select transcript (panel TSV) with the Ensembl gene ID from the MANE summary."""
    genes: dict[str, tuple[str, str]] = {}
    with gzip.open(mane_summary, "rt") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if not line.startswith("#") and f[9] == "MANE Select":
                genes[f[7].split(".")[0]] = (f[1], f[8])
    out = {}
    for r in panel_rows:
        tx = r["mane_select_ensembl"]
        if tx and r["mane_select_refseq"]:
            gene, protein = genes.get(tx.split(".")[0], ("", ""))
            out[r["symbol"]] = Transcript(r["symbol"], r["hgnc_id"], gene, tx, protein, r["mane_select_refseq"],
                                          -1 if r["grch38_strand"] == "-" else 1)
    return out
