"""Per-rule configuration: ``lint.rules.<id>: {enabled, level, <options>}`` in ci-helm.yaml.

Example::

    lint:
      rules:
        image-tag: {level: error}
        container-resources: {enabled: false}
        kube-schema: {strict: false, ignore-kinds: [SealedSecret]}

Option names use dashes in the file and map to the rule's ``Options`` dataclass fields.
Unknown rule ids, unknown option names and values of the wrong type are configuration
errors (exit 2), reported with the key that is wrong.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from ci_helm.errors import ConfigError
from ci_helm.lint.registry import Rule, all_rules
from ci_helm.model.results import Level

__all__ = ["ConfiguredRule", "configure_rules"]


@dataclass(frozen=True)
class ConfiguredRule:
    rule: Rule
    level: Level
    options: Any


def configure_rules(
    section: Mapping[str, Any] | None,
    *,
    enable: Iterable[str] = (),
    disable: Iterable[str] = (),
    options_overrides: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[ConfiguredRule]:
    """The enabled rules with their levels and options; flags (enable/disable) beat the file.

    ``options_overrides`` are rule options set by dedicated settings (``--lint-conf`` is
    ``yaml-style``'s ``config-file``); they beat the file's options.
    """
    rules_section = dict(_rules_section(section))
    for rule_id, extra in (options_overrides or {}).items():
        rules_section[rule_id] = {**(rules_section.get(rule_id) or {}), **extra}
    known = {r.id: r for r in all_rules()}
    for rule_id in [*rules_section, *enable, *disable]:
        if rule_id not in known:
            raise ConfigError(f"unknown lint rule {rule_id!r} (see `ci-helm lint --list-rules`)")
    enabled_ids, disabled_ids = set(enable), set(disable)
    out = []
    for rule in known.values():
        entry = rules_section.get(rule.id) or {}
        where = f"lint.rules.{rule.id}"
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{where}: expected a mapping of options, got {type(entry).__name__}")
        on = _bool(entry.get("enabled", rule.enabled_by_default), f"{where}.enabled")
        on = (on or rule.id in enabled_ids) and rule.id not in disabled_ids
        if on:
            level = _level(entry.get("level", rule.default_level), f"{where}.level")
            out.append(ConfiguredRule(rule, level, _options(rule, entry, where)))
    return out


def _rules_section(section: Mapping[str, Any] | None) -> Mapping[str, Any]:
    if not section:
        return {}
    unknown = set(section) - {"rules"}
    if unknown:
        raise ConfigError(f"lint: unknown key(s) {', '.join(sorted(unknown))} (expected: rules)")
    rules = section.get("rules") or {}
    if not isinstance(rules, Mapping):
        raise ConfigError("lint.rules: expected a mapping of rule ids to settings")
    return rules


def _level(raw: Any, where: str) -> Level:
    try:
        return Level(str(raw).lower())
    except ValueError:
        raise ConfigError(f"{where}: {raw!r} is not one of error, warning, info") from None


def _bool(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ConfigError(f"{where}: expected true or false, got {raw!r}")
    return raw


def _options(rule: Rule, entry: Mapping[str, Any], where: str) -> Any:
    hints = typing.get_type_hints(rule.options_type)
    by_key = {f.name.replace("_", "-"): f.name for f in fields(rule.options_type)}
    given: dict[str, Any] = {}
    for key, value in entry.items():
        if key in ("enabled", "level"):
            continue
        name = by_key.get(key)
        if name is None:
            valid = ", ".join(sorted(by_key)) or "none"
            raise ConfigError(f"{where}: unknown option {key!r} (options: {valid})")
        given[name] = _coerce(value, hints[name], f"{where}.{key}")
    return rule.options_type(**given)


def _coerce(value: Any, hint: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    if origin in (tuple, list):
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(i, str | int | float) for i in items):
            raise ConfigError(f"{where}: expected a list of strings")
        return tuple(str(i) for i in items)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return None if value is None else _coerce(value, options[0], where)
    if hint is bool:
        return _bool(value, where)
    if hint in (int, float) and isinstance(value, int | float) and not isinstance(value, bool):
        return hint(value)
    if hint is str and isinstance(value, str | int | float):
        return str(value)
    raise ConfigError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
