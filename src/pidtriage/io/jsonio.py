"""JSON at the edge: the package's frozen dataclasses and enums to JSON and back (`to_jsonable` / `from_jsonable`),
and atomic writes.

A dataclass becomes an object with its fields in their order (field names are the JSON keys); an enum its value; a
VariantKey its text (`chrom:pos:ref:alt`); a tuple a list; a `dict[str, T]` an object. Three field options, set with
`field(metadata=...)` through the helpers below, keep documents as they were written before the model was typed:

- `omit_none()` / `omit_empty()`: the key is left out when the value is None / empty (a block that only some
  documents carry, e.g. the SV input);
- `flattened(prefix)`: a tuple of (name, text) pairs written as keys `prefix + name` of the parent object (the
  resource manifest entries of `provenance`);
- `memory_only()`: never written (what one step hands the next in one process, e.g. a genotype table; read back,
  the field takes its default, and the step that needs it reads its file again);
- a class may also define `json_omitted(self) -> Collection[str]`, the fields it leaves out (a rule over several
  fields).

`from_jsonable(cls, data)` rebuilds `cls` from such JSON: a key absent from `data` takes the field's default (a
document of an earlier schema version lacks the newer keys); a value of the wrong shape is a TypeError or
ValueError. A field typed `object` takes the JSON value as it is (the thresholds block: the config's values).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import types
import typing
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from pidtriage.models import VariantKey

__all__ = ["flattened", "from_jsonable", "memory_only", "omit_empty", "omit_none", "read_json", "to_jsonable",
           "write_json", "write_text"]


_PLAIN = (str, int, float, bool, type(None))
_OMIT = "json_omit"
_FLATTEN = "json_flatten"


def omit_none(default: Any = None) -> Any:
    """A field left out of the JSON when it is None (its default)."""
    return dataclasses.field(default=default, metadata={_OMIT: _is_none})


def omit_empty(default: Any = "") -> Any:
    """A field left out of the JSON when it is empty ("", (), None, 0, False)."""
    return dataclasses.field(default=default, metadata={_OMIT: _is_empty})


def memory_only(default: Any = None) -> Any:
    """A field never written to JSON (nor compared): what a step hands the next one in the same process."""
    return dataclasses.field(default=default, compare=False, repr=False, metadata={_OMIT: _always})


def _always(value: Any) -> bool:
    return True


def flattened(prefix: str) -> Any:
    """A tuple of (name, text) pairs written as keys `prefix + name` of the parent object."""
    return dataclasses.field(default=(), metadata={_FLATTEN: prefix})


def _is_none(value: Any) -> bool:
    return value is None


def _is_empty(value: Any) -> bool:
    return not value


@dataclasses.dataclass(frozen=True, slots=True)
class _Field:
    name: str
    omit: Callable[[Any], bool] | None
    flatten: str | None


_FIELDS: dict[type, tuple[_Field, ...]] = {}  # a dataclass's fields, looked up once per class
_HINTS: dict[type, dict[str, Any]] = {}


def _fields(kind: type) -> tuple[_Field, ...]:
    found = _FIELDS.get(kind)
    if found is None:
        found = _FIELDS[kind] = tuple(_Field(f.name, f.metadata.get(_OMIT), f.metadata.get(_FLATTEN))
                                      for f in dataclasses.fields(kind))
    return found


def to_jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if isinstance(value, VariantKey):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _object(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return value


def _object(value: Any) -> dict[str, Any]:
    hook = getattr(value, "json_omitted", None)
    left_out: Collection[str] = hook() if hook is not None else ()
    out: dict[str, Any] = {}
    for f in _fields(type(value)):
        v = getattr(value, f.name)
        if f.name in left_out or (f.omit is not None and f.omit(v)):
            continue
        if f.flatten is not None:
            out |= {f.flatten + name: to_jsonable(text) for name, text in v}
        else:
            out[f.name] = to_jsonable(v)
    return out


def from_jsonable(cls: Any, data: Any) -> Any:
    """Rebuild `cls` (a dataclass, enum, VariantKey, tuple[...], dict[str, ...] or Optional of them) from
    `to_jsonable` output (module docstring)."""
    return _decoder(cls)(data)


_DECODERS: dict[Any, Callable[[Any], Any]] = {}


def _decoder(cls: Any) -> Callable[[Any], Any]:
    """The function that rebuilds `cls` from JSON, made once per type (a case's document has ~10,000 values)."""
    found = _DECODERS.get(cls)
    if found is None:
        found = _DECODERS[cls] = _make_decoder(cls)
    return found


def _same(data: Any) -> Any:
    return data


def _make_decoder(cls: Any) -> Callable[[Any], Any]:
    if cls is object or cls is Any or cls in _PLAIN:
        return _same
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        member = _decoder(next(a for a in typing.get_args(cls) if a is not type(None)))
        return lambda data: None if data is None else member(data)
    if origin is tuple:
        args = typing.get_args(cls)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(v) for v in _listed(data, cls))
        items = [_decoder(a) for a in args]
        return lambda data: tuple(f(v) for f, v in zip(items, _listed(data, cls), strict=False))
    if origin in (dict, Mapping):
        value = _decoder(typing.get_args(cls)[1])
        return lambda data: {str(k): value(v) for k, v in _mapping(data, cls).items()}
    if cls is VariantKey:
        return VariantKey.parse
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        return cls
    if dataclasses.is_dataclass(cls):
        return _dataclass_decoder(cls)
    return _same


def _listed(data: Any, cls: Any) -> list[Any] | tuple[Any, ...]:
    if not isinstance(data, list | tuple):
        raise TypeError(f"expected a list for {cls}, got {type(data).__name__}")
    return data


def _mapping(data: Any, cls: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise TypeError(f"expected an object for {cls}, got {type(data).__name__}")
    return data


def _dataclass_decoder(cls: Any) -> Callable[[Any], Any]:
    hints = typing.get_type_hints(cls)
    plain = [(f.name, _decoder(hints[f.name])) for f in _fields(cls) if f.flatten is None]
    flat = [(f.name, f.flatten) for f in _fields(cls) if f.flatten is not None]

    def decode(data: Any) -> Any:
        data = _mapping(data, cls)
        values = {name: fn(data[name]) for name, fn in plain if name in data}
        for name, prefix in flat:
            values[name] = tuple((k[len(prefix):], str(v)) for k, v in data.items() if k.startswith(prefix))
        return cls(**values)

    return decode


def _tmp_name(p: Path) -> Path:
    """A temporary name beside `p`, unique to this process: two runs writing into one directory never share it."""
    return p.with_name(f".{p.name}.{os.getpid()}.tmp")


def write_json(path: str | Path, data: Any, *, compact: bool = False) -> None:
    """Write atomically (temporary file, then rename): no half-written outputs after a kill. Indented for a
    reader; `compact` (one line, Python's C encoder: ~10x faster) for records only a program reads."""
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
