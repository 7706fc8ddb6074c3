"""The CRDs ``--include-crds`` prints: Helm's ``CRDObjects()`` after dependency processing.

A chart's own ``crds/*.yaml|yml|json`` (in the loader's walk order) come first, then each
*enabled* subchart's, recursively; a subchart disabled by its ``condition`` or ``tags``
contributes none (Helm's ``ProcessDependencies`` removes it first). Subcharts not declared in
Chart.yaml come before declared ones, which follow Chart.yaml order under their alias.
Conditions are read from the values as Helm coalesces them: user values over the chart's
defaults, each subchart's defaults under its (alias) name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.chart.model import Chart, Dependency

__all__ = ["Crd", "crd_objects", "enabled_dependencies"]

_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Crd:
    filename: str  # e.g. "parent/charts/sub/crds/thing.yaml", as in "# Source:"
    text: str


def crd_objects(chart: Chart, user_values: Mapping[str, Any]) -> list[Crd]:
    return list(_crds(chart, chart.name, _coalesce_tree(chart, user_values)))


def _crds(chart: Chart, full_path: str, values: Mapping[str, Any]) -> Iterator[Crd]:
    own = sorted((f for f in chart.crds if f.name.endswith(_MANIFEST_SUFFIXES)), key=_walk_order)
    for f in own:
        yield Crd(f"{full_path}/{f.name}", f.data.decode("utf-8", errors="replace"))
    for name, sub in enabled_dependencies(chart, values):
        section = values.get(name)
        yield from _crds(sub, f"{full_path}/charts/{name}", section if isinstance(section, Mapping) else {})


def _walk_order(f: Any) -> tuple[str, ...]:
    return tuple(f.name.split("/"))  # filepath.Walk visits each directory's entries in name order


def enabled_dependencies(chart: Chart, values: Mapping[str, Any]) -> list[tuple[str, Chart]]:
    """(name-or-alias, subchart) pairs Helm keeps, in Helm's order."""
    kept = _dependencies(chart)
    tags = values.get("tags") if isinstance(values.get("tags"), Mapping) else None
    return [(n, s) for n, s, d in kept if d is None or _enabled(d, values, tags)]


def _enabled(dep: Dependency, values: Mapping[str, Any], tags: Mapping[str, Any] | None) -> bool:
    enabled = True
    if tags is not None:  # processDependencyTags
        flags = [tags[t] for t in dep.tags if isinstance(tags.get(t), bool)]
        enabled = any(flags) or not flags
    for cond in (dep.condition or "").strip().split(","):  # processDependencyConditions: first bool wins
        if cond:
            found = _path_value(values, cond)
            if isinstance(found, bool):
                return found
    return enabled


def _path_value(values: Mapping[str, Any], dotted: str) -> Any:
    node: Any = values
    for part in dotted.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def _coalesce_tree(chart: Chart, user: Mapping[str, Any]) -> dict[str, Any]:
    """User values over chart defaults, each subchart's defaults nested under its name."""
    merged = _over(user, chart.values)
    for dep_name, sub, _ in _dependencies(chart):
        section = merged.get(dep_name)
        if section is None or isinstance(section, Mapping):
            merged[dep_name] = _coalesce_tree(sub, section or {})
    return merged


def _dependencies(chart: Chart) -> list[tuple[str, Chart, Dependency | None]]:
    """Undeclared subcharts first, then declared ones in Chart.yaml order, named by alias."""
    declared = chart.metadata.dependencies
    names = {d.name for d in declared}
    found: list[tuple[str, Chart, Dependency | None]] = [
        (sub.name, sub, None) for sub in chart.subcharts if sub.name not in names
    ]
    for dep in declared:
        sub = next((s for s in chart.subcharts if s.name == dep.name), None)
        if sub is not None:
            found.append((dep.effective_name, sub, dep))
    return found


def _over(top: Mapping[str, Any], base: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in top.items():
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _over(value, out[key])
        else:
            out[key] = copy.deepcopy(value)
    return out
