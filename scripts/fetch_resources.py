#!/usr/bin/env python3
"""Fetch the annotation resources for a config: ClinVar (VCF + index, md5 checked), gnomAD slices over the panel
genes (remote tabix), MANE GFF3 and summary; resumable; writes OUTDIR/manifest.json. The same as
`pidtriage resources fetch`; `pidtriage resources check --outdir OUTDIR` verifies them later.

    python scripts/fetch_resources.py --configfile config/config.yaml --outdir resources/GRCh38 [--only clinvar]
"""

import sys

from pidtriage.cli import main

if __name__ == "__main__":
    sys.exit(main(["resources", "fetch", *sys.argv[1:]]))
