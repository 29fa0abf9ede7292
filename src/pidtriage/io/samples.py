"""The sample sheet: read, validate, and turn affected individuals into cases with their relatives.

Errors in the sheet itself (duplicate IDs, unknown sex, a parent not in the sheet) are `ConfigError` /
`PedigreeError` raised before anything runs: they are the user's to fix, not a case to mark failed.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pidtriage.errors import ConfigError, PedigreeError
from pidtriage.models import CaseInfo, Sex
from pidtriage.panel.features import parse_features
from pidtriage.triage.phenotype import HPO_ID

__all__ = ["JointVcf", "SampleRow", "apply_pedigree", "cases_from_rows", "check_case_fields", "check_sample_id",
           "joint_vcfs", "read_ped", "read_sample_sheet"]

_ID = re.compile(r"^[A-Za-z0-9._-]+$", re.ASCII)
_CATEGORY = re.compile(r"^[0-9]+$", re.ASCII)
REQUIRED = ("sample_id", "vcf", "sex")
OPTIONAL = (
    "vcf_sample", "family_id", "father_id", "mother_id", "affected", "suspected_category", "hpo_terms",
    "hpo_excluded", "immunophenotype", "coverage", "phenopacket", "sv_vcf",
)  # fmt: skip

SampleRow = dict[str, str]


def read_sample_sheet(path: str | Path, *, pedigree: str | Path | None = None,
                      base_dir: str | Path | None = None) -> list[SampleRow]:
    """The sheet's rows, checked; with `pedigree` (a PED file) its family, parents, sex and affection status
    filled in for the sheet's samples. A row with a `phenopacket` (relative paths against `base_dir`, default the
    current directory) takes what its cells leave empty from it (io/phenopacket.py), and a Family phenopacket
    adds its relatives as rows."""
    rows = _read_sheet(Path(path), Path(base_dir) if base_dir else None)
    if pedigree:
        rows = apply_pedigree(rows, read_ped(pedigree), sheet=Path(path))
    for row in rows:
        row["affected"] = row["affected"] or "true"  # the sheet's default: every individual is a case
    _check_parents(rows, Path(path))
    return rows


def _with_phenopacket(row: SampleRow, base_dir: Path | None, where: str) -> list[SampleRow]:
    """The row completed from its phenopacket (the sheet's own cells win), then the phenopacket's relatives."""
    from pidtriage.io.phenopacket import read_phenopacket  # protobuf: loaded only for sheets that use it

    path = Path(row["phenopacket"])
    found = read_phenopacket(path if path.is_absolute() or base_dir is None else base_dir / path)
    proband = found[0]
    if row.get("sample_id") and row["sample_id"] != proband["sample_id"]:
        raise ConfigError(f"{where}: sample_id {row['sample_id']!r} but the phenopacket {path} is about "
                          f"{proband['sample_id']!r}; make them the same")
    merged = {**proband, **{k: v for k, v in row.items() if v}}
    return [merged, *found[1:]]


def _read_sheet(p: Path, base_dir: Path | None = None) -> list[SampleRow]:
    text = _sheet_text(p)
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip() and not line.startswith("#")]
    if not lines:
        raise ConfigError(f"{p}: the sample sheet is empty; it needs a header and one row per individual")
    # a TSV, not a CSV: a quote is a character like any other (CSV quoting would swallow the following rows)
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = [h.strip() for h in reader.fieldnames or []]
    _check_header(header, p)
    rows: list[SampleRow] = []
    seen: dict[str, int] = {}
    for n, raw in enumerate(reader, start=2):
        if None in raw:
            raise ConfigError(f"{p} line {n}: more cells than header columns ({len(header)}); check the tabs")
        cells = {k.strip(): (v or "").strip() for k, v in raw.items() if k is not None}
        for row in (_with_phenopacket(cells, base_dir, f"{p} line {n}") if cells.get("phenopacket") else [cells]):
            rows.append(_checked_row(row, p, n, seen))
    return rows


def _checked_row(row: SampleRow, p: Path, n: int, seen: dict[str, int]) -> SampleRow:
    """One row held to the sheet's rules (line `n` of sheet `p`; `seen`: sample IDs so far and their lines)."""
    sid = row.get("sample_id", "")
    check_sample_id(sid, where=f"{p} line {n}")
    check_case_fields("", row.get("suspected_category", ""), row.get("immunophenotype", ""),
                      where=f"{p} line {n} ({sid})", hpo_terms=row.get("hpo_terms", ""),
                      hpo_excluded=row.get("hpo_excluded", ""))
    if sid in seen:
        raise ConfigError(f"{p} line {n}: duplicate sample_id {sid!r} (also line {seen[sid]}); IDs must be unique")
    seen[sid] = n
    if row.get("sex", "").lower() not in ("male", "female", "unknown"):
        raise ConfigError(f"{p} line {n} ({sid}): sex {row.get('sex')!r} must be male, female or unknown")
    row["sex"] = row["sex"].lower()
    if not row.get("vcf"):
        raise ConfigError(f"{p} line {n} ({sid}): the vcf column is empty")
    affected = row.get("affected", "").lower()
    if affected not in ("", "true", "false", "unknown"):
        raise ConfigError(f"{p} line {n} ({sid}): affected {row.get('affected')!r} must be true, false or unknown")
    row["affected"] = affected
    for col in OPTIONAL:
        row.setdefault(col, "")
    return row


def check_sample_id(sid: str, *, where: str) -> None:
    """Letters, digits, '.', '_' and '-', and not '.' or '..' (a sample ID becomes a folder name)."""
    if not _ID.match(sid) or sid in (".", ".."):
        raise ConfigError(f"{where}: sample_id {sid!r} must use letters, digits, '.', '_' or '-' (and not be '.' or "
                          "'..'); it names the case's folder")


def check_case_fields(sample_id: str, suspected_category: str, immunophenotype: str, *, where: str,
                      hpo_terms: str = "", hpo_excluded: str = "") -> None:
    """The fields a case carries, held to the same rules in the sheet and on `pidtriage run`'s command line."""
    if sample_id:
        check_sample_id(sample_id, where=where)
    for column, text in (("hpo_terms", hpo_terms), ("hpo_excluded", hpo_excluded)):
        odd = [t for t in split_terms(text) if not HPO_ID.match(t)]
        if odd:
            raise ConfigError(f"{where}: {column} {odd[0]!r} is not an HPO term ID (HP: and seven digits, e.g. "
                              "HP:0004313; ';'-separated)")
    bad = [c for c in suspected_category.split(";") if c.strip() and not _CATEGORY.match(c.strip())]
    if bad:
        raise ConfigError(f"{where}: suspected_category {bad[0]!r} is not an IUIS table number (1-10, ';'-separated, "
                          "ASCII digits)")
    try:
        parse_features(immunophenotype, where=f"{where}: ")
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def split_terms(text: str) -> tuple[str, ...]:
    """A ';'-separated list of HPO term IDs (commas accepted too)."""
    return tuple(x.strip() for x in text.replace(",", ";").split(";") if x.strip())


def _sheet_text(p: Path) -> str:
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the sample sheet ({exc.strerror}); check the `samples:` key") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError(f"{p}: the sample sheet is UTF-16 text; save it as UTF-8 (tab-separated text)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: the sample sheet is not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                          "(tab-separated text)") from None


def _check_header(header: list[str], p: Path) -> None:
    """Required columns present; no duplicated column; an unknown column is refused with the nearest known name
    (a misspelled `Father_ID` would otherwise turn a trio into singletons without a word)."""
    known = (*REQUIRED, *OPTIONAL)
    if len(header) == 1 and "," in header[0]:
        raise ConfigError(f"{p}: the sample sheet looks comma-separated; it must be tab-separated")
    dup = sorted({h for h in header if header.count(h) > 1})
    if dup:
        raise ConfigError(f"{p}: column {dup[0]!r} appears more than once in the header")
    for h in header:
        if h not in known:
            near = difflib.get_close_matches(h.lower(), known, n=1, cutoff=0.6)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known columns: {', '.join(known)}"
            raise ConfigError(f"{p}: unknown column {h!r}{hint}")
    missing = [c for c in REQUIRED if c not in header and not (c != "sample_id" and "phenopacket" in header)]
    if missing:
        raise ConfigError(f"{p}: missing column(s) {', '.join(missing)} (tab-separated, see config/README.md)")


_PED_SEX = {"1": "male", "2": "female"}
_PED_STATUS = {"2": "true", "1": "false"}


def read_ped(path: str | Path) -> dict[str, dict[str, str]]:
    """A PED file (6 columns, whitespace-separated, `#` comments) as sheet columns per individual ID."""
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read the PED file ({exc.strerror}); check the `pedigree:` key") from exc
    out: dict[str, dict[str, str]] = {}
    for n, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        f = line.split()
        if len(f) < 6:
            raise PedigreeError(f"{p} line {n}: a PED line needs 6 columns (family, individual, father, mother, sex, "
                                f"phenotype); found {len(f)}")
        fam, ind, father, mother, sex, pheno = f[:6]
        out[ind] = {"family_id": fam, "father_id": "" if father in ("0", "-9") else father,
                    "mother_id": "" if mother in ("0", "-9") else mother, "sex": _PED_SEX.get(sex, "unknown"),
                    "affected": _PED_STATUS.get(pheno, "unknown")}  # fmt: skip
    return out


def apply_pedigree(rows: list[SampleRow], ped: dict[str, dict[str, str]], *, sheet: Path) -> list[SampleRow]:
    """The PED fills empty sheet columns and sets affection status where it knows it (phenotype 1 or 2; a PED
    "unknown" keeps the sheet's value); it never silently changes a stated sex."""
    out = []
    ids = {r["sample_id"] for r in rows}
    for r in rows:
        entry = ped.get(r["sample_id"]) or ped.get(r.get("vcf_sample", ""))
        if not entry:
            out.append(r)
            continue
        row = dict(r)
        if entry["sex"] != "unknown" and row["sex"] not in ("unknown", entry["sex"]):
            raise PedigreeError(f"{sheet}: {r['sample_id']} is {row['sex']} in the sheet but {entry['sex']} in the "
                                "PED file; correct one of them")
        if row["sex"] == "unknown":
            row["sex"] = entry["sex"]
        for col in ("family_id", "father_id", "mother_id"):
            if not row.get(col) and entry[col] in ids:
                row[col] = entry[col]
        if entry["affected"] != "unknown" or not row.get("affected"):
            row["affected"] = entry["affected"]  # a PED "unknown" (0/-9) keeps what the sheet says
        out.append(row)
    return out


def _check_parents(rows: list[SampleRow], path: Path) -> None:
    """Parents in the sheet, of the right sex, not the individual itself, and no one their own ancestor."""
    by_id = {r["sample_id"]: r for r in rows}
    if not any(r["affected"] == "true" for r in rows):
        raise ConfigError(f"{path}: no affected individual (affected = true) in the sheet: there is no case to "
                          "analyse; mark the patients affected")
    for r in rows:
        if r.get("father_id") and r.get("father_id") == r.get("mother_id"):
            raise PedigreeError(f"{path}: {r['sample_id']} has {r['father_id']} as both father and mother")
        for col, sex in (("father_id", "male"), ("mother_id", "female")):
            parent = r.get(col, "")
            if not parent or parent == "0":
                continue
            if parent == r["sample_id"]:
                raise PedigreeError(f"{path}: {r['sample_id']} is its own {col.removesuffix('_id')}; fix {col}")
            if parent not in by_id:
                raise PedigreeError(
                    f"{path}: {r['sample_id']}'s {col} {parent!r} is not in the sheet; add a row for {parent} or "
                    f"leave {col} empty"
                )
            if by_id[parent]["sex"] not in (sex, "unknown"):
                raise PedigreeError(f"{path}: {parent} is {r['sample_id']}'s {col} but its sex is {by_id[parent]['sex']}")
    for r in rows:
        seen, todo = set(), [p for p in (r.get("father_id"), r.get("mother_id")) if p]
        while todo:
            anc = todo.pop()
            if anc == r["sample_id"]:
                raise PedigreeError(f"{path}: {r['sample_id']} is its own ancestor (a loop in father_id/mother_id)")
            if anc in seen or anc not in by_id:
                continue
            seen.add(anc)
            todo += [p for p in (by_id[anc].get("father_id"), by_id[anc].get("mother_id")) if p]


def _path(value: str, base_dir: Path | None) -> str:
    if not value:
        return ""
    p = Path(value)
    return str(p if p.is_absolute() or base_dir is None else base_dir / p)


def cases_from_rows(rows: list[SampleRow], *, base_dir: Path | None = None) -> list[CaseInfo]:
    """Every affected individual as a case, with its parents' VCF names when the sheet has them."""
    by_id = {r["sample_id"]: r for r in rows}

    def vcf_path(row: SampleRow) -> str:
        p = Path(row["vcf"])
        return str(p if p.is_absolute() or base_dir is None else base_dir / p)

    cases = []
    for r in rows:
        if r["affected"] != "true":
            continue
        father, mother = by_id.get(r.get("father_id", "")), by_id.get(r.get("mother_id", ""))
        status = {"true": "affected", "false": "unaffected"}
        cases.append(
            CaseInfo(
                sample_id=r["sample_id"],
                vcf=vcf_path(r),
                vcf_sample=r.get("vcf_sample") or r["sample_id"],
                sex=Sex(r["sex"]),
                family_id=r.get("family_id") or r["sample_id"],
                father_id=father["sample_id"] if father else "",
                mother_id=mother["sample_id"] if mother else "",
                father_vcf_sample=(father.get("vcf_sample") or father["sample_id"]) if father else "",
                mother_vcf_sample=(mother.get("vcf_sample") or mother["sample_id"]) if mother else "",
                father_vcf=vcf_path(father) if father else "",
                mother_vcf=vcf_path(mother) if mother else "",
                father_status=status.get(father["affected"], "unknown") if father else "unknown",
                mother_status=status.get(mother["affected"], "unknown") if mother else "unknown",
                suspected_category=tuple(x.strip() for x in r.get("suspected_category", "").split(";") if x.strip()),
                hpo_terms=split_terms(r.get("hpo_terms", "")),
                hpo_excluded=split_terms(r.get("hpo_excluded", "")),
                immunophenotype=r.get("immunophenotype", ""),
                coverage=str(Path(r["coverage"]) if Path(r["coverage"]).is_absolute() or base_dir is None
                             else base_dir / r["coverage"]) if r.get("coverage") else "",
                sv_vcf=_path(r.get("sv_vcf", ""), base_dir),
                father_sv_vcf=_path(father.get("sv_vcf", ""), base_dir) if father else "",
                mother_sv_vcf=_path(mother.get("sv_vcf", ""), base_dir) if mother else "",
            )
        )
    return cases


@dataclass(frozen=True, slots=True)
class JointVcf:
    """A VCF that two or more cases of the sheet read (as the proband's or a parent's VCF)."""

    key: str  # a file-name-safe name: the VCF's stem and a hash of its real path
    vcf: str
    samples: tuple[str, ...]  # the names in the VCF of every individual of those cases, in sheet order
    cases: tuple[str, ...]


def joint_vcfs(cases: Iterable[CaseInfo]) -> dict[str, JointVcf]:
    """The VCFs read by at least two cases, by key: what the workflow extracts once (rule `joint`)."""
    users: dict[str, list[CaseInfo]] = {}
    members: dict[str, dict[str, None]] = {}
    given: dict[str, str] = {}
    for case in cases:
        for vcf, name in ((case.vcf, case.vcf_sample), (case.father_vcf, case.father_vcf_sample),
                          (case.mother_vcf, case.mother_vcf_sample)):
            if not vcf or not name:
                continue
            real = os.path.realpath(vcf)
            given.setdefault(real, vcf)
            members.setdefault(real, {})[name] = None
            if case not in users.setdefault(real, []):
                users[real].append(case)
    out = {}
    for real, using in users.items():
        if len(using) < 2:
            continue
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", Path(real).name.removesuffix(".gz").removesuffix(".vcf").removesuffix(".bcf"))
        key = f"{stem}-{hashlib.sha1(real.encode()).hexdigest()[:8]}"
        out[key] = JointVcf(key, given[real], tuple(members[real]), tuple(c.sample_id for c in using))
    return out
