"""Annotation: consequences on the MANE transcript, ClinVar, population frequency."""
