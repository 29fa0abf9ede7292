"""Immunological features in a controlled form, for IUIS entries and for patients.

The controlled form is `key=value;key=value`, keys from `FEATURE_KEYS` and values from `LEVELS`; a
feature the source gives as a range carries alternatives joined by `|` (`T=low|normal`).

IUIS writes free text ("Very low", "Normal to low", "Low IgM, normal IgG, variable IgA", "Low NK");
`parse_iuis_features` turns the text it recognises into that form and ignores the rest. IUIS "very low"
(the SCID range) is read as `absent`, because laboratories report such counts as absent.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "FEATURE_KEYS",
    "LEVELS",
    "format_features",
    "match_features",
    "parse_features",
    "parse_iuis_features",
]

FEATURE_KEYS: tuple[str, ...] = ("T", "CD4", "CD8", "B", "NK", "IgG", "IgA", "IgM", "IgE", "neutrophils")
LEVELS: tuple[str, ...] = ("absent", "low", "normal", "high")

_LEVEL_WORDS: tuple[tuple[str, str], ...] = (
    (r"\bvery low\b|\babsent\b|\bmarkedly decreased\b|\bprofound(ly)? (low|decreased)\b|\bnone\b", "absent"),
    (r"\blow\b|\bdecreas\w*|\breduc\w*|\bdefici\w*|\blymphopenia\b|\bneutropenia\b|\bdiminish\w*", "low"),
    (r"\bnormal\b|\bnl\b", "normal"),
    (r"\bhigh\b|\bincreas\w*|\belevat\w*|\bneutrophilia\b|\bleukocytosis\b", "high"),
)
_ISOTYPES = ("IgG", "IgA", "IgM", "IgE")


def _levels_in(text: str) -> list[str]:
    """Levels named in a phrase, in vocabulary order, without duplicates."""
    found = []
    lowered = text.lower()
    for pattern, level in _LEVEL_WORDS:
        if re.search(pattern, lowered):
            found.append(level)
    # "very low" also matches "low"; absent wins there
    if "absent" in found and re.search(r"very low", lowered) and not re.search(r"(?<!very )\blow\b", lowered):
        found.remove("low")
    return [lv for lv in LEVELS if lv in found]


def _put(features: dict[str, list[str]], key: str, levels: list[str]) -> None:
    if not levels:
        return
    current = features.setdefault(key, [])
    for lv in levels:
        if lv not in current:
            current.append(lv)


def _parse_t_cells(text: str, features: dict[str, list[str]]) -> None:
    for part in re.split(r"[,;.]", text):
        sub_keys = [k for k in ("CD4", "CD8") if k.lower() in part.lower()]
        levels = _levels_in(part)
        if sub_keys:
            for k in sub_keys:
                _put(features, k, levels)
        elif re.search(r"\bNK\b", part):
            _put(features, "NK", levels)
        elif not re.search(r"\b(naive|memory|DN|double negative|Treg|gamma|TCR|RTE|subset|function)\b", part, re.I):
            _put(features, "T", levels)


def _parse_immunoglobulins(text: str, features: dict[str, list[str]]) -> None:
    if not text.strip():
        return
    parts = re.split(r"[,;.]", text)
    named_any = False
    for part in parts:
        isotypes = [iso for iso in _ISOTYPES if re.search(rf"\b{iso}\d?\b", part, re.I)]
        levels = _levels_in(part)
        if isotypes:
            named_any = True
            for iso in isotypes:
                _put(features, iso, levels)
    if not named_any:
        levels = _levels_in(text)
        for iso in ("IgG", "IgA", "IgM"):
            _put(features, iso, levels)


def parse_iuis_features(
    *,
    t_cells: str = "",
    b_cells: str = "",
    immunoglobulins: str = "",
    neutrophils: str = "",
    other_cells: str = "",
) -> str:
    """The controlled form of one IUIS row's immunological columns ("" when nothing is recognised)."""
    features: dict[str, list[str]] = {}
    _parse_t_cells(t_cells, features)
    b_main = re.split(r"\bbut\b|,|;", b_cells)[0] if b_cells else ""
    if not re.search(r"\b(memory|switched|transitional|naive)\b", b_main, re.I) or re.search(
        r"\bB cells?\b", b_main, re.I
    ):
        _put(features, "B", _levels_in(b_main))
    _parse_immunoglobulins(immunoglobulins, features)
    _put(features, "neutrophils", _levels_in(neutrophils))
    for part in re.split(r"[,;.]", other_cells):
        if re.search(r"\bNK\b", part):
            _put(features, "NK", _levels_in(part))
        if re.search(r"neutrop", part, re.I):
            _put(features, "neutrophils", _levels_in(part))
    return format_features({k: features[k] for k in FEATURE_KEYS if features.get(k)})


def format_features(features: Mapping[str, list[str] | str]) -> str:
    items = []
    for key in FEATURE_KEYS:
        value = features.get(key)
        if not value:
            continue
        levels = [value] if isinstance(value, str) else [lv for lv in LEVELS if lv in value]
        items.append(f"{key}={'|'.join(levels)}")
    return ";".join(items)


def parse_features(text: str, *, where: str = "") -> dict[str, set[str]]:
    """Parse the controlled form (as in the sample sheet's `immunophenotype` column).

    Raises ValueError with the offending item when a key or value is not in the vocabulary.
    """
    result: dict[str, set[str]] = {}
    for item in (text or "").split(";"):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        canonical = {k.lower(): k for k in FEATURE_KEYS}.get(key.lower())
        if not sep or canonical is None:
            raise ValueError(
                f"{where}immunophenotype item {item!r}: keys are {', '.join(FEATURE_KEYS)}, written key=value"
            )
        levels = {v.strip().lower() for v in value.split("|")}
        bad = levels - set(LEVELS)
        if bad:
            raise ValueError(f"{where}immunophenotype {key}={value}: values are {', '.join(LEVELS)}")
        result[canonical] = levels
    return result


def match_features(patient: Mapping[str, set[str]], disease: Mapping[str, set[str]]) -> tuple[list[str], list[str]]:
    """Which of the patient's features agree with a disease's, and which contradict it.

    A feature the disease does not describe is neither. `absent` and `low` are neighbours: a patient with
    absent cells agrees with a disease described as low, and the other way round.
    """
    agree, contradict = [], []
    for key in FEATURE_KEYS:
        if key not in patient or key not in disease:
            continue
        p, d = patient[key], disease[key]
        widened = set(d) | ({"absent", "low"} if d & {"absent", "low"} else set())
        label = f"{key}={'|'.join(sorted(p))}"
        if p & widened:
            agree.append(label)
        else:
            contradict.append(label)
    return agree, contradict
