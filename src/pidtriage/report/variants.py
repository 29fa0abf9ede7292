"""variants.tsv: every record in the panel regions with what happened to it (kept as a candidate, or why it was
dropped), for the bioinformatician. Built by the triage stage from the extracted VCF (columns read by
`bcftools query`), the annotated variants and the triage result; written next to triage.json."""

from __future__ import annotations

from typing import Any

from pidtriage.annotate.pipeline import GeneIndex
from pidtriage.config import Config
from pidtriage.genome import bare
from pidtriage.io.panel_tsv import Panel
from pidtriage.report.tables import tsv
from pidtriage.sampleqc import genotype_table
from pidtriage.triage import TriageResult

__all__ = ["VARIANT_COLUMNS", "variant_rows", "variants_tsv"]

VARIANT_COLUMNS = ("chrom", "pos", "ref", "alt", "gene", "proband_genotype", "filter", "consequence", "acmg_class",
                   "acmg_points", "acmg_criteria", "fate")  # fmt: skip
_DOSAGE = {-1: "missing", 0: "ref", 1: "het", 2: "hom_or_hemi"}
_BLOCKS = {"<NON_REF>", "<*>", "."}
NOT_ANNOTATED = ("dropped before annotation: not in ClinVar and no protein-altering or splice consequence in the "
                 "input's annotation, so it cannot qualify")


def variant_rows(extracted_vcf: str, samples: list[str], formats: list[str], result: TriageResult | None,
                 config: Config, panel: Panel) -> list[dict[str, Any]]:
    table = genotype_table(extracted_vcf, samples, formats=formats)
    index = GeneIndex(panel.genes, build=config.build, padding=int(config.get("panel_padding")))
    assessed = result.assessed if result else {}
    rows = []
    for i in range(len(table)):
        chrom, pos, ref, alt = str(table.chrom[i]), int(table.pos[i]), str(table.ref[i]), str(table.alt[i])
        key = f"{chrom}:{pos}:{ref}:{alt}"
        dosage = int(table.dosage[i, 0])
        genes = [g.symbol for g in index.genes_at(bare(chrom), pos)] or ["."]
        for gene in genes:
            row = {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt, "gene": gene,
                   "proband_genotype": _DOSAGE.get(dosage, "missing"), "filter": "PASS" if table.passed[i] else "fail",
                   "consequence": "", "acmg_class": "", "acmg_points": "", "acmg_criteria": ""}  # fmt: skip
            hit = assessed.get(f"{key}:{gene}")
            if alt in _BLOCKS:
                row["fate"] = "skipped: gVCF reference block"
            elif dosage <= 0:
                row["fate"] = "dropped: not carried by the proband"
            elif hit:
                row.update(consequence=hit["consequence"], acmg_class=hit["acmg_class"], acmg_points=hit["acmg_points"],
                           acmg_criteria=hit["criteria"], fate=hit["reason"])
            elif gene == ".":
                row["fate"] = "dropped: in the padded region but outside every panel gene span"
            else:
                row["fate"] = NOT_ANNOTATED
            rows.append(row)
    return rows


def variants_tsv(rows: list[dict[str, Any]]) -> str:
    return tsv(VARIANT_COLUMNS, rows)
