"""Settings are declared once; flag, ``CI_HELM_*`` variable and ``ci-helm.yaml`` key derive from that.

A :class:`Setting` named ``chart-dirs`` is the flag ``--chart-dirs``, the variable
``CI_HELM_CHART_DIRS`` and the config-file key ``chart-dirs``. Precedence is
flag > env > file > default, and every resolved value remembers where it came from
so ``ci-helm config print`` can show it (secrets redacted).

Command modules declare their own settings at import time with :func:`declare`;
the CLI turns the declarations into argparse flags (:func:`add_flags`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Literal

from ci_helm.errors import ConfigError

__all__ = [
    "REGISTRY",
    "Resolved",
    "Setting",
    "Settings",
    "Source",
    "add_flags",
    "declare",
    "env_name",
    "resolve",
]

Kind = Literal["str", "bool", "int", "float", "list", "mapping"]
REDACTED = "***"


class Source(IntEnum):
    """Where a value came from; a higher source wins."""

    DEFAULT = 0
    FILE = 1
    ENV = 2
    FLAG = 3


@dataclass(frozen=True)
class Setting:
    """One setting, the single source of its flag, env var and config key."""

    name: str
    help: str
    kind: Kind = "str"
    default: Any = None
    secret: bool = False
    choices: tuple[str, ...] | None = None
    short: str | None = None
    # Other names the same value is known by: chart-testing's env vars (CT_*) and ct.yaml keys.
    env_aliases: tuple[str, ...] = ()
    flag: bool = True  # mapping-valued settings live only in the config file

    @property
    def env(self) -> str:
        return env_name(self.name)

    @property
    def dest(self) -> str:
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Resolved:
    setting: Setting
    value: Any
    source: Source
    origin: str  # "--flag", "CI_HELM_X", "ci-helm.yaml", "default"

    def shown(self) -> Any:
        if self.setting.secret and self.value not in (None, "", []):
            return REDACTED
        return self.value


@dataclass
class Settings:
    """Resolved values by setting name, with provenance."""

    values: dict[str, Resolved] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name].value

    def get(self, name: str, default: Any = None) -> Any:
        found = self.values.get(name)
        return default if found is None else found.value

    def source(self, name: str) -> Source:
        return self.values[name].source

    def rows(self) -> list[dict[str, Any]]:
        """One row per setting for ``config print``: name, value (redacted), source, origin."""
        return [
            {"name": r.setting.name, "value": r.shown(), "source": r.source.name.lower(), "origin": r.origin}
            for r in sorted(self.values.values(), key=lambda r: r.setting.name)
        ]


REGISTRY: dict[str, Setting] = {}


def declare(*settings: Setting) -> tuple[Setting, ...]:
    """Register settings (idempotent for the same declaration); returns them for ``add_flags``."""
    for s in settings:
        known = REGISTRY.get(s.name)
        if known is not None and known != s:
            raise ValueError(f"setting {s.name!r} declared twice with different definitions")
        REGISTRY[s.name] = s
    return settings


def env_name(name: str) -> str:
    return "CI_HELM_" + name.upper().replace("-", "_")


def add_flags(parser: argparse.ArgumentParser, settings: Iterable[Setting]) -> None:
    """Add one flag per setting. Flags default to *absent* so provenance stays exact."""
    for s in settings:
        if not s.flag:
            continue
        names = [f"--{s.name}"] + ([s.short] if s.short else [])
        kwargs: dict[str, Any] = {"dest": s.dest, "default": argparse.SUPPRESS, "help": _flag_help(s)}
        if s.kind == "bool":
            kwargs["action"] = argparse.BooleanOptionalAction
        elif s.kind == "list":
            kwargs["action"] = "append"
            kwargs["metavar"] = s.name.upper().replace("-", "_").removesuffix("S")
        else:
            kwargs["metavar"] = s.name.upper().replace("-", "_")
            if s.choices:
                kwargs["choices"] = s.choices
        parser.add_argument(*names, **kwargs)


def _flag_help(s: Setting) -> str:
    default = "" if s.default in (None, "", [], False) else f" (default: {s.default})"
    return f"{s.help}{default} [env: {s.env}]"


def resolve(
    settings: Iterable[Setting],
    *,
    flags: Mapping[str, Any],
    environ: Mapping[str, str],
    file_data: Mapping[str, Any],
    file_name: str = "ci-helm.yaml",
) -> Settings:
    """Resolve each setting by precedence flag > env > file > default."""
    out = Settings()
    for s in settings:
        out.values[s.name] = _resolve_one(s, flags, environ, file_data, file_name)
    return out


def _resolve_one(
    s: Setting,
    flags: Mapping[str, Any],
    environ: Mapping[str, str],
    file_data: Mapping[str, Any],
    file_name: str,
) -> Resolved:
    if s.dest in flags:
        return Resolved(s, _coerce(s, flags[s.dest], f"--{s.name}"), Source.FLAG, f"--{s.name}")
    for var in (s.env, *s.env_aliases):
        raw = environ.get(var)
        if raw is not None and raw != "":
            return Resolved(s, _coerce(s, raw, var), Source.ENV, var)
    if s.name in file_data:
        origin = f"{file_name}: {s.name}"
        return Resolved(s, _coerce(s, file_data[s.name], origin), Source.FILE, origin)
    return Resolved(s, s.default, Source.DEFAULT, "default")


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _coerce(s: Setting, raw: Any, origin: str) -> Any:
    try:
        value = _COERCERS[s.kind](raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{origin}: {exc}") from None
    if s.choices and value not in s.choices:
        raise ConfigError(f"{origin}: {value!r} is not one of {', '.join(s.choices)}")
    return value


def _to_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true or false, got {raw!r}")


def _to_list(raw: Any) -> list[str]:
    """Lists come as repeated flags, comma-separated strings, or YAML lists."""
    items = raw if isinstance(raw, list) else [raw]
    out: list[str] = []
    for item in items:
        if isinstance(item, dict | list):
            raise ValueError(f"expected a list of strings, got {type(item).__name__}")
        out.extend(part.strip() for part in str(item).split(",") if part.strip())
    return out


def _to_mapping(raw: Any) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise ValueError(f"expected a mapping, got {type(raw).__name__}")
    return raw


def _to_str(raw: Any) -> str:
    if isinstance(raw, dict | list):
        raise ValueError(f"expected a string, got {type(raw).__name__}")
    return str(raw)


_COERCERS: dict[str, Callable[[Any], Any]] = {
    "str": _to_str,
    "bool": _to_bool,
    "int": int,
    "float": float,
    "list": _to_list,
    "mapping": _to_mapping,
}
