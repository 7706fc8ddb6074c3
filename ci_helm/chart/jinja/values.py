"""Values for a Jinja2 chart tree, built the way Helm builds them.

User values win over chart defaults, recursively; a user ``null`` deletes the default key.
A subchart gets its defaults overlaid with the parent's ``<subchart>:`` section, and the
parent's ``global`` flows down. Dependency ``condition`` (and ``tags``) decide whether a
subchart renders.

Each merge is Helm's ``CoalesceTables`` (:func:`ci_helm.chart.coalesce.coalesce_tables`).
Two differences from Helm's whole-tree ``CoalesceValues`` are deliberate. A chart default of
``null`` is kept, not dropped: Jinja2's undefined is strict, so a key the chart declares must
exist or ``{{ Values.key }}`` fails where Go's template prints nothing. And the tree is built
one level at a time, because a chart's DM-style ``.schema`` defaults (applied while rendering
it) feed its subcharts' sections and conditions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from ci_helm.chart.coalesce import coalesce_tables
from ci_helm.chart.model import Chart, Dependency

__all__ = ["chart_values", "coalesce", "enabled_subcharts"]


def coalesce(top: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    """``top`` over ``base`` (Helm's ``CoalesceTables``; neither argument is changed)."""
    return coalesce_tables(copy.deepcopy(dict(top)), copy.deepcopy(dict(base)))


def chart_values(chart: Chart, user: Mapping[str, Any]) -> dict[str, Any]:
    return coalesce(user, chart.values)


def _lookup(values: Mapping[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.strip().split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _enabled(dep: Dependency, values: Mapping[str, Any]) -> bool:
    for path in (dep.condition or "").split(","):
        found = _lookup(values, path) if path.strip() else None
        if isinstance(found, bool):
            return found
    tags = values.get("tags") if isinstance(values.get("tags"), Mapping) else {}
    assert isinstance(tags, Mapping)
    flags = [tags[t] for t in dep.tags if isinstance(tags.get(t), bool)]
    if flags:
        return any(flags)
    return dep.enabled


def enabled_subcharts(chart: Chart, final: Mapping[str, Any]) -> Iterator[tuple[Chart, dict[str, Any]]]:
    deps = {d.name: d for d in chart.metadata.dependencies}
    for sub in chart.subcharts:
        dep = deps.get(sub.name, Dependency(name=sub.name))
        if not _enabled(dep, final):
            continue
        name = dep.effective_name
        section = final.get(name) if isinstance(final.get(name), Mapping) else {}
        assert isinstance(section, Mapping)
        merged = coalesce(section, sub.values)
        parent_global = final.get("global")
        if isinstance(parent_global, Mapping):
            merged["global"] = coalesce(parent_global, merged.get("global") or {})
        yield sub, merged
