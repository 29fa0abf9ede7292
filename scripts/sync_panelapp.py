#!/usr/bin/env python3
"""Fetch a PanelApp panel through its REST API and write it as a panel TSV in our format.

Same as `pidtriage panel panelapp`; e.g.
    python scripts/sync_panelapp.py --panel-id 398 --confidence green -o gene_panels/panelapp_398.tsv
    python scripts/sync_panelapp.py --base-url australia --panel-id 250 -o /tmp/p.tsv
"""

import sys

from pidtriage.cli import main

if __name__ == "__main__":
    sys.exit(main(["panel", "panelapp", *sys.argv[1:]]))
