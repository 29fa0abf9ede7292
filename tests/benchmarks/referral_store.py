"""The monarch-initiative/phenopacket-store as patients for the real-referral validation (real_referrals.py).

The store is read from a checkout (`notebooks/<GENE>/phenopackets/*.json`) or from a git directory without a work
tree (`git ls-tree` / `git cat-file`). Only the gene folders the caller allows are listed or read: genes whose
symbol starts with M-Z are held out (`is_held_out`) and `PhenopacketStore` refuses to read them unless it was
opened with `include_held_out=True`.

Each phenopacket becomes a `Patient`: the causal alleles of its diagnosis (GRCh38 vcfRecord, allelic state),
its sex, its observed and excluded HPO terms, and the phenopacket with the interpretations, the diseases and the
publication removed (what a clinic would send). A patient that cannot be spiked carries the reason in `skip`.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

__all__ = ["Allele", "Patient", "PhenopacketStore", "StoreError", "extract", "is_held_out", "load_patients"]

SEX = {"MALE": "male", "FEMALE": "female"}
GENOTYPE = {"heterozygous": "het", "homozygous": "hom", "hemizygous": "hemi"}
GRCH38_NAMES = ("hg38", "GRCh38", "grch38")
MAX_SMALL_VARIANT = 50  # bases: a longer REF or ALT is a structural variant here


class StoreError(Exception):
    """The store is missing or unreadable, or a held-out gene was asked for."""


def is_held_out(symbol: str) -> bool:
    """Genes M-Z are the held-out set (issue #28): not read unless explicitly included."""
    return not ("A" <= symbol[:1].upper() <= "L")


@dataclass(frozen=True)
class Allele:
    chrom: str  # bare (1..22, X, Y)
    pos: int
    ref: str
    alt: str
    genotype: str  # het / hom / hemi
    hgvs_c: str  # with its transcript, as the phenopacket gives it
    hgvs_p: str
    symbol: str


@dataclass(frozen=True)
class Patient:
    packet_id: str
    gene: str
    sex: str  # male / female / unknown
    alleles: tuple[Allele, ...]
    observed: tuple[str, ...]
    excluded: tuple[str, ...]
    packet: str  # the phenopacket (JSON) without interpretations, diseases and publication
    skip: str = ""  # why it cannot be spiked ("" when it can)
    note: str = ""  # a correction made (e.g. a female's X-linked allele given as hemizygous, spiked het)

    @property
    def genotype(self) -> str:
        """hom, het, hemi, compound het, or '' for another combination."""
        kinds = sorted(a.genotype for a in self.alleles)
        if len(kinds) == 1:
            return kinds[0]
        return "compound het" if kinds == ["het", "het"] else ""


class PhenopacketStore:
    def __init__(self, path: Path, *, include_held_out: bool = False) -> None:
        self.path, self.include_held_out = path, include_held_out
        if (path / "notebooks").is_dir():
            self.git = False
        elif (path / "HEAD").is_file() and (path / "objects").is_dir():
            self.git = True
        else:
            raise StoreError(f"{path}: not a phenopacket-store checkout (no notebooks/) nor its git directory")

    def _git(self, *args: str, stdin: str | None = None) -> str:
        run = subprocess.run(["git", "-C", str(self.path), *args], input=stdin, capture_output=True, text=True)
        if run.returncode != 0:
            raise StoreError(f"{self.path}: git {' '.join(args[:2])} failed: {run.stderr.strip()[:200]}")
        return run.stdout

    def revision(self) -> str:
        if self.git or (self.path / ".git").exists():
            return self._git("rev-parse", "HEAD").strip()[:12]
        listing = sorted(str(p.relative_to(self.path)) + str(p.stat().st_mtime_ns)
                         for p in (self.path / "notebooks").glob("*/phenopackets/*.json"))
        return "checkout-" + hashlib.sha1("\n".join(listing).encode()).hexdigest()[:12]

    def genes(self) -> list[str]:
        """The gene folders of the store (names only; nothing inside them is read)."""
        if self.git:
            return sorted(Path(p).name for p in self._git("ls-tree", "--name-only", "HEAD", "notebooks/").split())
        return sorted(p.name for p in (self.path / "notebooks").iterdir() if p.is_dir())

    def packets(self, gene: str) -> list[tuple[str, str]]:
        """(path, JSON text) of the gene's phenopackets; a held-out gene only when the store allows it."""
        if is_held_out(gene) and not self.include_held_out:
            raise StoreError(f"{gene} is a held-out gene (M-Z): not read without --include-held-out")
        return self._read(f"notebooks/{gene}/phenopackets")

    def curated_p(self, gene: str) -> dict[str, str]:
        """hgvs.p per variant ID (the phenopackets' variationDescriptor.id) from the gene's curation file(s) in the
        store (`notebooks/<GENE>/*_individuals.json`, `hgvsVariants[].pHgvs`): for a phenopacket that lacks it."""
        if is_held_out(gene) and not self.include_held_out:
            raise StoreError(f"{gene} is a held-out gene (M-Z): not read without --include-held-out")
        out = {}
        for _, text in self._read(f"notebooks/{gene}", recursive=False):
            variants = json.loads(text).get("hgvsVariants", {})
            out.update({k: v.get("pHgvs", "") for k, v in variants.items() if isinstance(v, dict)})
        return out

    def _read(self, folder: str, *, recursive: bool = True) -> list[tuple[str, str]]:
        """(path, text) of the JSON files in `folder` (and below it when `recursive`)."""
        if not self.git:
            files = (self.path / folder).glob("*.json")
            return [(str(p.relative_to(self.path)), p.read_text(encoding="utf-8")) for p in sorted(files)]
        listing = self._git("ls-tree", *(["-r"] if recursive else []), "--name-only", "HEAD", folder + "/")
        paths = [p for p in listing.split() if p.endswith(".json")]
        if not paths:
            return []
        raw = subprocess.run(["git", "-C", str(self.path), "cat-file", "--batch"], capture_output=True, check=True,
                             input="".join(f"HEAD:{p}\n" for p in paths).encode()).stdout
        out, i = [], 0
        for p in paths:
            header_end = raw.index(b"\n", i)
            size = int(raw[i:header_end].split()[2])
            out.append((p, raw[header_end + 1:header_end + 1 + size].decode("utf-8")))
            i = header_end + 1 + size + 1
        return out


def _alleles(doc: dict[str, Any], gene: str, sex: str, curated_p: dict[str, str]) -> tuple[list[Allele], str, str]:
    """The diagnosis's alleles, the reason the patient cannot be spiked ('' if it can), and a note."""
    found: list[Allele] = []
    note = ""
    interpretations = [gi for it in doc.get("interpretations", [])
                       for gi in it.get("diagnosis", {}).get("genomicInterpretations", [])]
    if not interpretations:
        return [], "no genomic interpretation", ""
    for gi in interpretations:
        vd = gi.get("variantInterpretation", {}).get("variationDescriptor", {})
        symbol = vd.get("geneContext", {}).get("symbol", "")
        if symbol != gene:
            return [], "a variant in another gene", ""
        record = vd.get("vcfRecord")
        if vd.get("structuralType") or (record and max(len(record["ref"]), len(record["alt"])) > MAX_SMALL_VARIANT):
            return [], "structural variant", ""
        if not record or record.get("genomeAssembly") not in GRCH38_NAMES:
            return [], "no GRCh38 vcfRecord", ""
        genotype = GENOTYPE.get(vd.get("allelicState", {}).get("label", ""), "")
        chrom = record["chrom"].removeprefix("chr")
        if not genotype:
            return [], "allelic state not het/hom/hemi", ""
        if genotype == "hemi" and chrom != "X":
            return [], "hemizygous on an autosome", ""
        if genotype == "hemi" and sex == "female":
            genotype, note = "het", "X-linked allele given as hemizygous in a female: spiked heterozygous"
        if chrom == "X" and sex == "male" and genotype == "het":
            return [], "heterozygous chrX allele in a male", ""
        expressions = {e["syntax"]: e["value"] for e in vd.get("expressions", [])}
        hgvs_p = expressions.get("hgvs.p", "") or curated_p.get(vd.get("id", ""), "")
        found.append(Allele(chrom, int(record["pos"]), record["ref"].upper(), record["alt"].upper(), genotype,
                            expressions.get("hgvs.c", ""), hgvs_p, symbol))
    if len({(a.pos, a.ref, a.alt) for a in found}) != len(found):
        return [], "the same allele listed twice", ""
    if len(found) > 2 or (len(found) == 2 and sorted(a.genotype for a in found) != ["het", "het"]):
        return [], "genotype combination other than one allele or a het pair", ""
    return found, "", note


def _clinic_packet(doc: dict[str, Any]) -> dict[str, Any]:
    """What a clinic sends: subject, phenotypic features (excluded ones too) and measurements; no diagnosis."""
    out = {"id": doc.get("id", ""), "subject": dict(doc.get("subject", {})),
           "phenotypicFeatures": [f for f in doc.get("phenotypicFeatures", [])
                                  if f.get("type", {}).get("id", "").startswith("HP:")]}
    if doc.get("measurements"):
        out["measurements"] = doc["measurements"]
    meta = doc.get("metaData", {})
    out["metaData"] = {k: meta[k] for k in ("created", "createdBy", "resources", "phenopacketSchemaVersion")
                       if k in meta}
    return out


def extract(gene: str, path: str, text: str, curated_p: dict[str, str] | None = None) -> Patient:
    doc = json.loads(text)
    sex = SEX.get(doc.get("subject", {}).get("sex", ""), "unknown")
    features = [f for f in doc.get("phenotypicFeatures", []) if f.get("type", {}).get("id", "").startswith("HP:")]
    alleles, skip, note = _alleles(doc, gene, sex, curated_p or {})
    return Patient(packet_id=doc.get("id") or Path(path).stem, gene=gene, sex=sex, alleles=tuple(alleles),
                   observed=tuple(f["type"]["id"] for f in features if not f.get("excluded")),
                   excluded=tuple(f["type"]["id"] for f in features if f.get("excluded")),
                   packet=json.dumps(_clinic_packet(doc)), skip=skip, note=note)


def load_patients(store: PhenopacketStore, genes: list[str], cache_dir: Path) -> list[Patient]:
    """Every phenopacket of `genes` as a Patient; cached per store revision, gene list and this module's code."""
    key = hashlib.sha1(" ".join(genes).encode() + Path(__file__).read_bytes()).hexdigest()[:10]
    cache = cache_dir / f"patients-{store.revision()}-{key}.json"
    if cache.exists():
        rows = json.loads(cache.read_text())
        return [Patient(**{**r, "alleles": tuple(Allele(**a) for a in r["alleles"]),
                           "observed": tuple(r["observed"]), "excluded": tuple(r["excluded"])}) for r in rows]
    patients = []
    for gene in genes:
        curated = store.curated_p(gene)
        patients += [extract(gene, path, text, curated) for path, text in store.packets(gene)]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps([asdict(p) for p in patients]))
    return patients
