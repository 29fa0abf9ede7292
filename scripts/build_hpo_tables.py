#!/usr/bin/env python3
"""Build the two HPO tables the phenotype ranking reads, from the HPO release embedded in `hpo3` (PyPI):

- `src/pidtriage/data/hpo_terms.tsv.gz` (package data): every HPO term with its label, its direct parents (is_a), its
  gene-based information content (hpo3's `information_content.gene`: -ln of the share of annotated genes
  annotated with the term or a descendant) and, for an obsolete term, the term that replaces it;
- `gene_panels/<panel>.hpo.tsv`: each panel gene's HPO annotations (the "genes_to_phenotype" associations
  hpo3 ships), matched by NCBI Gene ID through MANE's NCBI_GeneID → HGNC_ID (../shared/data/genes), then by
  symbol or alias.

Both record the HPO release, the hpo3 version and their sources. Loading them takes ~0.1 s where loading hpo3
takes ~0.6 s; tests/test_phenotype.py checks that scores from these tables equal hpo3's own Resnik scores.

    python scripts/build_hpo_tables.py
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import sys
from importlib.metadata import version
from pathlib import Path

from pidtriage.io.jsonio import write_text
from pidtriage.panel.sources import md5sum
from pidtriage.panel.tsv import read_panel

REPO = Path(__file__).resolve().parent.parent
MANE = REPO.parent / "shared" / "data" / "genes" / "MANE.GRCh38.v1.0.summary.txt.gz"


def _hp(n: int) -> str:
    return f"HP:{n:07d}"


def _mane_ncbi_to_hgnc(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {r["#NCBI_GeneID"].removeprefix("GeneID:"): r["HGNC_ID"] for r in rows if r["HGNC_ID"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--panel", type=Path, default=REPO / "gene_panels/iuis_iei_2024.tsv")
    ap.add_argument("--mane", type=Path, default=MANE)
    ap.add_argument("--terms-out", type=Path, default=REPO / "src/pidtriage/data/hpo_terms.tsv.gz")
    args = ap.parse_args(argv)
    from pyhpo import Ontology  # hpo3

    Ontology()
    release = Ontology.version()
    source = f"hpo3 {version('hpo3')} (embedded HPO release {release} and its gene annotations)"

    terms = io.StringIO()
    terms.write(f"## hpo_release={release}\n## source={source}\n## built_by=scripts/build_hpo_tables.py\n"
                "## ic=gene-based information content (-ln of the share of annotated genes with the term or a "
                "descendant)\nid\tname\tparents\tic\tobsolete\treplaced_by\n")
    n_terms = 0
    for term in sorted(Ontology, key=lambda t: int(t.id.split(":")[1])):
        parents = ";".join(sorted(p.id for p in term.parents))
        replaced = (term.replaced_by or "") if term.is_obsolete else ""
        name = term.name.replace("\t", " ")
        obsolete = "yes" if term.is_obsolete else "no"
        terms.write(f"{term.id}\t{name}\t{parents}\t{max(term.information_content.gene, 0.0):.6f}\t{obsolete}\t{replaced}\n")
        n_terms += 1
    args.terms_out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: rebuilding from the same release gives a byte-identical file
    with open(args.terms_out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(terms.getvalue().encode())

    panel = read_panel(args.panel)
    by_ncbi = _mane_ncbi_to_hgnc(args.mane)
    annotations: dict[str, tuple[str, set[str]]] = {}
    by_symbol: dict[str, tuple[str, set[str]]] = {}
    for gene in Ontology.genes:
        entry = (str(gene.id), {_hp(t) for t in gene.hpo})
        hgnc = by_ncbi.get(str(gene.id))
        if hgnc:
            annotations[hgnc] = entry
        by_symbol[gene.name.upper()] = entry
    rows, methods = [], {"mane_ncbi": 0, "symbol": 0, "none": 0}
    for g in panel.genes:
        method = "mane_ncbi"
        entry = annotations.get(g.hgnc_id)
        if entry is None:
            method = "symbol"
            entry = next((by_symbol[s.upper()] for s in (g.symbol, *g.aliases) if s.upper() in by_symbol), None)
        if entry is None:
            method, entry = "none", ("", set())
        methods[method] += 1
        ids = sorted(entry[1])
        rows.append(f"{g.hgnc_id}\t{g.symbol}\t{entry[0]}\t{method}\t{len(ids)}\t{';'.join(ids)}\n")
    out = args.panel.with_suffix(".hpo.tsv")
    header = (f"## HPO annotations of each gene of {panel.name} v{panel.version}\n## hpo_release={release}\n"
              f"## source={source}\n## source_mane={args.mane.name} md5={md5sum(args.mane)}\n"
              f"## matched={';'.join(f'{k}:{v}' for k, v in methods.items())}\n"
              "## built_by=scripts/build_hpo_tables.py\nhgnc_id\tsymbol\tncbi_gene_id\tmatched_by\tn_terms\thpo_terms\n")
    write_text(out, header + "".join(rows))
    print(f"{args.terms_out}: {n_terms} terms; {out}: {len(rows)} genes ({methods}); HPO {release}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
