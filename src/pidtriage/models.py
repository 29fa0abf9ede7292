"""Domain values shared across the package: one frozen dataclass per concept, enums for vocabularies.

Positions are 1-based as in VCF (`pos`). `chrom` is written as in the input VCF.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import NamedTuple

from pidtriage.genome import bare

__all__ = [
    "AcmgClass",
    "AnnotatedVariant",
    "CaseInfo",
    "ClinVarRecord",
    "Consequence",
    "Criterion",
    "Finding",
    "Genotype",
    "Outcome",
    "PopulationFrequency",
    "QcCheck",
    "Role",
    "Sex",
    "SexCheck",
    "Status",
    "Strength",
    "StructuralCall",
    "Variant",
    "VariantKey",
    "Zygosity",
    "base_code",
]


class Sex(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"
    UNKNOWN = "unknown"


class SexCheck(enum.StrEnum):
    """The reported sex against the one the chrX/chrY calls suggest (pidtriage.qc.sex)."""

    MATCH = "match"
    MISMATCH = "mismatch"
    NOT_INFERRED = "not_inferred"
    REPORTED_UNKNOWN = "reported_unknown"

    @classmethod
    def of(cls, reported: Sex, inferred: Sex) -> SexCheck:
        if inferred == Sex.UNKNOWN:
            return cls.NOT_INFERRED
        if reported == Sex.UNKNOWN:
            return cls.REPORTED_UNKNOWN
        return cls.MATCH if reported == inferred else cls.MISMATCH


class Role(enum.StrEnum):
    """An individual's place in the case's family."""

    PROBAND = "proband"
    FATHER = "father"
    MOTHER = "mother"
    RELATIVE = "relative"


class Zygosity(enum.StrEnum):
    HET = "het"
    HOM = "hom"
    HEMI = "hemi"
    REF = "ref"
    MISSING = "missing"


class Status(enum.StrEnum):
    POSITIVE = "positive"
    INCONCLUSIVE = "inconclusive"
    NEGATIVE = "negative"
    FAILED = "failed"


class Finding(enum.StrEnum):
    AD_HET = "AD_het"
    AR_HOM = "AR_hom"
    AR_COMPOUND_HET = "AR_compound_het"
    AR_POSSIBLE_COMPOUND_HET = "AR_possible_compound_het"
    AR_SINGLE_HET = "AR_single_het"
    XL_HEMI = "XL_hemi"
    XL_HET_FEMALE = "XL_het_female"
    DE_NOVO = "de_novo"
    NONE = "none"


class AcmgClass(enum.StrEnum):
    """The five ACMG/AMP classes (Richards et al. 2015), as the point system (Tavtigian 2020) assigns them."""

    P = "P"
    LP = "LP"
    VUS = "VUS"
    LB = "LB"
    B = "B"

    @property
    def is_pathogenic(self) -> bool:
        return self in (AcmgClass.P, AcmgClass.LP)


class Strength(enum.StrEnum):
    """Evidence strength of a criterion (the same names for pathogenic and benign criteria)."""

    VERY_STRONG = "very_strong"
    STRONG = "strong"
    MODERATE = "moderate"
    SUPPORTING = "supporting"
    STAND_ALONE = "stand_alone"


class Outcome(enum.StrEnum):
    """A criterion's or a QC check's outcome. Missing data is `not_evaluated`, never `not_met`."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_EVALUATED = "not_evaluated"


@dataclass(frozen=True, slots=True)
class Genotype:
    """One individual's call at one (biallelic, split) record."""

    sample: str
    gt: str  # as written, e.g. "0/1", "1|0", "1", "./."
    alleles: tuple[int, ...]  # -1 for missing
    phased: bool = False
    ps: int | None = None
    dp: int | None = None
    gq: int | None = None
    ad: tuple[int, ...] | None = None
    # GATK HaplotypeCaller's read-backed phase: the phased genotype (PGT, e.g. "0|1") within the phase set PID
    pgt: str = ""
    pid: str = ""

    @classmethod
    def parse(cls, sample: str, text: str, *, ps: int | None = None, dp: int | None = None, gq: int | None = None,
              ad: tuple[int, ...] | None = None) -> Genotype:
        """A GT string as written in a VCF ("0/1", "1|0", "1", "./1", "."), the one parser of GT text."""
        alleles = tuple(-1 if a in (".", "") else int(a) for a in text.replace("|", "/").split("/"))
        return cls(sample, text, alleles, phased="|" in text and len(alleles) > 1, ps=ps, dp=dp, gq=gq, ad=ad)

    @property
    def dosage(self) -> int:
        """-1 missing, 0 reference, 1 one alternate allele beside a reference or uncalled one (het, half call),
        2 only alternate alleles (homozygous, or a haploid call: hemizygous)."""
        called = [a for a in self.alleles if a >= 0]
        if not called:
            return -1
        alt = sum(1 for a in called if a > 0)
        if alt == 0:
            return 0
        return 2 if alt == len(self.alleles) else 1

    @property
    def is_diploid_call(self) -> bool:
        """Two alleles, both called."""
        return len(self.alleles) == 2 and all(a >= 0 for a in self.alleles)

    @property
    def alt_count(self) -> int:
        return sum(1 for a in self.alleles if a > 0)

    @property
    def is_missing(self) -> bool:
        return not self.alleles or all(a < 0 for a in self.alleles)

    @property
    def is_partial(self) -> bool:
        """A half call such as `./1`: some alleles called, some missing."""
        return len(self.alleles) > 1 and any(a < 0 for a in self.alleles) and any(a >= 0 for a in self.alleles)

    @property
    def is_haploid(self) -> bool:
        return len(self.alleles) == 1

    @property
    def alt_reads(self) -> int | None:
        """Reads supporting the alternate allele (AD of a split, biallelic record), None when AD is absent."""
        return self.ad[1] if self.ad and len(self.ad) >= 2 else None

    @property
    def allele_balance(self) -> float | None:
        if not self.ad or len(self.ad) < 2:
            return None
        total = sum(x for x in self.ad if x >= 0)
        return self.ad[1] / total if total > 0 else None

    def zygosity(self, *, haploid_region: bool = False) -> Zygosity:
        """het / hom / hemi / ref / missing. In a haploid region (a male's chrX outside the PARs, chrY) a call
        whose called alleles are all alternate is hemizygous. Elsewhere one alternate allele seen is `het`
        whatever else the call says: a half call `./1` or a haploid `1` on a diploid chromosome shows one
        allele, not two (genotype QC flags both, so they are never a finding on their own)."""
        if self.is_missing:
            return Zygosity.MISSING
        called = [a for a in self.alleles if a >= 0]
        alt = sum(1 for a in called if a > 0)
        if alt == 0:
            return Zygosity.REF
        if haploid_region and alt == len(called):
            return Zygosity.HEMI
        if len(called) < 2:
            return Zygosity.HET
        return Zygosity.HOM if alt == len(called) else Zygosity.HET


_KEY = re.compile(r"^(.+):(\d+):([A-Za-z]+):(.+)$")


class VariantKey(NamedTuple):
    """A variant's identity, `chrom:pos:ref:alt` (`str(key)`), the one way a variant is named, joined or compared.

    `chrom` as the file it came from names it; `bare` is the key in the panel's contig naming (`1`, `X`, `MT`),
    for joining with resources and with other runs. A tuple, so that the tens of thousands a genome's screening
    builds cost what tuples cost."""

    chrom: str
    pos: int
    ref: str
    alt: str

    def __str__(self) -> str:
        return f"{self.chrom}:{self.pos}:{self.ref}:{self.alt}"

    @classmethod
    def parse(cls, text: str) -> VariantKey:
        """`chrom:pos:ref:alt` as `str()` writes it (a ValueError for anything else). Contig names and symbolic
        ALTs may hold colons (`HLA-A*01:01:01:01`, `<DUP:TANDEM>`): the position is the first all-digit field
        followed by a REF (bases)."""
        m = _KEY.match(text)
        if m is None:
            raise ValueError(f"{text!r} is not a variant key (chrom:pos:ref:alt)")
        return cls(m[1], int(m[2]), m[3], m[4])

    @property
    def bare(self) -> VariantKey:
        """The key in the panel's contig naming (genome.bare: `chr1` -> `1`, `chrM` -> `MT`)."""
        return VariantKey(bare(self.chrom), self.pos, self.ref, self.alt)


@dataclass(frozen=True, slots=True)
class Variant:
    chrom: str
    pos: int
    ref: str
    alt: str
    filters: tuple[str, ...] = ()  # empty or ("PASS",) means passed
    qual: float | None = None
    vid: str = ""
    # a record split from a multiallelic one (bcftools norm --old-rec-tag): "CHROM|POS|REF|ALTS|allele index"
    split_from: str = ""

    @property
    def multiallelic_origin(self) -> tuple[str, str] | None:
        """(the original record, this ALT's allele index there), None for a record that was not split."""
        if not self.split_from or "|" not in self.split_from:
            return None
        origin, _, index = self.split_from.rpartition("|")
        return origin, index

    @property
    def key(self) -> VariantKey:
        return VariantKey(self.chrom, self.pos, self.ref, self.alt)

    @property
    def passed(self) -> bool:
        return not self.filters or self.filters == ("PASS",)


@dataclass(frozen=True, slots=True)
class Consequence:
    so_terms: tuple[str, ...]
    impact: str  # HIGH MODERATE LOW MODIFIER
    hgnc_id: str = ""
    symbol: str = ""
    transcript: str = ""
    is_mane_select: bool = False
    mane_refseq: str = ""  # the MANE Select RefSeq ID the annotation itself names (VEP's MANE_SELECT), "" if none
    is_mane_plus_clinical: bool = False
    is_canonical: bool = False
    hgvs_c: str = ""
    hgvs_p: str = ""
    exon: str = ""
    intron: str = ""
    protein_position: str = ""
    # vep_csq | vep_json | snpeff_ann | snpeff_eff | bcftools_bcsq(_joint): the input's; bcftools_bcsq_computed(_joint):
    # computed by pidtriage on the MANE transcripts beside the input's; clinvar_hgvs: ClinVar's HGVS, no transcript
    source: str = ""


@dataclass(frozen=True, slots=True)
class ClinVarRecord:
    significance: str  # normalised: Pathogenic, Likely_pathogenic, Pathogenic/Likely_pathogenic, ...
    stars: int | None  # None when the resource gives no review status
    review_status: str = ""
    conditions: str = ""
    variation_id: str = ""
    conflicts: str = ""  # for conflicting classifications: the breakdown, e.g. "Uncertain significance(1); Benign(1)"
    hgvs_c: str = ""
    hgvs_p: str = ""
    molecular_consequence: str = ""

    @property
    def is_pathogenic(self) -> bool:
        s = self.significance.lower()
        return s.startswith(("pathogenic", "likely_pathogenic")) and "conflicting" not in s

    @property
    def is_benign(self) -> bool:
        s = self.significance.lower()
        return s.startswith(("benign", "likely_benign")) and "conflicting" not in s


@dataclass(frozen=True, slots=True)
class PopulationFrequency:
    af: float | None
    an: int | None = None
    faf: float | None = None
    nhomalt: int | None = None
    nhemi: int | None = None  # hemizygous (XY) alt count, chrX outside the PARs
    grpmax: float | None = None  # the highest AF among the genetic-ancestry groups (gnomAD grpmax, was popmax)
    found: bool = True  # False: absent from the resource

    @property
    def effective_af(self) -> float:
        """The frequency used for rarity decisions: the filtering AF (FAF95) when present, else the group maximum
        (grpmax/popmax), else the AF; 0 when absent."""
        if not self.found:
            return 0.0
        for value in (self.faf, self.grpmax):
            if value is not None:
                return value
        return self.af or 0.0


@dataclass(frozen=True, slots=True)
class Criterion:
    """One ACMG/AMP criterion result; explanations quote the value and the threshold."""

    code: str
    outcome: Outcome
    strength: Strength
    points: int
    explanation: str

    @property
    def base(self) -> str:
        """The criterion without its strength modifier: `PM2` of `PM2_Supporting`, `PP5` of `PP5_ClinVar`."""
        return base_code(self.code)

    @property
    def met(self) -> bool:
        return self.outcome == Outcome.MET


def base_code(code: str) -> str:
    """`PVS1` of `PVS1_Strong`: the one place a criterion code is split."""
    return code.split("_", 1)[0]


@dataclass(frozen=True, slots=True)
class QcCheck:
    """One genotype check. A failed `hard` check makes the call unusable as a finding (listed as a low-quality
    call to confirm by another method); a failed soft check makes a finding need confirmation."""

    name: str
    outcome: Outcome  # met = passed
    value: str
    threshold: str
    explanation: str
    hard: bool = False

    @property
    def failed(self) -> bool:
        return self.outcome == Outcome.NOT_MET


@dataclass(frozen=True, slots=True)
class StructuralCall:
    """A deletion, duplication or other SV call as it touches one panel gene, with its CNV evidence
    (pidtriage.sv.evidence): the class comes from the ClinGen/ACMG CNV points, not from the SNV criteria."""

    svtype: str  # DEL DUP CNV INV INS BND
    start: int
    end: int
    size: int
    caller: str
    source: str  # the SV VCF
    acmg_class: AcmgClass
    points: float  # ClinGen CNV points (Riggs et al. 2020)
    criteria: tuple[Criterion, ...] = ()
    cn: int | None = None
    cipos: tuple[int, int] = (0, 0)
    ciend: tuple[int, int] = (0, 0)
    support: int | None = None
    filters: tuple[str, ...] = ()
    whole_gene: bool = False
    exons: tuple[int, ...] = ()
    exons_uncertain: tuple[int, ...] = ()
    n_exons: int = 0
    population_af: float | None = None
    population_checked: bool = False
    regions: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.filters or self.filters == ("PASS",)


@dataclass(frozen=True, slots=True)
class AnnotatedVariant:
    variant: Variant
    genotypes: tuple[Genotype, ...]  # proband first, then relatives present in the VCF
    hgnc_id: str
    symbol: str
    consequence: Consequence | None = None
    clinvar: ClinVarRecord | None = None
    population: PopulationFrequency | None = None
    haploid_region: bool = False  # chrX outside the PARs in a male, chrY, chrM
    # in-silico scores by name (revel, spliceai, alphamissense, cadd_phred): the highest value any source gives
    scores: tuple[tuple[str, float], ...] = ()
    # other ClinVar P/LP missense records at the same residue of the gene: (HGVS p., significance, stars);
    # None when the ClinVar resource carries no protein changes (PS1/PM5 then not evaluated)
    clinvar_residue: tuple[tuple[str, str, int | None], ...] | None = None
    structural: StructuralCall | None = None  # set for a deletion/duplication call (pidtriage.sv)

    def score(self, name: str) -> float | None:
        return next((v for k, v in self.scores if k == name), None)

    def genotype_of(self, sample: str) -> Genotype | None:
        return next((g for g in self.genotypes if g.sample == sample), None)


@dataclass(frozen=True, slots=True)
class CaseInfo:
    """One row of the sample sheet for an affected individual, with its relatives."""

    sample_id: str
    vcf: str
    vcf_sample: str
    sex: Sex
    family_id: str = ""
    father_id: str = ""
    mother_id: str = ""
    father_vcf_sample: str = ""
    mother_vcf_sample: str = ""
    father_vcf: str = ""
    mother_vcf: str = ""
    # the parents' affection status from the sheet or PED: "affected", "unaffected" or "unknown"
    father_status: str = "unknown"
    mother_status: str = "unknown"
    affected: bool = True
    suspected_category: tuple[str, ...] = ()
    hpo_terms: tuple[str, ...] = ()
    hpo_excluded: tuple[str, ...] = ()  # features known to be absent
    immunophenotype: str = ""
    coverage: str = ""  # BAM/CRAM or mosdepth per-base.bed.gz ("" = none)
    sv_vcf: str = ""  # the individual's SV/CNV VCF ("" = none)
    father_sv_vcf: str = ""
    mother_sv_vcf: str = ""
