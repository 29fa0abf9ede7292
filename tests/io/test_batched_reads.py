"""The batched reads that make a genome fast (issue #17) return exactly what the one-by-one reads return:
SitesVcf.prefetch then lookup, against lookup alone; read_records with many keys (a copy of their positions),
against a whole pass filtered by the keys. On real files from ../shared/data."""

from __future__ import annotations

import random

import pysam

from pidtriage.io.tabix import SitesVcf
from pidtriage.io.vcf import KEYED_QUERY_LIMIT, read_records
from pidtriage.models import Variant, VariantKey


def test_prefetched_lookups_equal_one_by_one(shared_data):
    path = shared_data / "clinvar/clinvar_pid398_snvs.GRCh38.derived.vcf.gz"
    rng = random.Random(7)
    with pysam.VariantFile(str(path)) as vf:
        records = [(r.chrom, r.pos, r.ref, r.alts[0]) for r in vf]
    picked = rng.sample(records, 400)
    variants = [Variant(chrom=c, pos=p, ref=r, alt=a) for c, p, r, a in picked]
    variants += [Variant(chrom=c, pos=p, ref=r, alt="T" if a != "T" else "G") for c, p, r, a in picked[:100]]  # other allele
    variants += [Variant(chrom=c, pos=p + 1, ref="A", alt="C") for c, p, _, _ in picked[:100]]  # next base, mostly absent
    variants += [Variant(chrom=c.removeprefix("chr"), pos=p, ref=r, alt=a) for c, p, r, a in picked[:50]]  # bare names
    one_by_one = SitesVcf(path, role="clinvar")
    expected = [one_by_one.lookup(v) for v in variants]
    batched = SitesVcf(path, role="clinvar")
    batched.prefetch(variants)
    assert [batched.lookup(v) for v in variants] == expected
    assert sum(e is not None for e in expected) >= 450  # the 400 records and their bare-named copies, at least


def test_many_keys_read_from_a_copy_equal_a_filtered_pass(shared_data):
    path = shared_data / "vcf/platinum_NA12878_chr21.GRCh38.vcf.gz"
    every = list(read_records(path, ["NA12878"]))
    rng = random.Random(3)
    keys = {r.variant.key.bare for r in rng.sample(every, 600)}
    keys |= {VariantKey("21", 1, "A", "C")}  # a key with no record
    assert len(keys) > KEYED_QUERY_LIMIT
    wanted = [r for r in every if r.variant.key.bare in keys]
    assert list(read_records(path, ["NA12878"], keys=keys)) == wanted
