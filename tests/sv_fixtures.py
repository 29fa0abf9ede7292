"""Small SV/CNV VCFs for what the real SV files in ../shared/data/sv lack (issue #21), written at test time on the
demo backgrounds: Manta-style symbolic records (GT:GQ:PR:SR) at real exon coordinates of the panel's exon table
(GRCh38), and a tiny gnomAD-SV-style population sites VCF.

    homozygous whole-gene DOCK8 deletion                     -> AR_hom, positive
    heterozygous RAG2 deletion in the mother, RAG2 P SNV in the father (trio)   -> AR_compound_het, positive
    the same RAG2 deletion alone                             -> AR_single_het, inconclusive
    a RAG2 SNV that looks homozygous inside a het deletion   -> compound het in trans by construction, positive
    a common polymorphic deletion in CFHR3 (AF 0.2)          -> benign by frequency (4O), not a candidate
    a FILTER=LowQual deletion of DOCK8 exons                 -> a low-quality call, not a finding
    BTK exons 3-5 deleted in a male                          -> XL_hemi, positive
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pysam

RAG2_SNV = ("chr11", 36592879, "C", "T")  # the demo's real RAG2 P variant (ClinVar), p.Trp430Ter
HEADER = """##fileformat=VCFv4.2
##source=GenerateSVCandidates 1.5.0 (test fixture, tests/sv_fixtures.py)
##ALT=<ID=DEL,Description="Deletion">
##ALT=<ID=DUP,Description="Duplication">
##INFO=<ID=END,Number=1,Type=Integer,Description="End position">
##INFO=<ID=SVTYPE,Number=1,Type=String,Description="Type">
##INFO=<ID=SVLEN,Number=.,Type=Integer,Description="Length">
##INFO=<ID=CIPOS,Number=2,Type=Integer,Description="CI around POS">
##INFO=<ID=CIEND,Number=2,Type=Integer,Description="CI around END">
##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency">
##FILTER=<ID=LowQual,Description="Low quality">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
##FORMAT=<ID=PR,Number=.,Type=Integer,Description="Paired reads ref,alt">
##FORMAT=<ID=SR,Number=.,Type=Integer,Description="Split reads ref,alt">
"""
CONTIGS = {"chr1": 248956422, "chr9": 138394717, "chr11": 135086622, "chrX": 156040895}


def _write(path: Path, samples: list[str], records: list[str]) -> Path:
    head = HEADER + "".join(f"##contig=<ID={c},length={n}>\n" for c, n in CONTIGS.items())
    head += "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO" + ("\tFORMAT\t" + "\t".join(samples) if samples else "") + "\n"
    plain = path.with_suffix("")
    plain.write_text(head + "".join(records))
    pysam.tabix_compress(str(plain), str(path), force=True)
    pysam.tabix_index(str(path), preset="vcf", force=True)
    plain.unlink()
    return path


def _del(chrom: str, start: int, end: int, gts: list[str], *, filt: str = "PASS", svtype: str = "DEL") -> str:
    calls = "\t".join(f"{gt}:60:10,12:8,9" for gt in gts)
    return (f"{chrom}\t{start - 1}\t{svtype}_{start}\tN\t<{svtype}>\t500\t{filt}\tSVTYPE={svtype};END={end};"
            f"SVLEN=-{end - start + 1};CIPOS=0,0;CIEND=0,0\tGT:GQ:PR:SR\t{calls}\n")


def _with_snv(source: Path, out: Path, snvs: list[tuple[tuple[str, int, str, str], list[str]]],
              drop: set[int] = frozenset()) -> Path:  # type: ignore[assignment]
    """A demo VCF with SNV records added (genotypes per sample) and records at `drop` positions removed."""
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt") as fh:
        lines = fh.read().splitlines()
    header = [x for x in lines if x.startswith("#")]
    body = [x for x in lines if not x.startswith("#") and int(x.split("\t")[1]) not in drop]
    for (c, p, r, a), gts in snvs:
        body.append(f"{c}\t{p}\t.\t{r}\t{a}\t500\tPASS\t.\tGT:AD:DP:GQ\t" + "\t".join(
            f"{g}:{'0,30' if g == '1/1' else '15,15' if g == '0/1' else '30,0'}:30:99" for g in gts))
    order = {f"chr{c}": i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y"])}
    body.sort(key=lambda x: (order.get(x.split("\t")[0], 99), int(x.split("\t")[1])))
    plain = out.with_suffix("")
    plain.write_text("\n".join(header + body) + "\n")
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def make_fixtures(demo: Path, out: Path) -> dict[str, Path]:
    """The fixture files in `out`; keys name them."""
    out.mkdir(parents=True, exist_ok=True)
    f: dict[str, Path] = {}
    # DOCK8 whole gene (chr9:214,865-465,255), homozygous, in the negative male P06
    f["dock8_sv"] = _write(out / "dock8.sv.vcf.gz", ["P06"], [_del("chr9", 200_000, 480_000, ["1/1"])])
    # a trio without the demo's DCLRE1C pair: the RAG2 SNV from the father, a RAG2 deletion (the 3' part of exon 2,
    # chr11:36,593,300-36,594,100, not holding the SNV) from the mother
    dclre1c = {14935462, 14945110}
    f["trio_snv"] = _with_snv(demo / "F03.vcf.gz", out / "trio.vcf.gz", [(RAG2_SNV, ["0/1", "0/1", "0/0"])], dclre1c)
    f["trio_sv"] = _write(out / "trio.sv.vcf.gz", ["P03", "P03_F", "P03_M"],
                          [_del("chr11", 36_593_300, 36_594_100, ["0/1", "0/0", "0/1"])])
    # the same deletion alone, in the negative male P06
    f["rag2_alone_sv"] = _write(out / "rag2_alone.sv.vcf.gz", ["P06"], [_del("chr11", 36_593_300, 36_594_100, ["0/1"])])
    # the SNV inside a heterozygous deletion that holds it, called homozygous
    f["hemi_snv"] = _with_snv(demo / "P06.vcf.gz", out / "hemi.vcf.gz", [(RAG2_SNV, ["1/1"])])
    f["hemi_sv"] = _write(out / "hemi.sv.vcf.gz", ["P06"], [_del("chr11", 36_592_500, 36_593_200, ["0/1"])])
    # a common deletion (CFHR3, chr1:196,774,795-196,832,189), a low-quality DOCK8 exon deletion, BTK exons 3-5
    f["mixed_sv"] = _write(out / "mixed.sv.vcf.gz", ["P06"], [
        _del("chr1", 196_760_000, 196_840_000, ["0/1"]),
        _del("chr9", 270_000, 290_000, ["0/1"], filt="LowQual"),
        _del("chrX", 101_369_900, 101_374_700, ["1/1"]),
    ])
    # SV records in the main VCF: the BTK exon deletion beside P06's SNVs (GT:AD:DP:GQ as the SNVs)
    f["main_with_sv"] = with_sv_records(demo / "P06.vcf.gz", out / "main_with_sv.vcf.gz", [
        "chrX\t101369899\tDEL_main\tN\t<DEL>\t500\tPASS\tSVTYPE=DEL;END=101374700\tGT:AD:DP:GQ\t1/1:0,20:20:60"])
    # the population: the CFHR3 deletion is common (AF 0.2)
    f["population"] = _write(out / "population.sv.vcf.gz", [],
                             ["chr1\t196759999\tgnomAD-SV_DEL_1\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=196840500;AF=0.2\n"])
    return f


def with_sv_records(source: Path, out: Path, records: list[str]) -> Path:
    """A demo VCF with SV records (INFO/SVTYPE, symbolic ALT) added to its SNVs: SV calls in the main VCF."""
    with gzip.open(source, "rt") as fh:
        lines = fh.read().splitlines()
    header = [x for x in lines if x.startswith("##")]
    header += [x for x in HEADER.splitlines() if x.startswith(("##ALT", "##INFO=<ID=END", "##INFO=<ID=SVTYPE",
                                                               "##INFO=<ID=SVLEN", "##INFO=<ID=CIPOS", "##INFO=<ID=CIEND"))]
    header += [x for x in lines if x.startswith("#CHROM")]
    body = [x for x in lines if not x.startswith("#")] + [r.rstrip("\n") for r in records]
    order = {f"chr{c}": i for i, c in enumerate([*map(str, range(1, 23)), "X", "Y"])}
    body.sort(key=lambda x: (order.get(x.split("\t")[0], 99), int(x.split("\t")[1])))
    plain = out.with_suffix("")
    plain.write_text("\n".join(header + body) + "\n")
    pysam.tabix_compress(str(plain), str(out), force=True)
    pysam.tabix_index(str(out), preset="vcf", force=True)
    return out
