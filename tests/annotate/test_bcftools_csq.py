"""Consequences computed with bcftools csq on a small synthetic reference and GFF3 that the test builds (no real
FASTA is available here): SNVs, an indel, a splice-site variant, UTR and intronic positions on both strands, and
a same-codon pair whose joint (haplotype-aware) consequence both records get; HGVS c. from the transcript model
and p. in three-letter form; and the whole path through `pidtriage run`."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pysam
import pytest

from pidtriage.annotate.bcftools_csq import TranscriptModels, hgvs_p_from_bcsq, run_csq
from pidtriage.annotate.consequence import bcsq_references, parse_bcsq

COMP = str.maketrans("ACGT", "TGCA")
CODONS = ["GCT", "GAA", "CGT", "TGG", "AAA", "CTG", "TCT", "GGC"]  # none is a stop


def _revcomp(s: str) -> str:
    return s.translate(COMP)[::-1]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """chr1 (2,000 bp): GENE1 on + (exons 101-160, 261-400; CDS 111-300), GENE2 on - (exons 1651-1700,
    1451-1550; CDS 1690-1531), canonical GT/AG splice sites; a VCF with the variants the tests name."""
    d = tmp_path_factory.mktemp("csq")
    rng = random.Random(7)
    seq = [rng.choice("ACGT") for _ in range(2000)]

    def put(pos: int, s: str) -> None:
        seq[pos - 1:pos - 1 + len(s)] = list(s)

    cds1 = "ATG" + "".join(rng.choice(CODONS) for _ in range(28)) + "TAA"
    put(111, cds1[:50])
    put(261, cds1[50:])
    put(161, "GTAAGT")
    put(257, "TTAG")
    cds2 = "ATG" + "".join(rng.choice(CODONS) for _ in range(18)) + "TAA"  # 60 nt: 40 in exon 1, 20 in exon 2
    put(1651, _revcomp(cds2[:40]))  # transcript 1690..1651
    put(1531, _revcomp(cds2[40:]))  # transcript 1550..1531
    put(1649, "AC")  # donor GT on the minus strand, just inside the intron (1650, 1649)
    put(1551, "CT")  # acceptor AG (1552, 1551)
    ref = "".join(seq)
    (d / "ref.fa").write_text(">chr1\n" + ref + "\n")
    pysam.faidx(str(d / "ref.fa"))
    gff = ["##gff-version 3"]
    for gid, name, strand, exons, cds, utr5, utr3 in (
        ("G1", "GENE1", "+", [(101, 160), (261, 400)], [(111, 160, 0), (261, 300, 1)], (101, 110), (301, 400)),
        ("G2", "GENE2", "-", [(1651, 1700), (1451, 1550)], [(1651, 1690, 0), (1531, 1550, 2)], (1691, 1700), (1451, 1530)),
    ):  # fmt: skip
        tx = f"TX{gid[1]}"
        lo, hi = min(s for s, _ in exons), max(e for _, e in exons)
        gff.append(f"chr1\tt\tgene\t{lo}\t{hi}\t.\t{strand}\t.\tID=gene:{gid};Name={name};biotype=protein_coding")
        gff.append(f"chr1\tt\tmRNA\t{lo}\t{hi}\t.\t{strand}\t.\tID=transcript:{tx};Parent=gene:{gid};biotype=protein_coding")
        gff += [f"chr1\tt\texon\t{s}\t{e}\t.\t{strand}\t.\tParent=transcript:{tx}" for s, e in exons]
        gff += [f"chr1\tt\tCDS\t{s}\t{e}\t.\t{strand}\t{ph}\tID=CDS:{tx};Parent=transcript:{tx}" for s, e, ph in cds]
        gff.append(f"chr1\tt\tfive_prime_UTR\t{utr5[0]}\t{utr5[1]}\t.\t{strand}\t.\tParent=transcript:{tx}")
        gff.append(f"chr1\tt\tthree_prime_UTR\t{utr3[0]}\t{utr3[1]}\t.\t{strand}\t.\tParent=transcript:{tx}")
    (d / "genes.gff3").write_text("\n".join(gff) + "\n")

    def snv(pos: int) -> tuple[int, str, str]:
        r = ref[pos - 1]
        return pos, r, "T" if r != "T" else "A"

    variants = {
        "missense": snv(114), "pair_a": snv(117), "pair_b": snv(118), "splice": snv(162), "utr5": snv(105),
        "intron": snv(258), "minus_cds": snv(1689), "minus_intron": snv(1648),
        "deletion": (200 - 1 + 80, ref[278:281], ref[278]),  # 279: delete 280-281 (2 bp: frameshift)
    }
    rows = [f"chr1\t{p}\t.\t{r}\t{a}\t50\tPASS\t.\tGT\t{'0|1' if k.startswith('pair') else '0/1'}"
            for k, (p, r, a) in sorted(variants.items(), key=lambda kv: kv[1][0])]
    (d / "in.vcf").write_text("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=2000>\n"
                              '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                              "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n" + "\n".join(rows) + "\n")
    return d, variants, cds1, cds2


def test_bcftools_csq_consequences_and_joint_codon(synthetic, tmp_path):
    d, v, cds1, _ = synthetic
    out = run_csq(str(d / "in.vcf"), str(d / "ref.fa"), str(d / "genes.gff3"), tmp_path / "csq.vcf.gz")
    bcsq = {}
    with pysam.VariantFile(out) as vf:
        for rec in vf:
            bcsq[rec.pos] = ",".join(rec.info["BCSQ"])
    terms = {pos: (parse_bcsq(b)[0].so_terms if parse_bcsq(b) else ()) for pos, b in bcsq.items()}
    assert terms[v["missense"][0]] == ("missense_variant",) and terms[v["splice"][0]] == ("splice_donor_variant",)
    assert terms[v["deletion"][0]] == ("frameshift_variant",) and terms[v["minus_cds"][0]] == ("start_lost",)  # c.2 of the ATG
    assert bcsq_references(bcsq[v["pair_b"][0]]) == [v["pair_a"][0]]  # the joint consequence lives on record 117
    joint = parse_bcsq(bcsq[v["pair_a"][0]])[0]
    assert "+" in bcsq[v["pair_a"][0]].split("|")[6]  # both changes in one haplotype
    codon = cds1[6:9]
    assert joint.hgvs_p.startswith(f"p.3{'W' if codon == 'TGG' else ''}")


def test_hgvs_c_from_the_transcript_model_on_both_strands(synthetic):
    d, v, _, _ = synthetic
    m = TranscriptModels.from_gff3(d / "genes.gff3")
    expect = {"missense": "c.4", "pair_a": "c.7", "pair_b": "c.8", "splice": "c.50+2", "utr5": "c.-6",
              "intron": "c.51-3", "minus_cds": "c.2", "minus_intron": "c.40+3"}
    for key, prefix in expect.items():
        pos, ref, alt = v[key]
        tx = "TX2" if key.startswith("minus") else "TX1"
        got = m.hgvs_c(tx, pos, ref, alt)
        bases = (ref.translate(COMP), alt.translate(COMP)) if tx == "TX2" else (ref, alt)
        assert got == f"{prefix}{bases[0]}>{bases[1]}", (key, got)
    pos, ref, alt = v["deletion"]
    assert m.hgvs_c("TX1", pos, ref, alt) == "c.70_71del"  # 280-281: exon 2 starts at 261 = c.51


@pytest.mark.parametrize(("change", "terms", "hgvs"), [
    ("2W>2R", (), "p.Trp2Arg"), ("2W>2*", (), "p.Trp2Ter"), ("5A", (), "p.Ala5="),
    ("20KKSLKREGRG*>20KNL*", ("frameshift_variant",), "p.Lys21AsnfsTer3"),
    ("5AEK>5AK", (), "p.Glu6del"), ("5AK>5AEK", (), "p.Ala5_Lys6insGlu"),
])  # fmt: skip
def test_hgvs_p_three_letter(change, terms, hgvs):
    assert hgvs_p_from_bcsq(change, terms) == hgvs


def test_pidtriage_run_computes_consequences_when_the_input_has_none(synthetic, repo, tool_env, tmp_path):
    d, v, _, _ = synthetic
    panel = tmp_path / "panel.tsv"
    lines = (repo / "gene_panels/iuis_iei_2024.tsv").read_text().splitlines()
    header = [x for x in lines if x.startswith("##")] + [next(x for x in lines if not x.startswith("##"))]
    cols = header[-1].split("\t")
    rag1 = next(x for x in lines if "\tRAG1\t" in x).split("\t")
    row = dict(zip(cols, rag1, strict=True)) | {"symbol": "GENE1", "grch38_chrom": "1", "grch38_start": "101",
                                                 "grch38_end": "400", "grch38_strand": "+"}
    panel.write_text("\n".join(header) + "\n" + "\t".join(row[c] for c in cols) + "\n")
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"panel: {panel}\npanel_padding: 0\nannotation:\n  reference_fasta: {d / 'ref.fa'}\n"
                   f"  gff3: {d / 'genes.gff3'}\ntriage:\n  min_vus_points: 0\n")
    exe = Path(sys.executable).with_name("pidtriage")
    subprocess.run([str(exe), "run", "--configfile", str(cfg), "--vcf", str(d / "in.vcf"), "--sample-id", "S1",
                    "--sex", "female", "--outdir", str(tmp_path / "out")], env=tool_env, capture_output=True, timeout=120)
    doc = json.loads((tmp_path / "out/cases/S1/triage.json").read_text())
    assert any("bcftools csq" in n for n in doc["qc"]["notes"])
    by_pos = {c["pos"]: c for c in doc["candidates"]}
    a, b = by_pos[v["pair_a"][0]], by_pos[v["pair_b"][0]]
    assert a["hgvs_p"] == b["hgvs_p"] and b["consequence_source"] == "bcftools_bcsq_joint"  # one joint change
    assert a["hgvs_c"].startswith("c.7") and b["hgvs_c"].startswith("c.8")
    splice = by_pos[v["splice"][0]]
    assert splice["consequence"] == "splice_donor_variant" and splice["hgvs_c"].startswith("c.50+2")
    assert any(c["consequence"] == "frameshift_variant" and c["acmg_criteria"].startswith("PVS1") for c in doc["candidates"])


def test_panel_gff3_from_a_gencode_style_file_feeds_bcftools_csq(synthetic, tmp_path):
    """The MANE/GENCODE GFF3 style (`ID=ENSG…`, `Parent=ENST…`, gene_name) restricted to the panel's transcripts
    and rewritten the way bcftools csq reads it."""
    from pidtriage.resources.fetch import panel_gff3

    d, v, _, _ = synthetic
    gencode = []
    for line in (d / "genes.gff3").read_text().splitlines()[1:]:
        f = line.split("\t")
        attrs = dict(a.split("=", 1) for a in f[8].split(";"))
        tx = {"TX1": "ENST00000000001.3", "TX2": "ENST00000000002.1"}
        gene = {"G1": "ENSG00000000001.5", "G2": "ENSG00000000002.2"}
        if f[2] == "gene":
            gid = gene[attrs["ID"].removeprefix("gene:")]
            f[8] = f"ID={gid};gene_id={gid};gene_name={attrs['Name']};gene_type=protein_coding"
        elif f[2] == "mRNA":
            f[2] = "transcript"
            t = tx[attrs["ID"].removeprefix("transcript:")]
            f[8] = f"ID={t};Parent={gene[attrs['Parent'].removeprefix('gene:')]};transcript_type=protein_coding;tag=MANE_Select"
        else:
            t = tx[attrs["Parent"].removeprefix("transcript:")]
            f[8] = f"ID={f[2]}:{t};Parent={t}"
        gencode.append("\t".join(f))
    (tmp_path / "mane.gff3").write_text("##gff-version 3\n" + "\n".join(gencode) + "\n")
    out = tmp_path / "panel.gff3"
    assert panel_gff3(tmp_path / "mane.gff3", {"ENST00000000001"}, out) == 1
    text = out.read_text()
    assert "ID=gene:ENSG00000000001.5;Name=GENE1" in text and "GENE2" not in text
    csq = run_csq(str(d / "in.vcf"), str(d / "ref.fa"), str(out), tmp_path / "csq.vcf.gz")
    with pysam.VariantFile(csq) as vf:
        bcsq = {rec.pos: ",".join(rec.info.get("BCSQ", ())) for rec in vf}
    assert bcsq[v["missense"][0]].startswith("missense|GENE1|ENST00000000001.3")
    assert not bcsq.get(v["minus_cds"][0])  # GENE2 is not in the panel: no consequence


def _panel_with_gene1(repo, tmp_path, *, mane: str) -> Path:
    """The RAG1 row of the bundled panel renamed GENE1 over the synthetic chr1, with `mane` as its MANE Select."""
    panel = tmp_path / "panel.tsv"
    lines = (repo / "gene_panels/iuis_iei_2024.tsv").read_text().splitlines()
    header = [x for x in lines if x.startswith("##")] + [next(x for x in lines if not x.startswith("##"))]
    cols = header[-1].split("\t")
    rag1 = next(x for x in lines if "\tRAG1\t" in x).split("\t")
    row = dict(zip(cols, rag1, strict=True)) | {"symbol": "GENE1", "grch38_chrom": "1", "grch38_start": "101",
                                                 "grch38_end": "400", "grch38_strand": "+",
                                                 "mane_select_ensembl": mane, "mane_select_refseq": "NM_000001.1"}
    panel.write_text("\n".join(header) + "\n" + "\t".join(row[c] for c in cols) + "\n")
    return panel


@pytest.mark.parametrize("with_reference", [False, True])
def test_c_and_p_on_mane_when_the_input_annotates_another_transcript(synthetic, repo, tool_env, tmp_path,
                                                                     with_reference):
    """The input's BCSQ names only TXOTHER (as the GIAB file names LYST's ENST00000487530): without a reference the
    candidate says so ("not the MANE transcript", no RefSeq ID beside it); with annotation.reference_fasta and
    gff3, bcftools csq gives its c./p. on the MANE transcript TX1 (issue #29)."""
    d, v, _, _ = synthetic
    pos, ref, alt = v["missense"]
    vcf = tmp_path / "annotated.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n##contig=<ID=chr1,length=2000>\n"
                   '##INFO=<ID=BCSQ,Number=.,Type=String,Description="Local consequence annotation from BCFtools/csq">\n'
                   '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                   "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n"
                   f"chr1\t{pos}\t.\t{ref}\t{alt}\t50\tPASS\tBCSQ=missense|GENE1|TXOTHER|protein_coding|+|2W>2R|"
                   f"{pos}{ref}>{alt}\tGT\t0/1\n")
    panel = _panel_with_gene1(repo, tmp_path, mane="TX1")
    cfg = tmp_path / "config.yaml"
    reference = f"annotation:\n  reference_fasta: {d / 'ref.fa'}\n  gff3: {d / 'genes.gff3'}\n" if with_reference else ""
    cfg.write_text(f"panel: {panel}\npanel_padding: 0\n{reference}triage:\n  min_vus_points: 0\n")
    exe = Path(sys.executable).with_name("pidtriage")
    subprocess.run([str(exe), "run", "--configfile", str(cfg), "--vcf", str(vcf), "--sample-id", "S1", "--sex",
                    "female", "--outdir", str(tmp_path / "out")], env=tool_env, capture_output=True, timeout=120)
    doc = json.loads((tmp_path / "out/cases/S1/triage.json").read_text())
    (c,) = doc["candidates"]
    if with_reference:
        assert (c["transcript"], c["mane_select"], c["mane_refseq"]) == ("TX1", True, "NM_000001.1")
        assert c["consequence_source"] == "bcftools_bcsq_computed" and c["hgvs_c"] == f"c.4{ref}>{alt}"
        assert c["transcript_label"] == "NM_000001.1 (MANE Select, TX1)"
        assert doc["scope"]["consequence_source"] == "input: bcftools BCSQ; MANE transcripts: bcftools csq"
    else:
        assert (c["transcript"], c["mane_select"], c["mane_refseq"], c["hgvs_c"]) == ("TXOTHER", False, "", "")
        assert c["transcript_label"] == "TXOTHER, not the MANE transcript (MANE Select: TX1 / NM_000001.1)"
        assert "NM_000001.1" not in (tmp_path / "out/cases/S1/candidates.tsv").read_text()
