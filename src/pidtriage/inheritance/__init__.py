"""Genotype against the gene's mode of inheritance; one module per model."""
