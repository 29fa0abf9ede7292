"""Resolving gene symbols to HGNC IDs through approved, newer (MANE), previous and alias symbols."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Resolution", "SymbolResolver"]


@dataclass(frozen=True, slots=True)
class Resolution:
    hgnc_id: str
    method: str  # approved | mane | panelapp | previous:<old> | alias:<old> | hgnc_id


class SymbolResolver:
    """Resolve a symbol in this order: HGNC approved, MANE symbol (newer than the HGNC set), PanelApp symbol,
    HGNC previous symbol, HGNC alias symbol. A previous or alias symbol shared by several genes is
    ambiguous and does not resolve."""

    def __init__(
        self,
        *,
        approved: Iterable[tuple[str, str]],
        newer: Iterable[tuple[str, str]] = (),
        panelapp: Iterable[tuple[str, str]] = (),
        previous: Iterable[tuple[str, str]] = (),
        aliases: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._exact: list[tuple[str, dict[str, str]]] = [
            ("approved", {s.upper(): h for s, h in approved}),
            ("mane", {s.upper(): h for s, h in newer}),
            ("panelapp", {s.upper(): h for s, h in panelapp}),
        ]
        self._many: list[tuple[str, dict[str, set[str]]]] = []
        for method, pairs in (("previous", previous), ("alias", aliases)):
            table: dict[str, set[str]] = defaultdict(set)
            for s, h in pairs:
                table[s.upper()].add(h)
            self._many.append((method, table))
        self.ambiguous: dict[str, set[str]] = {}

    def resolve(self, symbol: str) -> Resolution | None:
        key = symbol.strip().upper()
        if key.startswith("HGNC:"):
            return Resolution(key, "hgnc_id")
        for method, table in self._exact:
            if key in table:
                return Resolution(table[key], method)
        for method, many in self._many:
            ids = many.get(key)
            if not ids:
                continue
            if len(ids) == 1:
                return Resolution(next(iter(ids)), f"{method}:{symbol.strip()}")
            self.ambiguous[symbol.strip()] = ids
        return None
