"""JSON encoding of the package's frozen dataclasses and enums, for the files passed between stages."""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import types
import typing
from pathlib import Path
from typing import Any

__all__ = ["from_jsonable", "read_json", "to_jsonable", "write_json", "write_text"]


_PLAIN = (str, int, float, bool, type(None))
_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass's field names, looked up once per class


def to_jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELDS.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        return {name: to_jsonable(getattr(value, name)) for name in names}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def from_jsonable(cls: Any, data: Any) -> Any:
    """Rebuild `cls` (a dataclass, enum, tuple[...] or Optional of them) from `to_jsonable` output."""
    if data is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        members = [a for a in typing.get_args(cls) if a is not type(None)]
        return from_jsonable(members[0], data)
    if origin is tuple:
        args = typing.get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(from_jsonable(args[0], v) for v in data)
        return tuple(from_jsonable(a, v) for a, v in zip(args, data, strict=False))
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return cls(data)
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return typing.cast(Any, cls)(**{f.name: from_jsonable(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data})
    return data


def _tmp_name(p: Path) -> Path:
    """A temporary name beside `p`, unique to this process: two runs writing into one directory never share it."""
    return p.with_name(f".{p.name}.{os.getpid()}.tmp")


def write_json(path: str | Path, data: Any, *, compact: bool = False) -> None:
    """Write atomically (temporary file, then rename): no half-written outputs after a kill. Indented for a
    reader; `compact` (one line, Python's C encoder: ~10x faster) for the records passed between stages."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(p)
    tmp.write_text(json.dumps(to_jsonable(data), indent=None if compact else 2, ensure_ascii=False,
                              separators=(",", ":") if compact else None) + "\n")
    os.replace(tmp, p)


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text())


def write_text(path: str | Path, text: str) -> None:
    """Write atomically (temporary file, then rename)."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = _tmp_name(p)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, p)
