"""variants.tsv: every record in the panel regions with what happened to it (kept as a candidate, or why it was
dropped), for the bioinformatician. Built by the triage stage from the extracted VCF (columns read by
`bcftools query`), the annotated variants and the triage result; written next to triage.json."""

from __future__ import annotations

from pidtriage.annotate.pipeline import GeneIndex
from pidtriage.config import Config
from pidtriage.io.genotype_table import GenotypeTable
from pidtriage.models import VariantKey
from pidtriage.panel.tsv import Panel
from pidtriage.triage.findings import TriageResult

__all__ = ["VARIANT_COLUMNS", "variants_tsv"]

VARIANT_COLUMNS = ("chrom", "pos", "ref", "alt", "gene", "proband_genotype", "filter", "consequence", "acmg_class",
                   "acmg_points", "acmg_criteria", "fate")  # fmt: skip
_DOSAGE = {-1: "missing", 0: "ref", 1: "het", 2: "hom_or_hemi"}
_BLOCKS = {"<NON_REF>", "<*>", "."}
NOT_ANNOTATED = ("dropped before annotation: not in ClinVar and no protein-altering or splice consequence in the "
                 "input's annotation, so it cannot qualify")


def variants_tsv(table: GenotypeTable, result: TriageResult | None, config: Config, panel: Panel) -> str:
    """The table as TSV text, from the panel extract's genotype table. Built line by line from its columns (a
    genome has ~50,000 panel records: no per-cell formatting); values come from VCF columns, gene symbols and fixed
    texts, none with tabs."""
    index = GeneIndex(panel.genes, build=config.build, padding=int(config.get("panel_padding")))
    assessed = result.assessed if result else {}
    lines = ["\t".join(VARIANT_COLUMNS)]
    chroms, positions = table.chrom.tolist(), table.pos.tolist()
    refs, alts = table.ref.tolist(), table.alt.tolist()
    dosages, passed = table.dosage[:, 0].tolist() if len(table) else [], table.passed.tolist()
    symbols = index.symbols_at(chroms, positions)
    for chrom, pos, ref, alt, dosage, ok, genes in zip(chroms, positions, refs, alts, dosages, passed, symbols,
                                                        strict=True):
        genes = genes or ["."]
        head = f"{chrom}\t{pos}\t{ref}\t{alt}"
        gt, filt = _DOSAGE.get(dosage, "missing"), "PASS" if ok else "fail"
        for gene in genes:
            hit = assessed.get((VariantKey(chrom, pos, ref, alt), gene))
            if alt in _BLOCKS:
                tail = ".\t.\t.\t.\tskipped: gVCF reference block"
            elif dosage <= 0:
                tail = ".\t.\t.\t.\tdropped: not carried by the proband"
            elif hit:
                tail = (f"{hit.consequence or '.'}\t{hit.acmg_class}\t{hit.acmg_points}\t"
                        f"{hit.criteria or '.'}\t{hit.reason}")
            elif gene == ".":
                tail = ".\t.\t.\t.\tdropped: in the padded region but outside every panel gene span"
            else:
                tail = f".\t.\t.\t.\t{NOT_ANNOTATED}"
            lines.append(f"{head}\t{gene}\t{gt}\t{filt}\t{tail}")
    return "\n".join(lines) + "\n"
