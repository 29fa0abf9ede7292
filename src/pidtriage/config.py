"""The configuration: defaults from the schema (one source of truth), validated, with typed thresholds."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pidtriage.errors import ConfigError

__all__ = ["Config", "load_config", "load_yaml", "schema", "user_config", "write_merged_config"]

# libyaml's safe loader when PyYAML was built with it (the wheels are): ~10x faster than the pure-Python one,
# which cost ~0.05 s of every command's start on the config schema alone
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """YAML text as Python objects (the safe subset: no tags that build objects)."""
    return yaml.load(text, Loader=_SAFE_LOADER)


@cache
def schema() -> dict[str, Any]:
    text = resources.files("pidtriage").joinpath("data/config.schema.yaml").read_text(encoding="utf-8")
    loaded: dict[str, Any] = load_yaml(text)
    return loaded


def _fill_defaults(node: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    out = dict(values)
    for key, sub in node.get("properties", {}).items():
        if key not in out and "default" in sub:
            out[key] = copy.deepcopy(sub["default"])
        if sub.get("type") == "object" and isinstance(out.get(key), dict):
            out[key] = _fill_defaults(sub, out[key])
    return out


@dataclass(frozen=True)
class Config:
    """The validated configuration. `values` is the full dict (written into triage.json as thresholds)."""

    values: dict[str, Any]
    base_dir: Path

    def get(self, *keys: str) -> Any:
        node: Any = self.values
        for key in keys:
            node = node[key]
        return node

    def path(self, *keys: str) -> str:
        """A path-valued key resolved against the config's base directory ("" stays "")."""
        return self.resolve(str(self.get(*keys) or ""))

    def resolve(self, value: str) -> str:
        """A path from the config (any key, list items included) against the base directory ("" stays "")."""
        if not value:
            return ""
        p = Path(value)
        return str(p if p.is_absolute() else self.base_dir / p)

    @property
    def build(self) -> str:
        return str(self.values["genome_build"])


def load_config(path: str | Path | None = None, *, overrides: dict[str, Any] | None = None,
                base_dir: str | Path | None = None) -> Config:
    """Read a YAML config (or none), fill every default from the schema, validate.

    Relative paths in the config are resolved against `base_dir` (default: the current directory, as for
    Snakemake, which runs from the project directory).
    """
    raw = user_config([path] if path else [], overrides)
    return validate_config(raw, source=str(path or "<defaults>"), base_dir=base_dir)


@cache
def _validator() -> Any:
    """The schema's validator, built once (jsonschema.validate re-checks the schema itself on every call)."""
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


def validate_config(raw: dict[str, Any], *, source: str = "<config>", base_dir: str | Path | None = None) -> Config:
    values = _fill_defaults(schema(), raw)
    try:
        error = jsonschema.exceptions.best_match(_validator().iter_errors(values))  # as jsonschema.validate picks
        if error is not None:
            raise error
    except jsonschema.ValidationError as exc:
        where = ".".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise ConfigError(
            f"{source}: {where}: {exc.message}; see workflow/schemas/config.schema.yaml"
        ) from None
    _check_order(values, source)
    config = Config(values=values, base_dir=Path(base_dir) if base_dir else Path.cwd())
    previous = config.path("reanalysis", "previous")
    if previous and Path(previous).resolve() == Path(config.path("outdir") or ".").resolve():
        raise ConfigError(f"{source}: reanalysis.previous is this run's outdir ({previous}); the run would overwrite "
                          "what it compares with: keep the previous results where they are and give this run a new outdir")
    return config


# thresholds that must keep their order (lower first): a range upside down would silently accept or drop everything
_ORDERED = (
    ("qc", ("hard_min_het_allele_balance", "min_het_allele_balance", "max_het_allele_balance",
            "hard_max_het_allele_balance")),
    ("qc", ("hard_min_gq", "min_gq")),
    ("acmg", ("pm2_max_af", "bs1_min_af", "ba1_min_af")),
)  # fmt: skip


def _check_order(values: dict[str, Any], source: str) -> None:
    for block, keys in _ORDERED:
        for a, b in pairwise(keys):
            x, y = values[block][a], values[block][b]
            if x > y:
                raise ConfigError(f"{source}: {block}.{a} ({x}) is above {block}.{b} ({y}); they must be in the order "
                                  f"{' <= '.join(keys)}")


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def write_merged_config(values: dict[str, Any], path: str | Path) -> str:
    """Write the effective config as YAML (only when its content changes, atomically: a cluster job that parses
    the workflow again rewrites nothing) and return the path."""
    p = Path(path)
    text = yaml.safe_dump(values, sort_keys=True)
    if not p.exists() or p.read_text(encoding="utf-8") != text:
        p.parent.mkdir(parents=True, exist_ok=True)
        tmp = p.with_name(f"{p.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, p)
    return str(p)


def user_config(paths: list[str | Path], overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The YAML files merged in order (nested keys merged), then `overrides` (Snakemake's --config)."""
    raw: dict[str, Any] = {}
    for path in paths:
        try:
            loaded = load_yaml(Path(path).read_text(encoding="utf-8")) or {}
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the config ({exc.strerror})") from exc
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML ({exc})") from exc
        raw = _merge(raw, loaded)
    return _merge(raw, overrides or {})
