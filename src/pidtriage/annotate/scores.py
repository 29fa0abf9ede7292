"""In-silico scores (REVEL, SpliceAI, AlphaMissense, CADD) from wherever a lab has them: VEP CSQ fields (dbNSFP,
REVEL, SpliceAI and AlphaMissense plugins), INFO keys of the input (Illumina SpliceAI, vcfanno columns), the
population VCF's INFO (gnomAD v4 carries revel_max, spliceai_ds_max, cadd_phred) and tabix-indexed tables.
Where several sources give one score, the highest value is kept (the conservative reading for PP3; BP4 then
needs every source to agree)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pidtriage.errors import ResourceError
from pidtriage.genome import naming_of, to_naming
from pidtriage.io.tabix import open_tabix
from pidtriage.models import Variant

__all__ = ["CSQ_SCORE_FIELDS", "ScoreTable", "merge_scores", "scores_from_csq", "scores_from_info"]

# VEP CSQ field names per score (plugins and dbNSFP columns); SpliceAI gives four deltas, the maximum is used.
CSQ_SCORE_FIELDS: dict[str, tuple[str, ...]] = {
    "revel": ("REVEL", "REVEL_score"),
    "spliceai": ("SpliceAI_pred_DS_AG", "SpliceAI_pred_DS_AL", "SpliceAI_pred_DS_DG", "SpliceAI_pred_DS_DL"),
    "alphamissense": ("am_pathogenicity", "AlphaMissense_score"),
    "cadd_phred": ("CADD_PHRED", "CADD_phred"),
}
_INFO_SCORE_KEYS: dict[str, str] = {"REVEL": "revel", "REVEL_score": "revel", "revel_max": "revel",
                                    "CADD_PHRED": "cadd_phred", "CADD_phred": "cadd_phred", "cadd_phred": "cadd_phred",
                                    "am_pathogenicity": "alphamissense", "AlphaMissense": "alphamissense",
                                    "spliceai_ds_max": "spliceai"}  # fmt: skip


def _numbers(text: str) -> list[float]:
    out = []
    for part in text.replace("&", ",").split(","):
        try:
            out.append(float(part))
        except ValueError:
            continue
    return out


def scores_from_csq(value: str, fields: Sequence[str], alt: str) -> dict[str, float]:
    """Scores from every CSQ entry of the allele (VEP repeats per-variant scores on each transcript)."""
    from pidtriage.annotate.consequence import allele_matches

    out: dict[str, float] = {}
    wanted = {f: name for name, fs in CSQ_SCORE_FIELDS.items() for f in fs if f in fields}
    if not wanted:
        return out
    pos = {f: fields.index(f) for f in wanted}
    allele_at = fields.index("Allele") if "Allele" in fields else None
    for entry in value.split(","):
        parts = entry.split("|")
        if allele_at is not None and allele_at < len(parts) and not allele_matches(parts[allele_at], alt):
            continue
        for f, name in wanted.items():
            if pos[f] < len(parts):
                for x in _numbers(parts[pos[f]]):
                    out[name] = max(out.get(name, x), x)
    return out


def scores_from_info(items: Iterable[tuple[str, str]], alt: str, names: Mapping[str, str] | None = None) -> dict[str, float]:
    """Scores from INFO keys: Illumina's `SpliceAI=ALT|GENE|DS_AG|DS_AL|DS_DG|DS_DL|...` and single-value keys
    (`names`: INFO key -> score name; default the common key names)."""
    names = _INFO_SCORE_KEYS if names is None else names
    out: dict[str, float] = {}
    for key, value in items:
        if key == "SpliceAI":
            for entry in value.split(","):
                f = entry.split("|")
                if len(f) >= 6 and f[0] == alt:
                    deltas = _numbers(",".join(f[2:6]))
                    if deltas:
                        out["spliceai"] = max(out.get("spliceai", 0.0), *deltas)
        elif key in names:
            nums = _numbers(value)
            if nums:
                name = names[key]
                out[name] = max(out.get(name, nums[0]), *nums)
    return out


def merge_scores(*sources: Mapping[str, float]) -> tuple[tuple[str, float], ...]:
    merged: dict[str, float] = {}
    for src in sources:
        for k, v in src.items():
            merged[k] = max(merged.get(k, v), v)
    return tuple(sorted(merged.items()))


class ScoreTable:
    """A bgzipped, tabix-indexed score table with a header naming its chrom, pos, ref, alt and score columns."""

    def __init__(self, name: str, path: str, column: str) -> None:
        p = Path(path)
        self.name, self.path = name, path
        self._tabix = open_tabix(p, f"score table {p} ({name})", config_key="resources.scores",
                                 index_command=f"tabix -s1 -b2 -e2 -c'#' {p}")
        header = next((h for h in reversed(list(self._tabix.header)) if h.strip()), "")
        cols = [c.strip().lstrip("#").lower() for c in header.split("\t")]
        want = {"chrom": ("chrom", "chr", "#chrom"), "pos": ("pos", "position"), "ref": ("ref",), "alt": ("alt",)}
        self._at: dict[str, int] = {}
        for key, names in want.items():
            hit = next((i for i, c in enumerate(cols) if c in names), None)
            if hit is None:
                raise ResourceError(f"score table {p}: no {key} column in the header line {header[:80]!r}")
            self._at[key] = hit
        if column.lower() not in cols:
            raise ResourceError(f"score table {p}: no column {column!r} in the header; fix resources.scores")
        self._at["score"] = cols.index(column.lower())
        self.contigs = set(self._tabix.contigs)
        self.naming = naming_of(self.contigs)

    def lookup(self, variant: Variant) -> float | None:
        chrom = to_naming(variant.chrom, self.naming)
        if chrom not in self.contigs:
            return None
        at = self._at
        for row in self._tabix.fetch(chrom, variant.pos - 1, variant.pos):
            f = row.split("\t")
            if int(f[at["pos"]]) == variant.pos and f[at["ref"]] == variant.ref and f[at["alt"]] == variant.alt:
                nums = _numbers(f[at["score"]])
                return max(nums) if nums else None
        return None
