"""The panel's transcripts as an Ensembl-style GFF3 for bcftools csq, from what `pidtriage resources fetch`
downloads: MANE's GFF3 (GRCh38) or Ensembl's GRCh37 GFF3 (release 87), which has no MANE.

GRCh37: per panel gene (found by its HGNC ID in the gene's description, else by symbol), the transcript whose
Ensembl ID is the gene's MANE Select (MANE is defined on GRCh38; most of its Ensembl IDs exist on GRCh37, often
at an older version), else the gene's longest protein-coding transcript (basic, CCDS first). Transcript IDs keep
their GRCh37 version, so the reports show which model was used. Each choice is written to a table beside the
GFF3 (`panel_transcripts.GRCh37.tsv`) with the MANE RefSeq ID mapped where the Ensembl ID is MANE's (from MANE's
summary when fetched, else the panel's column), and how well it matches.
"""

from __future__ import annotations

import gzip
import os
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from pidtriage.io.gff3 import read_gff3
from pidtriage.panel.model import PanelGene

__all__ = ["TranscriptChoice", "ensembl_panel_gff3", "mane_refseq_of", "panel_gff3", "write_choices"]

_FEATURES = ("exon", "CDS", "five_prime_UTR", "three_prime_UTR")
_HGNC = re.compile(r"Acc:(?:HGNC:)?(\d+)")


def _unversioned(x: str) -> str:
    return x.split(".")[0]


def _write(lines: Sequence[str], out: Path) -> None:
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, out)


def panel_gff3(source: Path, transcripts: set[str], out: Path) -> int:
    """An Ensembl-style GFF3 (what bcftools csq reads: `ID=gene:`/`ID=transcript:` prefixes, `biotype`) holding
    only the given transcripts (unversioned Ensembl IDs, e.g. the panel's MANE Select) and their genes, from a
    GENCODE/MANE-style GFF3 (`ID=ENSG...`, `Parent=ENST...`, `gene_name`, `gene_type`). Returns the number of
    transcripts written. Contig names are kept as in the source."""
    keep_tx: dict[str, str] = {}  # transcript ID -> gene ID
    rows = []  # every gene line (few), and the lines of the wanted transcripts: not the whole GFF3 in memory
    for f, attrs in read_gff3(source):
        fid = attrs.get("ID", "").split(":")[-1]
        parent = attrs.get("Parent", "").split(":")[-1]
        if f[2] in ("transcript", "mRNA") and _unversioned(fid) in transcripts:
            keep_tx[fid] = parent
        if f[2] == "gene" or _unversioned(fid) in transcripts or _unversioned(parent) in transcripts:
            rows.append((f, attrs))
    wanted_genes = set(keep_tx.values())
    lines = ["##gff-version 3"]
    for f, attrs in rows:
        fid, parent = attrs.get("ID", "").split(":")[-1], attrs.get("Parent", "").split(":")[-1]
        if f[2] == "gene" and fid in wanted_genes:
            name = attrs.get("gene_name", attrs.get("Name", fid))
            new = f"ID=gene:{fid};Name={name};biotype={attrs.get('gene_type', attrs.get('biotype', 'protein_coding'))}"
        elif f[2] in ("transcript", "mRNA") and fid in keep_tx:
            new = (f"ID=transcript:{fid};Parent=gene:{parent};Name={attrs.get('transcript_name', fid)};"
                   f"biotype={attrs.get('transcript_type', attrs.get('biotype', 'protein_coding'))}")
            f = [*f[:2], "mRNA", *f[3:]]
        elif f[2] in _FEATURES and parent in keep_tx:
            new = f"Parent=transcript:{parent}" + (f";ID=CDS:{parent}" if f[2] == "CDS" else "")
        else:
            continue
        lines.append("\t".join([*f[:8], new]))
    _write(lines, out)
    return len(keep_tx)


@dataclass(frozen=True, slots=True)
class TranscriptChoice:
    """The transcript chosen for one panel gene on GRCh37, and how it relates to the gene's MANE Select."""

    hgnc_id: str
    symbol: str
    transcript: str  # versioned GRCh37 Ensembl ID; "" when the gene is not in the GFF3
    mane_ensembl: str  # the gene's MANE Select (GRCh38), as the panel names it
    mane_refseq: str  # its RefSeq ID, where the chosen transcript is MANE's
    match: str  # how the choice was made (a sentence for the table)


def mane_refseq_of(summary: Path | None) -> dict[str, str]:
    """Unversioned Ensembl transcript -> RefSeq transcript of MANE Select, from MANE's summary file."""
    if summary is None or not Path(summary).exists():
        return {}
    opener = gzip.open if str(summary).endswith(".gz") else open
    out = {}
    with opener(summary, "rt") as fh:
        head = fh.readline().lstrip("#").rstrip("\n").split("\t")
        for line in fh:
            row = dict(zip(head, line.rstrip("\n").split("\t"), strict=False))
            if row.get("MANE_status") == "MANE Select" and row.get("Ensembl_nuc"):
                out[_unversioned(row["Ensembl_nuc"])] = row.get("RefSeq_nuc", "")
    return out


@dataclass
class _Gene:
    fid: str
    hgnc: str
    name: str
    tx: list[tuple[str, str, dict[str, str]]]  # (transcript ID, version, attributes)


def _index(source: Path) -> tuple[dict[str, _Gene], dict[str, int]]:
    """Genes (with their transcripts) and each transcript's CDS length, in one pass over the GFF3."""
    genes: dict[str, _Gene] = {}
    cds: dict[str, int] = defaultdict(int)
    tx_gene: list[tuple[str, str, dict[str, str]]] = []
    for f, attrs in read_gff3(source):
        fid = attrs.get("ID", "")
        if fid.startswith("gene:"):
            m = _HGNC.search(attrs.get("description", "").replace("%3B", ";"))
            genes[fid[5:]] = _Gene(fid[5:], f"HGNC:{m.group(1)}" if m else "", attrs.get("Name", ""), [])
        elif fid.startswith("transcript:"):
            tx_gene.append((attrs.get("Parent", "").removeprefix("gene:"), fid[11:], attrs))
        elif f[2] == "CDS":
            cds[_unversioned(attrs.get("Parent", "").removeprefix("transcript:"))] += int(f[4]) - int(f[3]) + 1
    for gene, tx, attrs in tx_gene:
        if gene in genes:  # Ensembl's IDs are unversioned with a `version=`; a versioned ID is taken apart
            version = attrs.get("version") or (tx.split(".", 1)[1] if "." in tx else "")
            genes[gene].tx.append((_unversioned(tx), version, attrs))
    return genes, cds


def _choose(gene: PanelGene, found: _Gene | None, by_tx: Mapping[str, tuple[str, str]], cds: Mapping[str, int],
            refseq: Mapping[str, str]) -> tuple[TranscriptChoice, str]:
    """The choice for one panel gene, and the unversioned transcript ID written ("" for none)."""
    mane = _unversioned(gene.mane_ensembl)
    if mane and mane in by_tx:
        version = by_tx[mane][1]
        mane_version = gene.mane_ensembl.split(".")[1] if "." in gene.mane_ensembl else ""
        same = "same version" if version == mane_version else f"GRCh37 version {version or '?'}, MANE's {mane_version or '?'}"
        ref = refseq.get(mane) or gene.mane_refseq
        return TranscriptChoice(gene.hgnc_id, gene.symbol, f"{mane}.{version}" if version else mane, gene.mane_ensembl,
                                ref, f"MANE Select's Ensembl transcript ({same})"), mane
    coding = [(t, v, a) for t, v, a in (found.tx if found else []) if a.get("biotype") == "protein_coding"]
    if not coding:
        why = "gene not in the GFF3" if found is None else "no protein-coding transcript in the GFF3"
        return TranscriptChoice(gene.hgnc_id, gene.symbol, "", gene.mane_ensembl, "", why), ""
    t, v, _ = max(coding, key=lambda x: ("basic" in x[2].get("tag", ""), bool(x[2].get("ccdsid")), cds.get(x[0], 0),
                                        x[0]))
    what = "no MANE Select on GRCh37" if mane else "no MANE Select for the gene"
    return TranscriptChoice(gene.hgnc_id, gene.symbol, f"{t}.{v}" if v else t, gene.mane_ensembl, "",
                            f"{what}: longest protein-coding transcript ({cds.get(t, 0)} coding bases)"), t


def ensembl_panel_gff3(source: Path, genes: Iterable[PanelGene], out: Path, *,
                       mane_summary: Path | None = None) -> list[TranscriptChoice]:
    """The panel's transcripts from an Ensembl GFF3 (GRCh37 release 87 style: `ID=gene:`, `ID=transcript:`,
    `version=`, `biotype=`, HGNC accession in the gene's description), as a GFF3 bcftools csq reads; returns one
    choice per panel gene (module docstring)."""
    index, cds = _index(source)
    by_hgnc = {g.hgnc: g for g in index.values() if g.hgnc}
    by_name = {g.name: g for g in index.values() if g.name}
    by_tx = {t: (g.fid, v) for g in index.values() for t, v, _ in g.tx}
    refseq = mane_refseq_of(mane_summary)
    choices, keep = [], {}
    for gene in sorted(genes, key=lambda g: g.symbol):
        found = by_hgnc.get(gene.hgnc_id) or by_name.get(gene.symbol)
        choice, tx = _choose(gene, found, by_tx, cds, refseq)
        choices.append(choice)
        if tx:
            keep[tx] = choice.transcript
    lines = ["##gff-version 3"]
    wanted_genes = {by_tx[t][0] for t in keep}
    for f, attrs in read_gff3(source):
        fid = attrs.get("ID", "")
        parent = attrs.get("Parent", "")
        if fid.startswith("gene:") and fid[5:] in wanted_genes:
            new = f"ID={fid};Name={attrs.get('Name', fid[5:])};biotype={attrs.get('biotype', 'protein_coding')}"
        elif fid.startswith("transcript:") and _unversioned(fid[11:]) in keep:
            new = (f"ID=transcript:{keep[_unversioned(fid[11:])]};Parent={parent};Name={attrs.get('Name', fid[11:])};"
                   f"biotype={attrs.get('biotype', 'protein_coding')}")
            f = [*f[:2], "mRNA", *f[3:]]
        elif f[2] in _FEATURES and _unversioned(parent.removeprefix("transcript:")) in keep:
            tx = keep[_unversioned(parent.removeprefix("transcript:"))]
            new = f"Parent=transcript:{tx}" + (f";ID=CDS:{tx}" if f[2] == "CDS" else "")
        else:
            continue
        lines.append("\t".join([*f[:8], new]))
    _write(lines, out)
    return choices


def write_choices(choices: Sequence[TranscriptChoice], out: Path) -> None:
    """The table of choices (tab-separated, one row per panel gene)."""
    head = "hgnc_id\tsymbol\ttranscript\tmane_select_ensembl\tmane_select_refseq\tmatch"
    rows = [f"{c.hgnc_id}\t{c.symbol}\t{c.transcript or '.'}\t{c.mane_ensembl or '.'}\t{c.mane_refseq or '.'}\t{c.match}"
            for c in choices]
    _write([head, *rows], out)
