"""genmod (Clinical-Genomics, the inheritance annotator of Scout/MIP) as an independent oracle for the
inheritance models, record by record on a real trio restricted to the panel.

Both tools see the same panel-region VCF (pidtriage's extraction: split, normalised) and the same PED. genmod
annotates every record with the models it is compatible with (`genmod annotate --region-file` for the genes,
then `genmod models`); pidtriage's models (`inheritance/*`) are run on every record the proband carries, with no
classification in between, so only the family logic is compared. Genes with reduced penetrance (all AD genes the
panel does not mark "Complete") are passed to genmod as such, as pidtriage allows unaffected heterozygous carriers
there.

`compare()` returns one row per (record, gene, model family) with both answers, and `explain()` puts each
disagreement in a class where pidtriage is right by design (or "unexplained").

Run it by hand for the table in a note:  python tests/inheritance/genmod_oracle.py
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

import pysam.bcftools

from pidtriage.genome import bare, is_haploid_in_male
from pidtriage.inheritance.dominant import dominant_finding
from pidtriage.inheritance.family import UNAFFECTED, Family, alt_origin
from pidtriage.inheritance.recessive import recessive_findings
from pidtriage.inheritance.xlinked import xlinked_finding
from pidtriage.io import bcftools as ex
from pidtriage.io.samples import read_ped
from pidtriage.io.vcf import read_records
from pidtriage.models import AnnotatedVariant, Finding, Sex, VariantKey, Zygosity
from pidtriage.panel.model import Moi, PanelGene
from pidtriage.panel.ops import bed_regions
from pidtriage.panel.tsv import Panel, read_panel

REPO = Path(__file__).resolve().parents[2]
STATUS = {"true": "affected", "false": "unaffected", "unknown": "unknown"}
GENMOD_MODELS = {"AD": ("AD", "AD_dn"), "AR_hom": ("AR_hom", "AR_hom_dn"), "AR_comp": ("AR_comp", "AR_comp_dn"),
                 "XL": ("XR", "XR_dn", "XD", "XD_dn")}
PADDING = 50


@dataclass(frozen=True)
class Row:
    key: str
    gene: str
    model: str  # AD, AR_hom, AR_comp, XL
    genmod: bool
    pidtriage: bool
    why: str = ""  # the disagreement class ("" when both agree)


def _genmod(vcf: Path, ped: Path, panel: Panel, build: str, work: Path) -> dict[str, set[str]]:
    """genmod's models per record key (bare chrom:pos:ref:alt) for the proband's family."""
    exe = Path(sys.executable).with_name("genmod")
    regions = work / "genes.bed"
    regions.write_text("".join(f"{loc.chrom}\t{max(0, loc.start - 1 - PADDING)}\t{loc.end + PADDING}\t{g.symbol}\n"
                               for g in panel.genes if (loc := g.location(build))))
    reduced = work / "reduced_penetrance.tsv"
    reduced.write_text("".join(f"{g.symbol}\n" for g in panel.genes
                               if g.moi in (Moi.AD, Moi.AD_AR) and g.penetrance != "Complete"))
    annotated, models, clean = work / "annotated.vcf", work / "models.vcf", work / "clean.vcf"
    # a VCF that went through MIP (the Scout demo) carries genmod's own earlier annotation: drop it
    pysam.bcftools.annotate("-x", "INFO/GeneticModels,INFO/ModelScore,INFO/Compounds,INFO/Annotation", "-o",
                            str(clean), str(vcf), catch_stdout=False)
    b = "38" if build == "GRCh38" else "37"
    subprocess.run([str(exe), "annotate", str(clean), "-r", "--region-file", str(regions), "-b", b, "-o",
                    str(annotated)], check=True, capture_output=True)
    subprocess.run([str(exe), "models", str(annotated), "-f", str(ped), "-r", str(reduced), "-o", str(models)],
                   check=True, capture_output=True)
    out: dict[str, set[str]] = {}
    for line in models.read_text().splitlines():
        if line.startswith("#"):
            continue
        f = line.split("\t")
        info = dict(kv.split("=", 1) for kv in f[7].split(";") if "=" in kv)
        found = set()
        for fam in info.get("GeneticModels", "").split(","):
            found |= set(fam.split(":", 1)[1].split("|")) if ":" in fam else set()
        out[str(VariantKey(f[0], int(f[1]), f[3], f[4]).bare)] = found
    return out


def _family(ped: Path, proband: str) -> tuple[Family, Sex]:
    rows = read_ped(ped)
    me = rows[proband]
    father, mother = me["father_id"], me["mother_id"]
    return Family(proband=proband, father=father, mother=mother, min_parent_gq=20, min_parent_dp=10,
                  father_status=STATUS[rows[father]["affected"]] if father else "unknown",
                  mother_status=STATUS[rows[mother]["affected"]] if mother else "unknown"), Sex(me["sex"])


def _pidtriage(variants: list[AnnotatedVariant], gene: PanelGene, family: Family, sex: Sex,
               build: str, partners: dict[str, list[AnnotatedVariant]]) -> dict[tuple[str, str], bool]:
    """pidtriage's answer per (record key, model family) for one gene's carried records; `partners` collects
    each record's partners in pairs pidtriage keeps."""
    from pidtriage.triage.judge import _mois

    out: dict[tuple[str, str], bool] = {}
    for moi in _mois(gene, build):
        if moi.is_x_linked:
            for av in variants:
                out[(av.variant.key, "XL")] = xlinked_finding(av, family, sex, gene.moi).meets
        elif moi == Moi.AD:
            for av in variants:
                out[(av.variant.key, "AD")] = dominant_finding(av, family, fully_penetrant=gene.penetrance == "Complete").meets
        else:
            for av in variants:
                out.setdefault((av.variant.key, "AR_hom"), False)
                out.setdefault((av.variant.key, "AR_comp"), False)
            for r in recessive_findings(variants, family):
                if r.finding == Finding.AR_HOM and r.meets:
                    out[(r.variants[0].variant.key, "AR_hom")] = True
                if r.finding in (Finding.AR_COMPOUND_HET, Finding.AR_POSSIBLE_COMPOUND_HET) and not r.against:
                    a, b = r.variants
                    for av, other in ((a, b), (b, a)):
                        out[(av.variant.key, "AR_comp")] = True
                        partners[av.variant.key].append(other)
    return out


def compare(vcf: Path, ped: Path, proband: str, build: str, work: Path) -> list[Row]:
    panel = read_panel(REPO / "gene_panels/iuis_iei_2024.tsv")
    family, sex = _family(ped, proband)
    samples = [s for s in (family.proband, family.father, family.mother) if s]
    bed = ex.write_bed(bed_regions(panel, build=build, padding=PADDING), work / "panel.bed")
    panel_vcf = work / "panel.vcf.gz"
    ex.extract_regions(str(vcf), bed, panel_vcf, samples=samples, subset_samples=True)
    genmod = _genmod(panel_vcf, ped, panel, build, work)
    by_gene: dict[str, list[AnnotatedVariant]] = defaultdict(list)
    genes = {g.hgnc_id: g for g in panel.genes}
    for rec in read_records(panel_vcf, samples):
        gt = rec.genotypes[0]
        if gt.alt_count == 0:
            continue
        for g in panel.genes:
            loc = g.location(build)
            if loc and loc.chrom == bare(rec.variant.chrom) and loc.start - PADDING <= rec.variant.pos <= loc.end + PADDING:
                haploid = sex == Sex.MALE and is_haploid_in_male(rec.variant.chrom, rec.variant.pos, build)
                by_gene[g.hgnc_id].append(AnnotatedVariant(rec.variant, rec.genotypes, g.hgnc_id, g.symbol,
                                                           haploid_region=haploid))
    rows = []
    for hgnc, avs in sorted(by_gene.items()):
        gene = genes[hgnc]
        partners: dict[str, list[AnnotatedVariant]] = defaultdict(list)
        ours = _pidtriage(avs, gene, family, sex, build, partners)
        for av in avs:
            theirs = genmod.get(_bare_key(av), set())
            for model in ("AD", "AR_hom", "AR_comp", "XL"):
                if (av.variant.key, model) not in ours:
                    continue
                g, p = bool(theirs & set(GENMOD_MODELS[model])), ours[(av.variant.key, model)]
                rows.append(Row(_bare_key(av), gene.symbol, model, g, p,
                                "" if g == p else explain(av, avs, model, family, g, partners[av.variant.key])))
    return rows


def _bare_key(av: AnnotatedVariant) -> str:
    return str(av.variant.key.bare)


def explain(av: AnnotatedVariant, gene_variants: list[AnnotatedVariant], model: str, family: Family,
            genmod_says: bool, partners: list[AnnotatedVariant] | None = None) -> str:
    """The documented class of a disagreement (where pidtriage is right by design), or "unexplained"."""
    gt = av.genotype_of(family.proband)
    assert gt is not None
    if gt.is_partial:
        return "half call in the proband: never a finding (genmod reads ./1 as a carrier)"
    own = _genotype_reason(av, family, model)
    if own:
        return own
    if model == "AD" and gt.zygosity(haploid_region=av.haploid_region) == Zygosity.HOM and not genmod_says:
        return "homozygous proband in a dominant gene: pidtriage keeps AD (noted), genmod's AD needs a heterozygote"
    if model == "AR_comp" and genmod_says:
        others = [o for o in gene_variants if o is not av and (og := o.genotype_of(family.proband)) is not None
                  and og.zygosity(haploid_region=o.haploid_region) == Zygosity.HET]
        if gt.zygosity(haploid_region=av.haploid_region) == Zygosity.HET and others and alt_origin(av, family) and all(
                alt_origin(o, family) == alt_origin(av, family) or _against_pair(av, o, family) for o in others):
            return ("in cis by parental allele dosage (both alleles from one parent): pidtriage does not pair them; "
                    "genmod does not phase from the parents' genotypes")
    if model == "AR_comp" and not genmod_says and partners and all(_genotype_reason(o, family, model) for o in partners):
        return "every pidtriage partner of it is out of genmod's pairs for one of the reasons above"
    return "unexplained"


def _genotype_reason(av: AnnotatedVariant, family: Family, model: str) -> str:
    """A reason the two tools read this record's family genotypes differently, or ""."""
    low_conf = [role for role, s, _ in family.parents()
                if (g := av.genotype_of(s)) is not None and not g.is_missing and family.confident_call(av, s) is None]
    if low_conf:
        return ("a parental call below min GQ 20 / DP 10: pidtriage reads it as unknown, genmod uses it "
                f"({', '.join(low_conf)})")
    hom_unknown = [role for role, s, st in family.parents() if st != UNAFFECTED and family.only_alt(av, s)]
    if hom_unknown and model == "AR_comp":
        return ("a parent of unknown affection status is homozygous: genmod rules the record out of every pair "
                "whatever the status; pidtriage uses the genotype only to phase (an unknown status is no evidence)")
    return ""


def _against_pair(a: AnnotatedVariant, b: AnnotatedVariant, family: Family) -> bool:
    return any(st == UNAFFECTED and family.carries(a, s) and family.carries(b, s) for _, s, st in family.parents())


def table(rows: list[Row]) -> str:
    """Agreement per model family and the disagreement classes, as Markdown."""
    lines = ["| model | records compared | agree | pidtriage only | genmod only |", "|---|---|---|---|---|"]
    for model in ("AD", "AR_hom", "AR_comp", "XL"):
        sel = [r for r in rows if r.model == model]
        if sel:
            lines.append(f"| {model} | {len(sel)} | {sum(r.genmod == r.pidtriage for r in sel)} | "
                         f"{sum(r.pidtriage and not r.genmod for r in sel)} | {sum(r.genmod and not r.pidtriage for r in sel)} |")
    classes = Counter(r.why for r in rows if r.why)
    lines += ["", "| disagreement class | rows |", "|---|---|"] + [f"| {k} | {n} |" for k, n in classes.most_common()]
    return "\n".join(lines)


TRIOS = {
    "scout": ("vcf/scout_demo_643594_trio.clinical.GRCh37.vcf.gz", "vcf/scout_demo_643594.ped", "ADM1059A2", "GRCh37"),
    "giab": ("vcf/giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz", "vcf/giab_ashkenazim_trio.ped", "HG002", "GRCh37"),
}

if __name__ == "__main__":
    import tempfile

    data = REPO.parent / "shared" / "data"
    for name, (vcf, ped, proband, build) in TRIOS.items():
        with tempfile.TemporaryDirectory() as tmp:
            rows = compare(data / vcf, data / ped, proband, build, Path(tmp))
        print(f"## {name} ({proband})\n\n{table(rows)}\n")
        for r in rows:
            if r.why:
                print(f"- {r.gene} {r.key} {r.model}: genmod {r.genmod}, pidtriage {r.pidtriage}: {r.why}")
        print()
