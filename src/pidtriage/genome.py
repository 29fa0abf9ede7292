"""Genome builds and contig names: detect a VCF's build, harmonise `chr1`/`1` and `chrM`/`MT`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

__all__ = ["CONTIG_LENGTHS", "PAR", "bare", "detect_build", "in_par", "is_haploid_in_male", "mixed_naming", "naming_of", "non_par", "to_naming"]

# Primary assembly lengths, from the GRC assembly reports (GRCh38.p14 / GRCh37.p13).
CONTIG_LENGTHS: dict[str, dict[str, int]] = {
    "GRCh38": {
        "1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259, "6": 170805979,
        "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422, "11": 135086622, "12": 133275309,
        "13": 114364328, "14": 107043718, "15": 101991189, "16": 90338345, "17": 83257441, "18": 80373285,
        "19": 58617616, "20": 64444167, "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415,
        "MT": 16569,
    },
    "GRCh37": {
        "1": 249250621, "2": 243199373, "3": 198022430, "4": 191154276, "5": 180915260, "6": 171115067,
        "7": 159138663, "8": 146364022, "9": 141213431, "10": 135534747, "11": 135006516, "12": 133851895,
        "13": 115169878, "14": 107349540, "15": 102531392, "16": 90354753, "17": 81195210, "18": 78077248,
        "19": 59128983, "20": 63025520, "21": 48129895, "22": 51304566, "X": 155270560, "Y": 59373566,
        "MT": 16569,
    },
}  # fmt: skip

# Pseudo-autosomal regions (1-based inclusive), from the GRC.
PAR: dict[str, dict[str, tuple[tuple[int, int], ...]]] = {
    "GRCh38": {"X": ((10001, 2781479), (155701383, 156030895)), "Y": ((10001, 2781479), (56887903, 57217415))},
    "GRCh37": {"X": ((60001, 2699520), (154931044, 155260560)), "Y": ((10001, 2649520), (59034050, 59363566))},
}


PRIMARY = frozenset([*(str(i) for i in range(1, 23)), "X", "Y", "MT"])


def bare(chrom: str) -> str:
    c = chrom[3:] if chrom.lower().startswith("chr") else chrom
    return "MT" if c in ("M", "MT") else c


def naming_of(contigs: Iterable[str]) -> str:
    """'chr' when the names carry the prefix, else 'bare'."""
    names = list(contigs)
    with_chr = sum(1 for c in names if c.lower().startswith("chr"))
    return "chr" if names and with_chr * 2 >= len(names) else "bare"


def mixed_naming(contigs: Iterable[str]) -> tuple[str, str] | None:
    """A (chr-prefixed, bare) pair of primary chromosome names when one file uses both styles."""
    prefixed = [c for c in contigs if c.lower().startswith("chr") and bare(c) in PRIMARY]
    plain = [c for c in contigs if not c.lower().startswith("chr") and bare(c) in PRIMARY]
    return (prefixed[0], plain[0]) if prefixed and plain else None


def to_naming(chrom: str, naming: str) -> str:
    b = bare(chrom)
    if naming == "chr":
        return "chrM" if b == "MT" else f"chr{b}"
    return b


def detect_build(contig_lengths: Mapping[str, int | None], reference: str = "") -> tuple[str, str]:
    """The build from `##contig` lengths (then the `##reference` line): (build or "", evidence)."""
    votes: dict[str, int] = {"GRCh38": 0, "GRCh37": 0}
    for name, length in contig_lengths.items():
        if not length:
            continue
        b = bare(name)
        for build, lengths in CONTIG_LENGTHS.items():
            if b in lengths and lengths[b] == length and b != "MT":
                votes[build] += 1
    if votes["GRCh38"] != votes["GRCh37"]:
        build = max(votes, key=lambda k: votes[k])
        return build, f"{votes[build]} ##contig length(s) match {build}"
    ref = reference.lower()
    if any(tag in ref for tag in ("grch38", "hg38", "hs38")):
        return "GRCh38", f"##reference={reference}"
    if any(tag in ref for tag in ("grch37", "hg19", "hs37", "b37", "human_g1k_v37")):
        return "GRCh37", f"##reference={reference}"
    return "", "no ##contig lengths of a primary chromosome and no ##reference naming a build"


def in_par(chrom: str, pos: int, build: str) -> bool:
    return any(start <= pos <= end for start, end in PAR.get(build, {}).get(bare(chrom), ()))


def non_par(chrom: str, build: str) -> tuple[int, int]:
    """The span of chrX or chrY between its two PARs (1-based, inclusive)."""
    pars = PAR[build][bare(chrom)]
    return pars[0][1] + 1, pars[1][0] - 1


def is_haploid_in_male(chrom: str, pos: int, build: str) -> bool:
    b = bare(chrom)
    return (b in ("X", "Y") and not in_par(chrom, pos, build)) or b == "MT"
