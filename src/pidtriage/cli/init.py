"""`pidtriage init DIR`: a starter config and sample sheet for a real run.

The config lists every key of the schema with the schema's default (not the demo's: the demo switches off
review-star and filtering-AF checks to use its small resources) and its description as a comment; the keys a
real run must set (the sample sheet, ClinVar, the population VCF) are marked `EDIT`. The sheet has the header
and a commented example per kind of row.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path
from typing import Any

import yaml

__all__ = ["add_parser", "render_config"]

# what a real run must set, with what to write there ({dir}: the directory given to init)
_EDIT = {
    ("samples",): "{dir}/samples.tsv",
    ("outdir",): "{dir}/results",
    ("resources", "clinvar", "vcf"): "EDIT/clinvar.GRCh38.vcf.gz",
    ("resources", "population", "vcf"): "EDIT/gnomad.genomes.v4.GRCh38.panel.vcf.gz",
}
_SHEET = """\
sample_id\tvcf\tvcf_sample\tsex\tfamily_id\tfather_id\tmother_id\taffected\tsuspected_category\thpo_terms\thpo_excluded\timmunophenotype\tcoverage\tphenopacket
# One row per individual, tab-separated (columns: config/README.md). Delete these example lines.
# A singleton:      P001<TAB>data/P001.vcf.gz<TAB><TAB>male<TAB><TAB><TAB><TAB>true<TAB>3<TAB>HP:0004432;HP:0002718<TAB><TAB>B=absent;IgG=low<TAB>data/P001.bam<TAB>
# A trio (one VCF): P002 ... father_id P002_F, mother_id P002_M; then rows P002_F and P002_M with affected false
# From a GA4GH phenopacket: only sample_id and phenopacket (vcf, sex, HPO terms and measurements come from it)
"""


def _lines(props: dict[str, Any], path: tuple[str, ...], indent: int, directory: str) -> list[str]:
    out: list[str] = []
    pad = "  " * indent
    for key, prop in props.items():
        here = (*path, key)
        for line in textwrap.wrap(" ".join(str(prop.get("description", "")).split()), 100):
            out.append(f"{pad}# {line}")
        if prop.get("type") == "object" and "properties" in prop and not prop.get("default"):
            out.append(f"{pad}{key}:")
            out += _lines(prop["properties"], here, indent + 1, directory)
            continue
        value = _EDIT[here].format(dir=directory) if here in _EDIT else prop.get("default", "")
        text = yaml.safe_dump({key: value}, default_flow_style=True, width=1000, sort_keys=False).strip()
        text = text[1:-1] if text.startswith("{") else text
        mark = "  # EDIT" if here in _EDIT else ""
        out.append(f"{pad}{text}{mark}")
    return out


def render_config(directory: str = ".") -> str:
    """The starter config: every schema key, default and description (the schema's order); the sheet and the
    results in `directory`."""
    from pidtriage.config import schema

    head = ["# pidtriage config for a real run, written by `pidtriage init` from the config schema: every key with",
            "# its default and meaning (config/README.md has the same). Set the lines marked EDIT; keep the other",
            "# defaults unless your laboratory's validation says otherwise.", ""]
    return "\n".join(head + _lines(schema()["properties"], (), 0, directory)) + "\n"


def add_parser(sub: Any) -> None:
    p = sub.add_parser("init", help="write a starter config.yaml and samples.tsv for a real run",
                       formatter_class=argparse.RawDescriptionHelpFormatter,
                       epilog="example:\n  pidtriage init myrun && $EDITOR myrun/config.yaml myrun/samples.tsv")
    p.add_argument("directory", metavar="DIR", help="where to write config.yaml and samples.tsv (created)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    from pidtriage.errors import ConfigError

    out = Path(args.directory)
    out.mkdir(parents=True, exist_ok=True)
    files = {out / "config.yaml": render_config(args.directory.rstrip("/")), out / "samples.tsv": _SHEET}
    existing = [str(p) for p in files if p.exists()]
    if existing and not args.force:
        raise ConfigError(f"{', '.join(existing)} already exist(s); use --force to overwrite")
    for path, text in files.items():
        path.write_text(text)
    print(f"wrote {out / 'config.yaml'} and {out / 'samples.tsv'}: set the lines marked EDIT, fill the sheet, then\n"
          f"  snakemake -s workflow/Snakefile --cores 4 --configfile {out / 'config.yaml'}")
    return 0
