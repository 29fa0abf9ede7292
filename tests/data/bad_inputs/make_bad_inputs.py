#!/usr/bin/env python3
"""Write the bad-input corpus in this directory (README.md says what is wrong with each file and what
pidtriage must do with it). Text files also say it in a `##comment=` header line.

    python tests/data/bad_inputs/make_bad_inputs.py

Every file is GRCh38 (except the wrong-build one) and carries RAG1 c.322C>T p.Arg108Ter (ClinVar
pathogenic, chr11:36573626 C>T) so that a file that is read correctly gives a `positive` case under the demo
resources. Genotypes are made up: test data, not patients.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pysam
import pysam.bcftools

HERE = Path(__file__).resolve().parent
GRCH38 = {"4": 190214555, "11": 135086622, "X": 156040895, "Y": 57227415}
GRCH37 = {"4": 191154276, "11": 135006516, "X": 155270560, "Y": 59373566}
FORMATS = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
]
RAG1 = "{c}11\t36573626\t.\tC\tT\t900\tPASS\t.\tGT:AD:DP:GQ\t1/1:0,34:34:99"
BACKGROUND = "{c}4\t102579100\t.\tA\tG\t500\tPASS\t.\tGT:AD:DP:GQ\t0/1:15,14:29:99"


def header(comment: str, *, lengths: dict[str, int] = GRCH38, prefix: str = "chr", samples: tuple[str, ...] = ("S1",),
           extra: tuple[str, ...] = ()) -> list[str]:
    lines = ["##fileformat=VCFv4.2", f"##comment={comment}", '##FILTER=<ID=PASS,Description="All filters passed">']
    lines += [*FORMATS, *extra]
    lines += [f"##contig=<ID={prefix}{c},length={n}>" for c, n in lengths.items()]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples))
    return lines


def write(name: str, lines: list[str], *, newline: str = "\n") -> Path:
    path = HERE / name
    path.write_bytes((newline.join(lines) + newline).encode())
    return path


def bgzip(plain: Path, *, index: bool) -> Path:
    out = Path(str(plain) + ".gz")
    pysam.tabix_compress(str(plain), str(out), force=True)
    plain.unlink()
    if index:
        pysam.tabix_index(str(out), preset="vcf", force=True)
    return out


def main() -> None:
    for old in HERE.glob("*"):
        if old.name not in ("make_bad_inputs.py", "README.md", "samples.tsv"):
            old.unlink()
    base = lambda c: [*header(c), BACKGROUND.format(c="chr"), RAG1.format(c="chr")]  # noqa: E731

    # Valid inputs in unusual forms: each must be read correctly (positive).
    bgzip(write("unindexed.vcf", base("valid; bgzipped without an index: pidtriage indexes a copy")), index=False)
    plain = write("plain_gzip.vcf", base("valid; plain gzip (not bgzip): recompressed and indexed in the work directory"))
    with plain.open("rb") as src, gzip.GzipFile(HERE / "plain_gzip.vcf.gz", "wb", mtime=0) as dst:
        dst.write(src.read())
    plain.unlink()
    write("windows_crlf.vcf", base("valid; Windows line endings (CRLF)"), newline="\r\n")
    bare = header("valid; bare contig names (11, X) where the demo ClinVar and panel BED differ", prefix="")
    bgzip(write("bare_names.vcf", [*bare, BACKGROUND.format(c=""), RAG1.format(c="")]), index=True)
    src = bgzip(write("as_bcf.vcf", base("valid; BCF input")), index=True)
    pysam.bcftools.view("--no-version", "-Ob", "-o", str(HERE / "as_bcf.bcf"), str(src), catch_stdout=False)
    src.unlink()
    Path(str(src) + ".tbi").unlink()
    gvcf = header("valid; gVCF: reference blocks (<NON_REF>, END) skipped, the variant call kept",
                  extra=('##ALT=<ID=NON_REF,Description="Any other allele">',
                         '##INFO=<ID=END,Number=1,Type=Integer,Description="End of the reference block">'))
    gvcf += [
        "chr11\t36573500\t.\tA\t<NON_REF>\t.\t.\tEND=36573625\tGT:AD:DP:GQ\t0/0:30,0:30:90",
        "chr11\t36573626\t.\tC\tT,<NON_REF>\t900\tPASS\t.\tGT:AD:DP:GQ\t1/1:0,34,0:34:99",
        "chr11\t36573627\t.\tG\t<*>\t.\t.\tEND=36574000\tGT:AD:DP:GQ\t0/0:31,0:31:90",
    ]
    write("gvcf.g.vcf", gvcf)
    multi = header("valid; a multiallelic record (split by bcftools norm) and a GT-only FORMAT")
    multi = [m for m in multi if "ID=AD" not in m and "ID=DP" not in m and "ID=GQ" not in m]
    multi += ["chr11\t36573626\t.\tC\tT,G\t900\tPASS\t.\tGT\t1/1"]
    write("multiallelic_gt_only.vcf", multi)
    write("no_variants.vcf", header("valid; header only, no variant records: no panel gene can be assessed, so a failed case, never a negative one"))

    # Broken inputs: each must end `failed` with a one-line reason naming the file and the fix.
    truncated = bgzip(write("truncated.vcf", base("broken; truncated bgzip (cut in half)")), index=False)
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    no_chrom = [line for line in base("broken; no #CHROM header line") if not line.startswith("#CHROM")]
    write("no_chrom_line.vcf", no_chrom)
    write("malformed_record.vcf", [*header("broken; POS is not a number"), "chr11\tthirty\t.\tC\tT\t900\tPASS\t.\tGT\t1/1"])
    write("missing_sample.vcf", base("broken for its row: the sheet asks for sample S9, the VCF has S1"))
    wrong = header("broken; GRCh37 contig lengths under a GRCh38 config", lengths=GRCH37)
    write("wrong_build.vcf", [*wrong, RAG1.format(c="chr")])
    mixed = header("broken; chr-prefixed and bare contig names mixed in one file",
                   lengths={"11": GRCH38["11"]}, prefix="chr")
    mixed.insert(-1, f"##contig=<ID=4,length={GRCH38['4']}>")
    write("mixed_naming.vcf", [*mixed, RAG1.format(c="chr"), BACKGROUND.format(c="")])
    (HERE / "not_a_vcf.txt").write_text("sample\tgene\tresult\nS1\tRAG1\tc.322C>T\n")
    (HERE / "empty.vcf").write_bytes(b"")
    adversarial(base)
    cluster_faults(base)
    print(f"bad-input corpus written to {HERE}")


def adversarial(base) -> None:  # type: ignore[no-untyped-def]
    """Issue #16: faults that used to stop the cohort, or end as a silent negative."""
    import lzma

    # read correctly despite the form
    write("lowercase_bases.vcf", [*header("valid; lower-case REF/ALT bases (allowed by the VCF spec)"),
                                  BACKGROUND.format(c="chr"), RAG1.format(c="chr").replace("\tC\tT\t", "\tc\tt\t")])
    write("comma_in_sample_name.vcf", [*header("valid; a sample name with a comma", samples=("Doe,Jane",)),
                                       BACKGROUND.format(c="chr"), RAG1.format(c="chr")])
    csq = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
           'Format: Allele|Consequence|IMPACT|SYMBOL|Feature|HGVSc|HGVSp|HGNC_ID">')
    payload = RAG1.format(c="chr").replace(
        "\tPASS\t.\t", "\tPASS\tCSQ=T|stop_gained|HIGH|RAG1|ENST00000299440|=2+5+HYPERLINK(\"x\")|@SUM(A1)|HGNC:9831\t")
    write("formula_payload.vcf", [*header("valid; spreadsheet formula payloads in the VEP annotation", extra=(csq,)),
                                  BACKGROUND.format(c="chr"), payload])
    # no silent negative: half and haploid calls, no genotypes, a build the header does not state
    write("half_call.vcf", [*header("low quality; a half call ./1 on an autosome: never a homozygous finding"),
                            RAG1.format(c="chr").replace("1/1:0,34", "./1:0,34")])
    write("haploid_autosome.vcf", [*header("low quality; a haploid call 1 on an autosome"),
                                   RAG1.format(c="chr").replace("1/1:0,34", "1:0,34")])
    no_gt = [h for h in header("broken; no GT FORMAT field (depths only)") if "ID=GT" not in h]
    write("no_genotypes.vcf", [*no_gt, "chr11\t36573626\t.\tC\tT\t900\tPASS\t.\tAD:DP:GQ\t0,34:34:99"])
    unstated = [h for h in header("unverifiable build; no ##contig or ##reference line") if not h.startswith("##contig")]
    write("build_not_stated.vcf", [*unstated, BACKGROUND.format(c="chr"), RAG1.format(c="chr")])
    # broken in ways htslib reports badly: each must be named
    write("format_not_number.vcf", [*header("broken; FORMAT DP is 10,12 where the header says Number=1"),
                                    RAG1.format(c="chr").replace(":34:99", ":10,12:99")])
    write("undeclared_info.vcf", [*header("broken; INFO key FOO used but not declared"),
                                  RAG1.format(c="chr").replace("\tPASS\t.\t", "\tPASS\tFOO=1\t")])
    write("unsorted.vcf", [*header("broken; records out of order"), RAG1.format(c="chr"),
                           RAG1.format(c="chr").replace("36573626", "36570000")])
    write("duplicate_samples.vcf", [*header("broken; the same sample name twice", samples=("S1", "S1")),
                                    RAG1.format(c="chr") + "\t0/1:15,14:29:99"])
    foreign = bgzip(write("foreign_index.vcf", base("broken; its .tbi was made for another file")), index=False)
    other = bgzip(write("other_for_index.vcf", [*header("the file whose index is borrowed"),
                                                 RAG1.format(c="chr").replace("chr11", "chr4")]), index=True)
    Path(str(other) + ".tbi").replace(str(foreign) + ".tbi")
    other.unlink()
    good = bgzip(write("corrupt_block.vcf", base("broken; a corrupted compressed block")), index=False)
    data = bytearray(good.read_bytes())
    for i in range(40, min(len(data) - 40, 200)):
        data[i] ^= 0x5A
    good.write_bytes(bytes(data))
    (HERE / "xz_named_gz.vcf.gz").write_bytes(lzma.compress(("\n".join(base("broken; xz-compressed, named .gz"))
                                                             + "\n").encode()))


def cluster_faults(base) -> None:  # type: ignore[no-untyped-def]
    """Issue #30: inputs that ended as a silent negative or were named as something else."""
    # the header declares GT, the records carry none: used to give a negative
    no_gt = [*header("broken; GT declared in the header, but the records' FORMAT is DP only")]
    write("records_without_gt.vcf", [*no_gt, "chr4\t102579100\t.\tA\tG\t500\tPASS\t.\tDP\t29",
                                     "chr11\t36573626\t.\tC\tT\t900\tPASS\t.\tDP\t34"])
    # one byte of a record changed inside a stored (uncompressed) BGZF block: it still decodes, to other text
    # (used to be named as that text's first oddity); only the block's CRC32 tells
    text = ("\n".join(base("broken; one byte changed inside a compressed block (CRC32 mismatch)")) + "\n").encode()
    with pysam.BGZFile(str(HERE / "crc_mismatch.vcf.gz"), "wb0", index=None) as fh:
        fh.write(text)
    data = bytearray((HERE / "crc_mismatch.vcf.gz").read_bytes())
    at = data.index(b"36573626\t.\tC\tT\t900\tPASS\t.") + len(b"36573626\t.\tC\tT\t900\tPASS\t")
    data[at:at + 1] = b"Q"
    (HERE / "crc_mismatch.vcf.gz").write_bytes(bytes(data))
    # a bgzipped VCF gzipped again (a mail or transfer tool's doing); an index given where the VCF belongs
    inner = bgzip(write("double_gzip.vcf", base("broken; gzip of a bgzipped VCF")), index=True)
    (HERE / "double_gzip.vcf.gz").write_bytes(gzip.compress(inner.read_bytes(), mtime=0))
    Path(str(inner) + ".tbi").replace(HERE / "given_the_index.vcf.gz.tbi")
    # an indexed VCF of several BGZF blocks that lost, after indexing, the block holding RAG1: region queries
    # through its index found nothing there (a silent negative)
    lines = [*header("broken; a whole compressed block (the one holding RAG1) removed after indexing")]
    lines += [f"chr4\t{1_000_000 + 37 * k}\t.\tA\tG\t500\tPASS\t.\tGT:AD:DP:GQ\t0/1:15,14:29:99" for k in range(5000)]
    lines.append(RAG1.format(c="chr"))
    lines += [f"chr11\t{37_000_000 + 37 * k}\t.\tA\tG\t500\tPASS\t.\tGT:AD:DP:GQ\t0/1:15,14:29:99" for k in range(5000)]
    indexed = bgzip(write("block_removed.vcf", lines), index=True)
    data = indexed.read_bytes()
    blocks, pos = [], 0
    while pos < len(data):
        end = pos + int.from_bytes(data[pos + 16:pos + 18], "little") + 1
        blocks.append((pos, end))
        pos = end
    start, end = next((a, b) for a, b in blocks if b"36573626" in zlib.decompress(data[a + 18:b - 8], -15))
    indexed.write_bytes(data[:start] + data[end:])


if __name__ == "__main__":
    main()
