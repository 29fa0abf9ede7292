"""Outputs: triage.json (the contract), candidates.tsv, report.html, and the cohort files."""
