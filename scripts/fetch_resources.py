#!/usr/bin/env python3
"""Fetch the annotation resources of the config's genome build: ClinVar (VCF + index, md5 checked), gnomAD slices
over the panel genes (remote tabix), the panel's transcripts (MANE on GRCh38, Ensembl 87 on GRCh37, with MANE's
summary); resumable; writes OUTDIR/manifest.json and OUTDIR/resources.yaml (the config keys for these files).
The same as `pidtriage resources fetch`; `pidtriage resources check --outdir OUTDIR` verifies them later.

    python scripts/fetch_resources.py --configfile config/config.yaml --outdir resources/GRCh38 [--only clinvar]
"""

import sys

from pidtriage.cli import main

if __name__ == "__main__":
    sys.exit(main(["resources", "fetch", *sys.argv[1:]]))
