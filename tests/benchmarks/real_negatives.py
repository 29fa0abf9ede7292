"""How many candidates does a real, presumably negative, exome give a counsellor to review? (issue #6)

The real exomes in ../shared/data are GRCh37 and the PID ClinVar set is GRCh38, so each VCF is lifted to
GRCh38 coordinates (pyliftover with the shared hg19ToHg38 chain; REF kept, records that do not map to one
place on the same strand dropped), then triaged with the derived ClinVar set as ClinVar and as the source of
gnomAD genome frequencies (its gnomADg_AF/AN), under the default thresholds. Not run by `make test`; needs
`pip install pyliftover`. Prints one line per case: candidates by class and the case status.

    python tests/benchmarks/real_negatives.py [--shared ../shared/data] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def lift(src: Path, chain: Path, out: Path) -> tuple[int, int]:
    from pyliftover import LiftOver

    lo = LiftOver(str(chain))
    kept, dropped, body, header = 0, 0, [], []
    with gzip.open(src, "rt") as fh:
        for line in fh:
            if line.startswith("##contig") or line.startswith("##reference"):
                continue
            if line.startswith("#"):
                header.append(line)
                continue
            f = line.rstrip("\n").split("\t")
            hits = lo.convert_coordinate("chr" + f[0].removeprefix("chr"), int(f[1]) - 1)
            if not hits or len(hits) != 1 or hits[0][2] != "+" or "_" in hits[0][0]:
                dropped += 1
                continue
            f[0], f[1] = hits[0][0].removeprefix("chr"), str(hits[0][1] + 1)
            body.append(f)
            kept += 1
    body.sort(key=lambda f: (_order(f[0]), int(f[1])))
    contigs = [f"##contig=<ID={c},length={n}>\n" for c, n in GRCH38.items()]
    out.write_text("".join(header[:-1]) + "##reference=GRCh38\n" + "".join(contigs) + header[-1]
                   + "".join("\t".join(f) + "\n" for f in body))
    return kept, dropped


GRCH38 = {"1": 248956422, "2": 242193529, "3": 198295559, "4": 190214555, "5": 181538259, "6": 170805979,
          "7": 159345973, "8": 145138636, "9": 138394717, "10": 133797422, "11": 135086622, "12": 133275309,
          "13": 114364328, "14": 107043718, "15": 101991189, "16": 90338345, "17": 83257441, "18": 80373285,
          "19": 58617616, "20": 64444167, "21": 46709983, "22": 50818468, "X": 156040895, "Y": 57227415}


def _order(chrom: str) -> int:
    return list(GRCH38).index(chrom) if chrom in GRCH38 else 99


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(REPO.parent / "shared/data"))
    ap.add_argument("--keep", default="")
    args = ap.parse_args()
    shared = Path(args.shared)
    work = Path(args.keep or tempfile.mkdtemp(prefix="pidtriage-negatives-"))
    work.mkdir(parents=True, exist_ok=True)
    chain = shared / "reference/hg19ToHg38.over.chain.gz"
    clinvar = shared / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    lifted = {}
    for name, src in (("manuel", "exomiser_Pfeiffer_exome.GRCh37.vcf.gz"),
                      ("giab", "giab_ashkenazim_trio_exome_chr1-2.GRCh37.vcf.gz")):
        out = work / f"{name}.GRCh38.vcf"
        kept, dropped = lift(shared / "vcf" / src, chain, out)
        print(f"{src}: {kept} records lifted to GRCh38, {dropped} dropped", file=sys.stderr)
        lifted[name] = out
    sheet = work / "samples.tsv"
    sheet.write_text("sample_id\tvcf\tsex\tfather_id\tmother_id\taffected\n"
                     f"manuel\t{lifted['manuel']}\tmale\t\t\ttrue\n"
                     f"HG002\t{lifted['giab']}\tmale\tHG003\tHG004\ttrue\n"
                     f"HG003\t{lifted['giab']}\tmale\t\t\tfalse\n"
                     f"HG004\t{lifted['giab']}\tfemale\t\t\tfalse\n")
    config = work / "config.yaml"
    config.write_text(json.dumps({
        "samples": str(sheet), "outdir": str(work / "results"), "genome_build": "GRCh38",
        "panel": str(REPO / "gene_panels/iuis_iei_2024.tsv"),
        "resources": {"clinvar": {"vcf": str(clinvar), "min_review_stars": 0},
                      "population": {"vcf": str(clinvar), "name": "gnomAD genomes via dbNSFP (ClinVar sites only)",
                                     "af_field": "gnomADg_AF", "an_field": "gnomADg_AN", "faf_field": "",
                                     "nhomalt_field": "", "nhemi_field": ""}}}))
    exe = Path(sys.executable).with_name("snakemake")
    env = {**os.environ, "PATH": f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(exe), "-s", "workflow/Snakefile", "--cores", "2", "--configfile", str(config)],
                   cwd=REPO, check=True, env=env, capture_output=True)
    for sid in ("manuel", "HG002"):
        doc = json.loads((work / f"results/cases/{sid}/triage.json").read_text())
        classes = collections.Counter(c["acmg_class"] for c in doc["candidates"])
        reportable = [f for f in doc["findings"] if f["level"] in ("positive", "inconclusive")]
        print(f"{sid}\tstatus={doc['status']}\tcandidates={len(doc['candidates'])}\t"
              f"P={classes['P']} LP={classes['LP']} VUS={classes['VUS']}\treportable_findings={len(reportable)}\t"
              f"records_in_panel={doc['qc']['records_in_panel_regions']}\treason={doc['reason'][:160]}")
    print(f"outputs: {work}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
