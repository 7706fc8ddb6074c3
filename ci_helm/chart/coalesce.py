"""Helm's value coalescing (``pkg/chart/common/util/coalesce.go``), ported line for line.

- user values override chart defaults; maps merge, scalars and lists replace;
- a ``null`` from the user deletes the chart default (coalesce), or is kept (merge);
- each subchart sees ``<parent values>[<subchart name or alias>]`` merged over its own
  defaults, plus the parent's ``global`` section (the parent's globals win);
- chart-default ``null``s never leak into the result when coalescing.

The port keeps Helm's copy semantics on purpose (deep copies where Go deep-copies,
shared maps where Go shares them), because a few observable quirks -- a subchart's
nested globals showing up in the parent's -- come from exactly that sharing.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ci_helm.chart.model import Chart
from ci_helm.errors import ValuesError

__all__ = ["Warn", "coalesce_tables", "coalesce_values", "merge_tables", "merge_values"]

Warn = Callable[[str], None]
GLOBAL = "global"


def _ignore(_: str) -> None:
    return None


def coalesce_values(chart: Chart, values: dict[str, Any] | None, *, warn: Warn = _ignore) -> dict[str, Any]:
    """Helm's ``CoalesceValues``: the values a chart and its subcharts render with."""
    return _coalesce(chart, copy.deepcopy(values or {}), "", merge=False, warn=warn)


def merge_values(chart: Chart, values: dict[str, Any] | None, *, warn: Warn = _ignore) -> dict[str, Any]:
    """Helm's ``MergeValues``: like coalescing, but every ``null`` is kept."""
    return _coalesce(chart, copy.deepcopy(values or {}), "", merge=True, warn=warn)


def coalesce_tables(dst: dict[str, Any], src: dict[str, Any], *, warn: Warn = _ignore) -> dict[str, Any]:
    """Helm's ``CoalesceTables``: ``dst`` wins; a ``null`` in ``dst`` deletes ``src``'s value."""
    return _tables(dst, src, "", merge=False, warn=warn)


def merge_tables(dst: dict[str, Any], src: dict[str, Any], *, warn: Warn = _ignore) -> dict[str, Any]:
    """Helm's ``MergeTables``: ``dst`` wins, ``null``s are kept."""
    return _tables(dst, src, "", merge=True, warn=warn)


def _name(chart: Chart) -> str:
    return chart.metadata.name


def _prefix(a: str, b: str) -> str:
    return f"{a}.{b}" if a else b


def _coalesce(chart: Chart, dest: dict[str, Any], prefix: str, *, merge: bool, warn: Warn) -> dict[str, Any]:
    _coalesce_own(chart, dest, prefix, merge=merge, warn=warn)
    return _coalesce_deps(chart, dest, prefix, merge=merge, warn=warn)


def _coalesce_deps(
    chart: Chart, dest: dict[str, Any], prefix: str, *, merge: bool, warn: Warn
) -> dict[str, Any]:
    for sub in chart.subcharts:
        name = _name(sub)
        if name not in dest:
            dest[name] = {}
        elif not isinstance(dest[name], dict):
            raise ValuesError(
                f"type mismatch on {name}: values for a subchart must be a map, not {dest[name]!r}"
            )
        section = dest[name]
        sub_prefix = _prefix(prefix, _name(chart))
        _coalesce_globals(section, dest, sub_prefix, warn)
        dest[name] = _coalesce(sub, section, sub_prefix, merge=merge, warn=warn)
    return dest


def _coalesce_globals(dest: dict[str, Any], src: dict[str, Any], prefix: str, warn: Warn) -> None:
    """The parent's ``global`` flows into the subchart's; the parent's entries win."""
    dest_globals = dest.get(GLOBAL, {})
    if not isinstance(dest_globals, dict):
        warn(f"skipping globals because destination {GLOBAL} is not a table.")
        return
    src_globals = src.get(GLOBAL, {})
    if not isinstance(src_globals, dict):
        warn(f"skipping globals because source {GLOBAL} is not a table.")
        return
    for key, value in src_globals.items():
        if isinstance(value, dict):
            copied = dict(value)  # shallow, as Helm's copyMap
            current = dest_globals.get(key)
            if key not in dest_globals:
                dest_globals[key] = copied
            elif not isinstance(current, dict):
                warn(f"Conflict: cannot merge map onto non-map for {key!r}. Skipping.")
            else:
                _tables(copied, current, _prefix(prefix, key), merge=True, warn=warn)
                dest_globals[key] = copied
        elif isinstance(dest_globals.get(key), dict):
            warn(f"key {key} is table. Skipping")
        else:
            dest_globals[key] = value
    dest[GLOBAL] = dest_globals


def _coalesce_own(chart: Chart, v: dict[str, Any], prefix: str, *, merge: bool, warn: Warn) -> None:
    """A chart's defaults under the values ``v`` (which win)."""
    sub_prefix = _prefix(prefix, _name(chart))
    defaults = copy.deepcopy(chart.values)
    subchart_names = {_name(s) for s in chart.subcharts}
    for key, default in defaults.items():
        if key not in v:
            if not merge:
                if default is None:
                    continue
                if isinstance(default, dict):
                    _clean_nils(default)
            v[key] = default
            continue
        value = v[key]
        if value is None and not merge:
            del v[key]
        elif isinstance(value, dict):
            if not isinstance(default, dict):
                if default is not None:
                    warn(f"warning: skipped value for {sub_prefix}.{key}: Not a table.")
                continue
            key_merge = merge or key in subchart_names
            if not key_merge:
                _clean_nils(default)
            _tables(value, default, _prefix(sub_prefix, key), merge=key_merge, warn=warn)


def _tables(
    dst: dict[str, Any], src: dict[str, Any], prefix: str, *, merge: bool, warn: Warn
) -> dict[str, Any]:
    """Helm's ``coalesceTablesFullKey``: merge ``src`` under ``dst`` (``dst`` wins)."""
    src_had_value = {key for key, value in src.items() if value is not None}
    for key, value in dst.items():
        if value is None:
            src[key] = None
    for key, value in list(src.items()):
        full = _prefix(prefix, key)
        if key in dst and not merge and dst[key] is None and key in src_had_value:
            del dst[key]  # the user nulled a default: the key goes away
        elif key not in dst:
            dst[key] = value
        elif isinstance(value, dict):
            if isinstance(dst[key], dict):
                _tables(dst[key], value, full, merge=merge, warn=warn)
            else:
                warn(f"warning: cannot overwrite table with non table for {full} ({value!r})")
        elif isinstance(dst[key], dict) and value is not None:
            warn(f"warning: destination for {full} is a table. Ignoring non-table value ({value!r})")
    return dst


def _clean_nils(table: dict[str, Any]) -> None:
    for key in list(table):
        value = table[key]
        if value is None:
            del table[key]
        elif isinstance(value, dict):
            _clean_nils(value)
