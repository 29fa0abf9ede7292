"""How often the phenotype puts the true gene first among equally classed candidates (issue #19).

For every panel gene of the validation set (the PID genes with a ClinVar P/LP record in the derived GRCh38 set,
../shared/data/clinvar) that has HPO annotations, a trial is the true gene's candidate and four decoy candidates
in other panel genes (drawn at random), all of one ACMG class, points and kind of finding: the genetic evidence
cannot separate them, so the order is the ranking's phenotype step (pidtriage.triage.ranking.finding_key) and, without
a phenotype, the tie-break by gene symbol. The patient's terms are drawn from the true gene's HPO annotations:

  exact        3 of its terms
  imprecise    3 of its terms, each replaced by its parent, plus 1 term of another gene (noise)
  one term     1 of its terms
  excluded     the exact terms, plus as "known absent" 1 term that the first decoy has and the true gene lacks

and the rate of the true gene at rank 1 is compared with the same trials without HPO terms.

    python tests/benchmarks/phenotype_ranking.py [--trials-per-gene 5]   # writes tests/benchmarks/PHENOTYPE.md
"""

from __future__ import annotations

import argparse
import gzip
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from builders import genes, gt, variant  # noqa: E402
from pidtriage.acmg.classify import Classification  # noqa: E402
from pidtriage.config import validate_config  # noqa: E402
from pidtriage.models import AcmgClass, CaseInfo, Finding, Sex, Status  # noqa: E402
from pidtriage.triage.findings import Candidate, GeneFinding  # noqa: E402
from pidtriage.triage.phenotype import HpoContext, load_gene_hpo, load_ontology, patient_hpo  # noqa: E402
from pidtriage.triage.ranking import finding_key, phenotype_match  # noqa: E402

CLINVAR = REPO.parent / "shared/data/clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
TERMS = str(REPO / "src/pidtriage/data/hpo_terms.tsv.gz")
ANNOTATIONS = str(REPO / "gene_panels/iuis_iei_2024.hpo.tsv")
CASE = CaseInfo(sample_id="S", vcf="s.vcf", vcf_sample="S", sex=Sex.FEMALE)
SETTINGS = validate_config({}).values["ranking"]


def validation_genes(path: Path) -> set[str]:
    """Symbols of the genes with a ClinVar P/LP record in the derived set (the validation set's spike-in pool)."""
    found = set()
    with gzip.open(path, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            info = dict(kv.split("=", 1) for kv in line.split("\t")[7].split(";") if "=" in kv)
            if "athogenic" in info.get("CLNSIG", "") and "onflict" not in info.get("CLNSIG", ""):
                found.add(info["GENE"])
    return found


def _finding(symbol: str, hpo: HpoContext | None) -> GeneFinding:
    gene = genes()[symbol]
    c = Candidate(av=variant(symbol, 1000, [gt("S", "0/1")]), gene=gene,
                  classification=Classification(AcmgClass.VUS, 3, ()), qc=(), finding=Finding.AD_HET, moi="AD",
                  meets=True, note="", phenotype=phenotype_match(CASE, gene, hpo))
    return GeneFinding(gene=gene, finding=Finding.AD_HET, moi="AD", variants=(c,), meets=True,
                       level=Status.INCONCLUSIVE, explanation="")


def first(symbols: list[str], hpo: HpoContext | None) -> str:
    ranked = sorted((_finding(s, hpo) for s in symbols), key=lambda f: finding_key(f, SETTINGS))
    return ranked[0].gene.symbol


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clinvar", type=Path, default=CLINVAR)
    ap.add_argument("--trials-per-gene", type=int, default=5)
    ap.add_argument("--out", type=Path, default=REPO / "tests/benchmarks/PHENOTYPE.md")
    args = ap.parse_args()
    onto, annotations = load_ontology(TERMS), load_gene_hpo(ANNOTATIONS)
    by_symbol = {g.symbol: g for g in genes().values()}
    annotated = sorted(s for s, g in by_symbol.items() if annotations.by_hgnc.get(g.hgnc_id))

    def gene_terms(symbol: str) -> list[str]:
        """The gene's terms: every disease's annotations that are not known absent."""
        diseases = annotations.by_hgnc[by_symbol[symbol].hgnc_id]
        return sorted({t for d in diseases for t, f in d.annotations.items() if f > 0})

    pool = sorted(validation_genes(args.clinvar) & set(annotated))
    rng = random.Random(19)
    wins = {k: 0 for k in ("none", "exact", "imprecise", "one term", "excluded")}
    trials = 0
    start = time.perf_counter()
    for symbol in pool:
        terms = gene_terms(symbol)
        closure = onto.closure(terms)
        for _ in range(args.trials_per_gene):
            decoys = rng.sample([s for s in annotated if s != symbol], 4)
            symbols = [symbol, *decoys]
            exact = tuple(rng.sample(terms, min(3, len(terms))))
            parents = tuple(onto.terms[t].parents[0] if onto.terms[t].parents else t for t in exact)
            noise = rng.choice(gene_terms(decoys[1]))
            decoy_only = [t for t in gene_terms(decoys[0]) if t not in closure]
            sets = {
                "none": None,
                "exact": patient_hpo(exact, (), onto),
                "imprecise": patient_hpo((*parents, noise), (), onto),
                "one term": patient_hpo(exact[:1], (), onto),
                "excluded": patient_hpo(exact, tuple(rng.sample(decoy_only, 1)) if decoy_only else (), onto),
            }
            for name, patient in sets.items():
                hpo = HpoContext(patient, onto, annotations) if patient else None
                wins[name] += first(symbols, hpo) == symbol
            trials += 1
    seconds = time.perf_counter() - start
    lines = [
        "# Phenotype ranking: the true gene at rank 1 among five equally classed candidates",
        "",
        "`python tests/benchmarks/phenotype_ranking.py` (tests/benchmarks/phenotype_ranking.py says how the trials "
        "are built).",
        f"HPO release {onto.release}; {len(pool)} genes of the validation set with HPO annotations, "
        f"{args.trials_per_gene} trials each ({trials} trials, 4 random decoy genes per trial; chance = 20 %).",
        "",
        "| patient's terms | true gene at rank 1 | rate |",
        "|---|---|---|",
        *(f"| {k} | {v}/{trials} | {v / trials:.1%} |" for k, v in wins.items()),
        "",
        f"Scoring time: {seconds:.1f} s for {trials * len(wins) * 5} gene scores.",
        "",
    ]
    args.out.write_text("\n".join(lines))
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
