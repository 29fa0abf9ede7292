"""Cases of the real-referral validation (real_referrals.py): each patient's causal alleles with VEP-style CSQ,
three rare ClinVar VUS/likely-benign decoys in other panel genes, on the real Pfeiffer exome lifted to GRCh38.

A patient's alleles are checked before they are spiked: the HGVS must be on the gene's MANE transcript, REF must
agree with every source that knows the site (the derived ClinVar set, the background's own record there, the
hgvs.c base on the gene's strand), and the consequence must be derivable (referral_csq.derive; a coding
substitution without hgvs.p takes the p. of the ClinVar record at the same allele, when there is one).

Sex: validation.py takes the Pfeiffer sample ("manuel") for a male, but its chrX says otherwise: 31 of the 53
non-PAR chrX SNV calls are heterozygous, and pidtriage infers female from the restricted background; its 43 chrY
calls (left out by the panel regions) are all heterozygous, in the X-transposed, PAR2 and heterochromatic parts
of chrY, which is what reads of X mapped to Y give. So a female case keeps the background's chrX, and a male or
unknown-sex case gets the background without its chrX/chrY records (sex QC then has no chrX evidence and infers
nothing, instead of a female X under a male's name), plus the case's spiked alleles.
"""

from __future__ import annotations

import collections
import gzip
import json
import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from referral_csq import CSQ_HEADER, Derived, ExonBoundaries, Transcript, csq_value, derive
from referral_store import Allele, Patient
from validation import CALL, EXTRA_HEADER, Background

__all__ = ["Case", "ClinVarSite", "Context", "Spike", "causal_spikes", "check_exons", "decoy_pool", "pick_decoys",
           "read_clinvar", "write_packet", "write_vcf"]

DECOY_SIGNIFICANCE = ("Uncertain_significance", "Likely_benign")
DECOY_MAX_AF = 1e-4
_COMPLEMENT = str.maketrans("ACGT", "TGCA")


@dataclass(frozen=True)
class Spike:
    chrom: str
    pos: int
    ref: str
    alt: str
    genotype: str  # het / hom / hemi
    gene: str
    derived: Derived
    csq: str
    role: str  # cause / decoy
    clnsig: str = ""  # the derived ClinVar set's significance of this allele ("" when absent)
    af: float | None = None  # its gnomAD genome AF there

    @property
    def key(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"


@dataclass
class Case:
    case_id: str
    kind: str  # cause / decoy_only
    patient: Patient
    spikes: list[Spike] = field(default_factory=list)

    @property
    def causes(self) -> list[Spike]:
        return [s for s in self.spikes if s.role == "cause"]


@dataclass(frozen=True)
class ClinVarSite:
    ref: str
    alt: str
    gene: str
    clnsig: str
    hgvs_c: str
    hgvs_p: str
    af: float | None


@dataclass
class Context:
    transcripts: dict[str, Transcript]
    clinvar: dict[tuple[str, int], list[ClinVarSite]]
    background: Background
    exons: ExonBoundaries
    ref_checks: collections.Counter[str] = field(default_factory=collections.Counter)

    def background_ref(self) -> dict[tuple[str, int], str]:
        return {(r[0].removeprefix("chr"), int(r[1])): r[3] for r in self.background.records}


def read_clinvar(path: Path) -> dict[tuple[str, int], list[ClinVarSite]]:
    sites: dict[tuple[str, int], list[ClinVarSite]] = collections.defaultdict(list)
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.rstrip("\n").split("\t")
            info = dict(kv.split("=", 1) for kv in f[7].split(";") if "=" in kv)
            af, hgvs_p = info.get("gnomADg_AF"), info.get("HGVSp", "")
            sites[(f[0], int(f[1]))].append(ClinVarSite(f[3], f[4], info.get("GENE", ""), info.get("CLNSIG", ""),
                                                        info.get("HGVSc", ""), "" if hgvs_p == "." else hgvs_p,
                                                        float(af) if af else None))
    return sites


def check_exons(ctx: Context, patients: Iterable[Patient]) -> None:
    """Hold the SpliceAI-table exons of each gene against the intronic SNVs of ClinVar and of the patients."""
    for (_, pos), sites in ctx.clinvar.items():
        for s in sites:
            tx = ctx.transcripts.get(s.gene)
            if tx and ("+" in s.hgvs_c or re.search(r"\d-\d", s.hgvs_c)):
                ctx.exons.check(s.gene, tx.strand, pos, s.hgvs_c)
    for p in patients:
        for a in p.alleles:
            tx = ctx.transcripts.get(a.symbol)
            if tx and len(a.ref) == len(a.alt) == 1:
                ctx.exons.check(a.symbol, tx.strand, a.pos, a.hgvs_c)


def _ref_problem(ctx: Context, a: Allele, strand: int, background_ref: dict[tuple[str, int], str]) -> str:
    """The source REF disagrees with, or ''; every comparison is counted in ctx.ref_checks."""
    known = {"derived ClinVar set": [s.ref for s in ctx.clinvar.get((a.chrom, a.pos), [])],
             "background record": [background_ref[(a.chrom, a.pos)]] if (a.chrom, a.pos) in background_ref else []}
    base = re.search(r"\d([ACGT])>[ACGT]$", a.hgvs_c)
    if base and len(a.ref) == 1:
        known["hgvs.c base"] = [base.group(1) if strand == 1 else base.group(1).translate(_COMPLEMENT)]
    problem = ""
    for source, refs in known.items():
        for ref in refs:
            agrees = ref[:1] == a.ref[:1] and (len(ref) != len(a.ref) or ref == a.ref)
            ctx.ref_checks[f"{source}: {'agrees' if agrees else 'MISMATCH'}"] += 1
            problem = problem or ("" if agrees else f"REF disagrees with the {source}")
    return problem


def _consequence(ctx: Context, a: Allele, tx: Transcript) -> Derived | None:
    c, p = a.hgvs_c, a.hgvs_p
    exonic = not re.search(r"c\.[-*]?\d+[+-]\d", c)
    splice = exonic and ctx.exons.usable(a.symbol) and ctx.exons.near_boundary(a.symbol, a.pos, a.ref)
    d = derive(c, p, a.ref, a.alt, exonic_splice_region=splice)
    if d is None and len(a.ref) == len(a.alt) == 1:
        known = [s for s in ctx.clinvar.get((a.chrom, a.pos), []) if (s.ref, s.alt) == (a.ref, a.alt) and s.hgvs_p]
        if known:
            d = derive(c, known[0].hgvs_p, a.ref, a.alt, exonic_splice_region=splice)
    return d


def causal_spikes(ctx: Context, patient: Patient, background_ref: dict[tuple[str, int], str]) -> tuple[list[Spike], str]:
    """The patient's alleles as spikes, or [] and the reason they cannot be used."""
    tx = ctx.transcripts.get(patient.gene)
    if tx is None:
        return [], "gene without a MANE transcript in the panel"
    spikes = []
    for a in patient.alleles:
        if a.hgvs_c.split(":")[0].split(".")[0] != tx.refseq_tx.split(".")[0]:
            return [], "HGVS not on the MANE transcript"
        problem = _ref_problem(ctx, a, tx.strand, background_ref)
        if problem:
            return [], problem
        d = _consequence(ctx, a, tx)
        if d is None:
            return [], "consequence not derivable (coding substitution without hgvs.p)"
        known = [s for s in ctx.clinvar.get((a.chrom, a.pos), []) if (s.ref, s.alt) == (a.ref, a.alt)]
        spikes.append(Spike(a.chrom, a.pos, a.ref, a.alt, a.genotype, a.symbol, d, csq_value(d, tx, a.ref, a.alt),
                            "cause", known[0].clnsig if known else "", known[0].af if known else None))
    return spikes, ""


def decoy_pool(ctx: Context) -> dict[str, list[Spike]]:
    """Per panel gene: its rare (gnomAD AF < 1e-4 or absent) ClinVar VUS / likely-benign autosomal SNVs with a
    consequence derivable from their HGVS, as heterozygous spikes."""
    pool: dict[str, list[Spike]] = collections.defaultdict(list)
    taken = ctx.background_ref()
    for (chrom, pos), sites in ctx.clinvar.items():
        if chrom in ("X", "Y") or (chrom, pos) in taken:
            continue
        for s in sites:
            tx = ctx.transcripts.get(s.gene)
            if tx is None or s.clnsig not in DECOY_SIGNIFICANCE or (s.af is not None and s.af >= DECOY_MAX_AF):
                continue
            d = derive(s.hgvs_c, s.hgvs_p, s.ref, s.alt)
            if d is not None:
                pool[s.gene].append(Spike(chrom, pos, s.ref, s.alt, "het", s.gene, d, csq_value(d, tx, s.ref, s.alt),
                                          "decoy", s.clnsig, s.af))
    return pool


def pick_decoys(pool: dict[str, list[Spike]], case_id: str, avoid_gene: str, *, seed: int, n: int = 3) -> list[Spike]:
    """n decoys in n different genes other than `avoid_gene`, drawn with a seed of the case (stable under --limit)."""
    rng = random.Random(f"{seed}:{case_id}")
    genes = rng.sample(sorted(g for g in pool if g != avoid_gene), n)
    return [rng.choice(pool[g]) for g in genes]


def write_vcf(case: Case, bg: Background, path: Path) -> None:
    """The background (its chrX only for a female: see the module docstring), the case's spikes in place of any
    record at their sites."""
    sites = {(s.chrom, s.pos) for s in case.spikes}
    keep_x = case.patient.sex == "female"
    records = [r for r in bg.records if (r[0].removeprefix("chr"), int(r[1])) not in sites
               and (keep_x or r[0].removeprefix("chr") not in ("X", "Y"))]
    prefix = "chr" if bg.chr_prefix else ""
    for s in case.spikes:
        call = CALL["het" if s.genotype == "het" else "hom"]
        records.append([prefix + s.chrom, str(s.pos), ".", s.ref, s.alt, "50", "PASS", f"CSQ={s.csq}", "GT:AD:DP:GQ",
                        call])
    order = {c: i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y"])}
    records.sort(key=lambda r: (order.get(r[0].removeprefix("chr"), 99), int(r[1])))
    joined = "\n".join(bg.header)
    header = [*bg.header[:-1], *(h for h in EXTRA_HEADER if h.split(",")[0] not in joined), CSQ_HEADER, bg.header[-1]]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(header) + "\n" + "".join("\t".join(r) + "\n" for r in records))


def write_packet(case: Case, path: Path) -> None:
    """The clinic's phenopacket (no interpretations), its subject renamed to the case ID (the sheet's sample_id)."""
    doc = json.loads(case.patient.packet)
    doc["id"] = case.case_id
    doc["subject"]["id"] = case.case_id
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1))
