"""Consequences from every source into one `Consequence`, and the one function that picks the transcript.

Sources: VEP `CSQ` (fields from the header's `Format:`), snpEff `ANN` (fixed fields per the ANN spec),
bcftools `BCSQ`, and, for variants known to ClinVar when the input has none, the ClinVar record's HGVS.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pidtriage.models import Consequence

__all__ = [
    "NULL_TERMS",
    "SO_SEVERITY",
    "allele_matches",
    "bcsq_references",
    "consequence_from_hgvs",
    "impact_of",
    "intron_offset",
    "near_coding_patterns",
    "parse_ann",
    "parse_bcsq",
    "parse_csq",
    "parse_eff",
    "parse_vep_json",
    "pick_consequence",
    "protein_residue",
    "utr_distance",
]

# Most severe first (Ensembl's ordering of SO terms).
SO_SEVERITY: tuple[str, ...] = (
    "transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
    "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification", "inframe_insertion",
    "inframe_deletion", "missense_variant", "protein_altering_variant", "splice_donor_5th_base_variant",
    "splice_region_variant", "splice_donor_region_variant", "splice_polypyrimidine_tract_variant",
    "incomplete_terminal_codon_variant", "start_retained_variant", "stop_retained_variant",
    "synonymous_variant", "coding_sequence_variant", "mature_miRNA_variant", "5_prime_UTR_variant",
    "3_prime_UTR_variant", "non_coding_transcript_exon_variant", "intron_variant", "NMD_transcript_variant",
    "non_coding_transcript_variant", "upstream_gene_variant", "downstream_gene_variant", "intergenic_variant",
)  # fmt: skip
_RANK = {t: i for i, t in enumerate(SO_SEVERITY)}
HIGH = {"transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
        "frameshift_variant", "stop_lost", "start_lost", "transcript_amplification"}  # fmt: skip
MODERATE = {"inframe_insertion", "inframe_deletion", "missense_variant", "protein_altering_variant"}
LOW = {"splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant",
       "splice_polypyrimidine_tract_variant", "incomplete_terminal_codon_variant", "start_retained_variant",
       "stop_retained_variant", "synonymous_variant"}  # fmt: skip
NULL_TERMS = frozenset({"stop_gained", "frameshift_variant", "splice_acceptor_variant", "splice_donor_variant",
                        "start_lost", "transcript_ablation"})  # fmt: skip
# Words whose presence in a raw CSQ/ANN/EFF/BCSQ string may mean a HIGH or MODERATE or splice consequence in
# some transcript (VEP/snpEff print the impact; bcftools csq prints only term names): the pre-annotation screen.
SCREEN_WORDS = ("HIGH", "MODERATE", "splice", "missense", "stop_", "start_lost", "frameshift", "inframe",
                "protein_altering", "transcript_ablation", "transcript_amplification",
                "@")  # a BCSQ back-reference: the record's consequence is a joint one, held by another record  # fmt: skip
# Consequences whose effect triage cannot judge without a prediction (triage._unjudged_effect): the screen also
# keeps records whose HGVS c. lies within a few bp of an exon (c.123+5, c.124-11) or of the coding sequence (c.-12,
# c.*7), and start/stop-retained ones.
SCREEN_WORDS_UNJUDGED = ("retained",)


def _numbers_up_to(n: int) -> list[str]:
    """Basic-regex alternatives for the integers 1..n without alternation (bcftools' `~` takes POSIX basic regular
    expressions): whole decades as `1[0-9]`, the rest one by one."""
    out = ["[1-9]"] if n >= 9 else [str(i) for i in range(1, n + 1)]
    for tens in range(1, n // 10 + 1):
        out += [f"{tens}[0-9]"] if tens * 10 + 9 <= n else [str(i) for i in range(tens * 10, n + 1)]
    return out


def near_coding_patterns(max_distance: int) -> list[str]:
    """bcftools regular expressions (POSIX basic) matching an HGVS c. position within `max_distance` bp of an exon
    (intronic offset) or of the coding sequence (5'/3' UTR), for the pre-annotation screen."""
    if max_distance < 1:
        return []
    nums = _numbers_up_to(max_distance)
    return ([f"c[.][0-9][0-9]*[-+]{n}[^0-9]" for n in nums]
            + [f"c[.][-*]{n}[^-+0-9]" for n in nums])  # fmt: skip


# snpEff / BCSQ names that differ from SO
_ALIASES = {"stop_gained": "stop_gained", "frameshift": "frameshift_variant", "missense": "missense_variant",
            "synonymous": "synonymous_variant", "splice_acceptor": "splice_acceptor_variant",
            "splice_donor": "splice_donor_variant", "splice_region": "splice_region_variant",
            "inframe_deletion": "inframe_deletion", "inframe_insertion": "inframe_insertion",
            "start_lost": "start_lost", "stop_lost": "stop_lost", "5_prime_utr": "5_prime_UTR_variant",
            "3_prime_utr": "3_prime_UTR_variant", "intron": "intron_variant",
            "conservative_inframe_deletion": "inframe_deletion", "disruptive_inframe_deletion": "inframe_deletion",
            "conservative_inframe_insertion": "inframe_insertion",
            "disruptive_inframe_insertion": "inframe_insertion", "non_coding": "non_coding_transcript_variant",
            "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant"}  # fmt: skip


def _so(term: str) -> str:
    t = term.strip().lstrip("*")
    return t if t in _RANK else _ALIASES.get(t, _ALIASES.get(t.lower(), t))


def impact_of(terms: Iterable[str]) -> str:
    ts = set(terms)
    if ts & HIGH:
        return "HIGH"
    if ts & MODERATE:
        return "MODERATE"
    if ts & LOW:
        return "LOW"
    return "MODIFIER"


def severity(c: Consequence) -> int:
    return min((_RANK.get(t, len(_RANK)) for t in c.so_terms), default=len(_RANK))


def _field(values: Mapping[str, str], *names: str) -> str:
    for n in names:
        v = values.get(n, "")
        if v:
            return v
    return ""


def _strip_tx(hgvs: str) -> str:
    return hgvs.split(":", 1)[1] if ":" in hgvs else hgvs


def _versioned(feature: str, hgvs_c: str) -> str:
    """The transcript with its version: VEP writes `Feature` without one (ENST00000389793) but HGVSc with it
    (ENST00000389793.2:c.11268-5delT)."""
    prefix = hgvs_c.split(":", 1)[0] if ":" in hgvs_c else ""
    return prefix if feature and "." not in feature and prefix.startswith(feature + ".") else feature


def parse_csq(value: str, fields: Sequence[str], alt: str) -> list[Consequence]:
    """VEP CSQ entries for one ALT allele (all entries when the Allele field is absent)."""
    out = []
    for entry in value.split(","):
        parts = entry.split("|")
        v = dict(zip(fields, parts, strict=False))
        allele = v.get("Allele", "")
        if not allele_matches(allele, alt):
            continue
        terms = tuple(_so(t) for t in re.split(r"[&,]", v.get("Consequence", "")) if t)
        hgnc = _field(v, "HGNC_ID")
        if hgnc and not hgnc.startswith("HGNC:"):
            hgnc = f"HGNC:{hgnc}"
        out.append(
            Consequence(
                so_terms=terms,
                impact=v.get("IMPACT") or impact_of(terms),
                hgnc_id=hgnc,
                symbol=_field(v, "SYMBOL", "Gene_Name"),
                transcript=_versioned(v.get("Feature", ""), v.get("HGVSc", "")),
                is_mane_select=bool(_field(v, "MANE_SELECT", "MANE")) and "Plus" not in v.get("MANE", ""),
                mane_refseq=v.get("MANE_SELECT", "") if v.get("MANE_SELECT", "").startswith("NM_") else "",
                is_mane_plus_clinical=bool(v.get("MANE_PLUS_CLINICAL", "")) or "Plus" in v.get("MANE", ""),
                is_canonical=v.get("CANONICAL", "") == "YES",
                hgvs_c=_strip_tx(v.get("HGVSc", "")),
                hgvs_p=_strip_tx(v.get("HGVSp", "")).replace("%3D", "="),
                exon=v.get("EXON", ""),
                intron=v.get("INTRON", ""),
                protein_position=v.get("Protein_position", ""),
                source="vep_csq",
            )
        )
    return out


def allele_matches(allele: str, alt: str) -> bool:
    """A CSQ `Allele` against the VCF ALT; VEP writes indel alleles without the padding base ("-" for
    deletions). An empty side matches (sources without the field)."""
    if not allele or not alt or allele == alt:
        return True
    return allele == "-" or alt.endswith(allele) or alt[1:] == allele


ANN_FIELDS = ("Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID", "Feature_Type", "Feature_ID",
              "Transcript_BioType", "Rank", "HGVS.c", "HGVS.p", "cDNA.pos", "CDS.pos", "AA.pos", "Distance",
              "ERRORS")  # fmt: skip


def parse_ann(value: str, alt: str) -> list[Consequence]:
    """snpEff ANN entries for one ALT allele."""
    out = []
    for entry in value.split(","):
        v = dict(zip(ANN_FIELDS, entry.split("|"), strict=False))
        if v.get("Allele") and alt and v["Allele"] != alt:
            continue
        terms = tuple(_so(t) for t in v.get("Annotation", "").split("&") if t)
        rank = v.get("Rank", "")
        out.append(
            Consequence(
                so_terms=terms,
                impact=v.get("Annotation_Impact") or impact_of(terms),
                symbol=v.get("Gene_Name", ""),
                transcript=v.get("Feature_ID", ""),
                hgvs_c=v.get("HGVS.c", ""),
                hgvs_p=v.get("HGVS.p", ""),
                exon=rank if "intron" not in " ".join(terms) else "",
                intron=rank if "intron" in " ".join(terms) else "",
                protein_position=v.get("AA.pos", "").split("/")[0],
                source="snpeff_ann",
            )
        )
    return out


# Legacy snpEff EFF effect names (snpEff <= 4.0) to SO terms
_EFF_SO = {
    "NON_SYNONYMOUS_CODING": "missense_variant", "NON_SYNONYMOUS_START": "missense_variant",
    "SYNONYMOUS_CODING": "synonymous_variant", "SYNONYMOUS_START": "synonymous_variant",
    "SYNONYMOUS_STOP": "stop_retained_variant", "STOP_GAINED": "stop_gained", "STOP_LOST": "stop_lost",
    "START_LOST": "start_lost", "START_GAINED": "5_prime_UTR_variant", "FRAME_SHIFT": "frameshift_variant",
    "CODON_INSERTION": "inframe_insertion", "CODON_DELETION": "inframe_deletion",
    "CODON_CHANGE_PLUS_CODON_INSERTION": "inframe_insertion", "CODON_CHANGE_PLUS_CODON_DELETION": "inframe_deletion",
    "SPLICE_SITE_ACCEPTOR": "splice_acceptor_variant", "SPLICE_SITE_DONOR": "splice_donor_variant",
    "SPLICE_SITE_REGION": "splice_region_variant", "UTR_5_PRIME": "5_prime_UTR_variant",
    "UTR_3_PRIME": "3_prime_UTR_variant", "INTRON": "intron_variant", "UPSTREAM": "upstream_gene_variant",
    "DOWNSTREAM": "downstream_gene_variant", "EXON": "non_coding_transcript_exon_variant",
    "INTERGENIC": "intergenic_variant", "TRANSCRIPT": "non_coding_transcript_variant",
}  # fmt: skip
_EFF = re.compile(r"([A-Za-z0-9_+&]+)\(([^()]*)\)")


def parse_eff(value: str) -> list[Consequence]:
    """Legacy snpEff EFF: `Effect(Impact|Functional_Class|Codon_Change|Amino_Acid_Change|AA_length|Gene|BioType|
    Coding|Transcript|Exon[|ERRORS|WARNINGS])`. EFF names no allele, so every entry is the record's (split
    multiallelics first); the one-letter amino-acid change is kept as given (`p.` prefixed)."""
    out = []
    for effect, body in _EFF.findall(value):
        f = body.split("|")
        terms = tuple(_EFF_SO.get(e, _so(e.lower())) for e in effect.split("+"))
        aa = f[3] if len(f) > 3 else ""
        out.append(Consequence(
            so_terms=terms, impact=(f[0] if f and f[0] in ("HIGH", "MODERATE", "LOW", "MODIFIER") else impact_of(terms)),
            symbol=f[5] if len(f) > 5 else "", transcript=f[8] if len(f) > 8 else "",
            hgvs_p=f"p.{aa}" if aa else "", exon=f[9].split("_")[1] if len(f) > 9 and f[9].startswith("exon_") else "",
            protein_position="".join(ch for ch in aa if ch.isdigit()), source="snpeff_eff",
        ))  # fmt: skip
    return out


def parse_vep_json(result: Mapping[str, object]) -> list[Consequence]:
    """One variant of a VEP REST / `--json` result (`transcript_consequences`) in the same model as CSQ."""
    out = []
    transcripts: Any = result.get("transcript_consequences") or []
    for t in transcripts:
        terms = tuple(_so(x) for x in t.get("consequence_terms", []))
        hgnc = str(t.get("hgnc_id", "") or "")
        protein = t.get("protein_start")
        out.append(Consequence(
            so_terms=terms, impact=t.get("impact") or impact_of(terms),
            hgnc_id=hgnc if not hgnc or hgnc.startswith("HGNC:") else f"HGNC:{hgnc}",
            symbol=t.get("gene_symbol", ""), transcript=t.get("transcript_id", ""),
            is_mane_select=bool(t.get("mane_select")), is_mane_plus_clinical=bool(t.get("mane_plus_clinical")),
            mane_refseq=str(t.get("mane_select") or "") if str(t.get("mane_select") or "").startswith("NM_") else "",
            is_canonical=bool(t.get("canonical")), hgvs_c=_strip_tx(t.get("hgvsc", "")),
            hgvs_p=_strip_tx(t.get("hgvsp", "")).replace("%3D", "="), exon=t.get("exon", ""),
            intron=t.get("intron", ""), protein_position=str(protein) if protein else "", source="vep_json",
        ))  # fmt: skip
    return out


def bcsq_references(value: str) -> list[int]:
    """Positions an `@POS` BCSQ entry points to: the record there holds the joint (haplotype-aware)
    consequence of this variant together with others in the same codon or frame."""
    return [int(e[1:]) for e in value.split(",") if e.startswith("@") and e[1:].isdigit()]


def parse_bcsq(value: str) -> list[Consequence]:
    """bcftools csq BCSQ entries: Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change.
    Entries starting with '@' point to the record holding a joint (haplotype) consequence: see `bcsq_references`."""
    out = []
    for entry in value.split(","):
        if entry.startswith("@"):
            continue
        parts = entry.split("|")
        terms = tuple(_so(t) for t in parts[0].split("&") if t)
        aa = parts[5] if len(parts) > 5 else ""
        out.append(
            Consequence(
                so_terms=terms,
                impact=impact_of(terms),
                symbol=parts[1] if len(parts) > 1 else "",
                transcript=parts[2] if len(parts) > 2 else "",
                hgvs_p=f"p.{aa}" if aa else "",
                source="bcftools_bcsq",
            )
        )
    return out


_AA3 = r"(?:Ala|Arg|Asn|Asp|Cys|Gln|Glu|Gly|His|Ile|Leu|Lys|Met|Phe|Pro|Ser|Thr|Trp|Tyr|Val|Sec|Pyl|Ter|Xaa)"


def consequence_from_hgvs(hgvs_c: str, hgvs_p: str, *, symbol: str = "", hgnc_id: str = "",
                          source: str = "clinvar_hgvs") -> Consequence | None:
    """The consequence implied by an HGVS c./p. pair (as ClinVar gives them)."""
    c, p = (hgvs_c or "").strip(), (hgvs_p or "").strip()
    if p in (".", "p.?"):
        p = ""
    term = ""
    if p:
        if re.search(r"fs", p):
            term = "frameshift_variant"
        elif re.search(rf"^p\.\(?{_AA3}\d+(?:Ter|\*)\)?$", p):
            term = "stop_gained"
        elif re.search(r"^p\.\(?Met1", p):
            term = "start_lost"
        elif re.search(r"^p\.\(?Ter\d+", p):
            term = "stop_lost"
        elif re.search(r"=\)?$", p) or re.search(rf"^p\.\(?({_AA3})\d+\1\)?$", p):
            term = "synonymous_variant"
        elif re.search(r"del|ins|dup", p):
            term = "inframe_deletion" if "del" in p else "inframe_insertion"
        elif re.search(rf"^p\.\(?{_AA3}\d+{_AA3}\)?$", p):
            term = "missense_variant"
    if not term and c:
        m = re.search(r"c\.[-*]?\d+([+-])(\d+)", c)
        if m:
            offset = int(m.group(2))
            if offset <= 2:
                term = "splice_donor_variant" if m.group(1) == "+" else "splice_acceptor_variant"
            elif offset <= 8:
                term = "splice_region_variant"
            else:
                term = "intron_variant"
        elif c.startswith("c.-"):
            term = "5_prime_UTR_variant"
        elif c.startswith("c.*"):
            term = "3_prime_UTR_variant"
    if not term:
        return None
    return Consequence(so_terms=(term,), impact=impact_of((term,)), hgnc_id=hgnc_id, symbol=symbol,
                       hgvs_c=c, hgvs_p=p, source=source)


_POSITION = re.compile(r"c\.([-*]?)(\d+)(?:([+-])(\d+))?")


def intron_offset(hgvs_c: str) -> int | None:
    """How far into the intron the (first) position of an HGVS c. lies (c.123+5A>G: 5, c.124-11G>A: 11); None
    for an exonic position or no HGVS."""
    m = _POSITION.search(hgvs_c or "")
    return int(m.group(4)) if m and m.group(4) else None


def utr_distance(hgvs_c: str) -> int | None:
    """How far a 5' UTR position lies before the start codon (c.-12: 12) or a 3' UTR position after the stop codon
    (c.*7: 7); None otherwise."""
    m = _POSITION.search(hgvs_c or "")
    return int(m.group(2)) if m and m.group(1) and not m.group(4) else None


def _unversioned(tx: str) -> str:
    return tx.split(".")[0]


def pick_consequence(
    candidates: Sequence[Consequence], *, hgnc_id: str, symbol: str, mane_transcripts: Iterable[str] = ()
) -> Consequence | None:
    """The consequence to report for a gene: MANE Select, then MANE Plus Clinical (the input's own before one
    pidtriage computed with bcftools csq), then canonical, then the most severe. Entries of other genes are ignored;
    the MANE transcript is also recognised by its ID (Ensembl or RefSeq, any version: a GRCh37 annotation carries
    the same stable ID in an older version)."""
    mane = {_unversioned(t) for t in mane_transcripts if t}
    same_gene = [
        c for c in candidates
        if (c.hgnc_id and c.hgnc_id == hgnc_id) or (not c.hgnc_id and c.symbol == symbol) or
        (_unversioned(c.transcript) in mane)
    ]  # fmt: skip
    pool = same_gene or [c for c in candidates if not c.symbol and not c.hgnc_id]
    if not pool:
        return None

    def key(c: Consequence) -> tuple[int, int, int, int, int, str]:
        is_mane = c.is_mane_select or _unversioned(c.transcript) in mane
        computed = c.source.startswith("bcftools_bcsq_computed")  # the input's own annotation first
        return (0 if is_mane else 1, 0 if c.is_mane_plus_clinical else 1, 1 if computed else 0,
                0 if c.is_canonical else 1, severity(c), c.transcript)  # fmt: skip

    chosen = min(pool, key=key)
    if mane and _unversioned(chosen.transcript) in mane and not chosen.is_mane_select:
        from dataclasses import replace

        chosen = replace(chosen, is_mane_select=True)
    return chosen


_RESIDUE = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2}|=)\)?$")


def protein_residue(hgvs_p: str) -> tuple[str, int, str] | None:
    """(reference amino acid, position, new amino acid) of a three-letter missense HGVS p., else None."""
    m = _RESIDUE.match((hgvs_p or "").split(":")[-1])
    return (m.group(1), int(m.group(2)), m.group(3)) if m else None
