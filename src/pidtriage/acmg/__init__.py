"""Automated ACMG/AMP evidence (Richards 2015, ClinGen SVI refinements) combined by points (Tavtigian 2020)."""
