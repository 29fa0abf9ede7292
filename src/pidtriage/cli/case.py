"""Per-case subcommands (filled in by the backbone)."""

from __future__ import annotations

from typing import Any


def add_parsers(sub: Any) -> None:
    return None
