"""Lookups in tabix-indexed sites VCFs (ClinVar, gnomAD, score tables) through htslib (pysam.TabixFile).

Records are matched by chrom/pos/ref/alt after harmonising contig names; multiallelic resource records
are matched per allele.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pysam
import pysam.bcftools

from pidtriage.errors import ResourceError
from pidtriage.genome import naming_of, to_naming
from pidtriage.io.vcf import index_of, regions_file
from pidtriage.models import Variant, VariantKey

__all__ = ["SitesVcf", "open_tabix"]


def open_tabix(path: Path, label: str, *, config_key: str, index_command: str) -> pysam.TabixFile:
    """A bgzipped, tabix-indexed resource opened, or a ResourceError naming it (`label`) and the fix."""
    if not path.exists():
        raise ResourceError(f"{label}: no such file; fix {config_key} in the config")
    if index_of(path) is None:
        raise ResourceError(f"{label}: no .tbi/.csi index; run `{index_command}`")
    try:
        return pysam.TabixFile(str(path))
    except OSError as exc:
        raise ResourceError(f"{label}: cannot open ({exc}); is it bgzipped?") from None


class SitesVcf:
    """A bgzipped, indexed sites VCF queried by variant. INFO is returned as a dict of raw strings."""

    def __init__(self, path: str | Path, *, role: str) -> None:
        self.path, self.role = str(path), role
        p = Path(path)
        self._tabix = open_tabix(p, f"{role} resource {p}", config_key=f"resources.{role}",
                                 index_command=f"tabix -p vcf {p}")
        self.contigs = set(self._tabix.contigs)
        self.naming = naming_of(self.contigs)
        self.header_lines = list(self._tabix.header)
        # (contig, pos) -> the resource's rows starting there, for positions read by prefetch (empty: none)
        self._rows_at: dict[tuple[str, int], list[list[str]]] = {}

    def header_value(self, key: str) -> str:
        prefix = f"##{key}="
        return next((h[len(prefix):] for h in self.header_lines if h.startswith(prefix)), "")

    def prefetch(self, variants: Sequence[Variant]) -> None:
        """Read the resource's rows at the variants' positions in one bcftools pass (one region per position,
        htslib's speed), so that `lookup` of those variants needs no index seek of its own: ~1,000 lookups of a
        genome against a gnomAD-sized file cost 0.3 s one by one (RESULTS.md, wgs-real)."""
        names = {c: to_naming(c, self.naming) for c in {v.chrom for v in variants}}
        wanted = sorted({(names[v.chrom], v.pos) for v in variants if names[v.chrom] in self.contigs})
        if not wanted:
            return
        with regions_file((c, p, p) for c, p in wanted) as regions:
            text = str(pysam.bcftools.query("-R", regions, "-f", "%CHROM\t%POS\t%ID\t%REF\t%ALT\t.\t.\t%INFO\n",
                                            self.path))
        rows: dict[tuple[str, int], list[list[str]]] = {key: [] for key in wanted}
        for line in text.splitlines():
            f = line.split("\t", 7)
            at = rows.get((f[0], int(f[1])))
            if at is not None and f not in at:
                at.append(f)
        self._rows_at.update(rows)

    def lookup(self, variant: Variant) -> dict[str, str] | None:
        """INFO of the resource record matching the variant's allele (plus its ID column as `_ID`), or None."""
        chrom = to_naming(variant.chrom, self.naming)
        if chrom not in self.contigs:
            return None
        rows: Iterable[list[str]] | None = self._rows_at.get((chrom, variant.pos))
        if rows is None:
            try:
                rows = (row.split("\t", 8) for row in self._tabix.fetch(chrom, variant.pos - 1, variant.pos))
            except ValueError:
                return None
        for f in rows:
            if int(f[1]) != variant.pos or f[3] != variant.ref:
                continue
            alts = f[4].split(",")
            if variant.alt not in alts:
                continue
            info = _info(f[7], alts.index(variant.alt), len(alts))
            info["_ID"] = f[2]  # the record's ID column (ClinVar's VCF: the VariationID)
            return info
        return None

    def has_info(self, key: str) -> bool:
        return any(h.startswith(f"##INFO=<ID={key},") for h in self.header_lines)

    def records_in(self, chrom: str, start: int, end: int) -> list[tuple[VariantKey, dict[str, str]]]:
        """(key in the panel's naming, INFO) of every allele in a region (1-based, inclusive)."""
        c = to_naming(chrom, self.naming)
        if c not in self.contigs:
            return []
        out = []
        for row in self._tabix.fetch(c, max(0, start - 1), end):
            f = row.split("\t", 8)
            alts = f[4].split(",")
            for i, alt in enumerate(alts):
                out.append((VariantKey(f[0], int(f[1]), f[3], alt).bare, _info(f[7], i, len(alts))))
        return out

    def keys_at(self, chroms: Sequence[str], positions: Sequence[int]) -> set[VariantKey]:
        """The keys (in the panel's naming) of every resource allele at the given positions, in one bcftools pass
        over the index (C speed), for screening many records without a lookup each. The positions are merged
        into blocks (positions closer than `BLOCK_GAP` share one region): one index seek per block, not per
        position (a genome carries ~40,000 panel positions; one region each cost ~1 s), then the rows read
        are kept when their position was asked for."""
        names = {c: to_naming(c, self.naming) for c in set(chroms)}  # once per contig, not per record
        wanted = sorted({(names[c], int(p)) for c, p in zip(chroms, positions, strict=True)
                         if names[c] in self.contigs})
        if not wanted:
            return set()
        blocks: list[tuple[str, int, int]] = []
        for c, p in wanted:
            if blocks and blocks[-1][0] == c and p - blocks[-1][2] <= BLOCK_GAP:
                blocks[-1] = (c, blocks[-1][1], p)
            else:
                blocks.append((c, p, p))
        asked = set(wanted)
        with regions_file(blocks) as regions:
            text = str(pysam.bcftools.query("-R", regions, "-f", "%CHROM\t%POS\t%REF\t%ALT\n", self.path))
        out = set()
        for line in text.splitlines():
            c, p_text, r, alts = line.split("\t")
            pos = int(p_text)
            if (c, pos) not in asked:
                continue
            for a in alts.split(","):
                out.add(VariantKey(c, pos, r, a).bare)
        return out


    def close(self) -> None:
        self._tabix.close()


BLOCK_GAP = 5_000  # bases: positions this close are read as one region


def _info(text: str, allele_index: int, n_alts: int) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in text.split(";"):
        key, sep, value = item.partition("=")
        if not sep:
            out[key] = "true"
            continue
        if n_alts > 1 and "," in value:
            parts = value.split(",")
            if len(parts) == n_alts:
                value = parts[allele_index]
        out[key] = value
    return out

