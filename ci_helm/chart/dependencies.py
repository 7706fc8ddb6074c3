"""Helm's ``ProcessDependencies``: aliases, condition/tags enabling, import-values.

Run before rendering (``helm template`` / ``install``): each dependency of Chart.yaml is
matched to a vendored subchart by name and version constraint (a copy renamed to its
alias when it has one), disabled subcharts are dropped (tags first, then the first
``condition`` path that holds a boolean), and ``import-values`` copy a child's values
into the parent (``exports.<name>`` for the string form, ``child``/``parent`` for the map
form; the parent's own values win). Returns a processed copy; the loaded chart is untouched.
"""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ci_helm.chart.coalesce import Warn, coalesce_values, merge_tables, merge_values
from ci_helm.chart.model import Chart, Dependency
from ci_helm.model.semver import SemverError, parse_constraint

__all__ = ["ChartValues", "chart_values_tree", "process_dependencies", "render_values", "values_for"]


def _ignore(_: str) -> None:
    return None


@dataclass
class _Req:
    """A mutable Chart.yaml dependency, as Helm mutates it while processing."""

    name: str
    version: str
    alias: str
    condition: str
    tags: tuple[str, ...]
    import_values: list[Any]
    enabled: bool = True

    @classmethod
    def of(cls, dep: Dependency) -> _Req:
        return cls(
            dep.name,
            dep.version or "",
            dep.alias or "",
            dep.condition or "",
            dep.tags,
            list(dep.import_values),
        )

    def frozen(self) -> Dependency:
        return Dependency(
            name=self.name,
            version=self.version or None,
            alias=self.alias or None,
            condition=self.condition or None,
            tags=self.tags,
            import_values=tuple(self.import_values),
            enabled=self.enabled,
        )


@dataclass
class _Node:
    chart: Chart
    name: str
    values: dict[str, Any]
    reqs: list[_Req] | None
    subcharts: list[_Node] = field(default_factory=list)

    @classmethod
    def of(cls, chart: Chart) -> _Node:
        deps = chart.metadata.dependencies
        node = cls(chart, chart.metadata.name, chart.values, [_Req.of(d) for d in deps] if deps else None)
        node.subcharts = [cls.of(s) for s in chart.subcharts]
        return node

    def as_chart(self, parent: Chart | None = None) -> Chart:
        """Freeze back into a Chart: renamed, values with imports, only enabled subcharts."""
        metadata = dataclasses.replace(
            self.chart.metadata,
            name=self.name,
            dependencies=tuple(r.frozen() for r in self.reqs or ()),
        )
        alias = self.name if self.name != self.chart.metadata.name else None
        out = dataclasses.replace(
            self.chart, metadata=metadata, values=self.values, parent=parent, alias=alias
        )
        out.subcharts = [s.as_chart(out) for s in self.subcharts]
        return out

    def view(self) -> Chart:
        """A Chart to hand to the coalescer (only names, values and subcharts matter)."""
        metadata = dataclasses.replace(self.chart.metadata, name=self.name)
        out = dataclasses.replace(self.chart, metadata=metadata, values=self.values, subcharts=[])
        out.subcharts = [s.view() for s in self.subcharts]
        return out


def process_dependencies(chart: Chart, values: dict[str, Any] | None, *, warn: Warn = _ignore) -> Chart:
    """The chart as Helm renders it for these user values (see module docstring)."""
    root = _Node.of(chart)
    _enable(root, values or {}, "", warn)
    _import_all(root, warn)
    return root.as_chart()


def render_values(
    chart: Chart, values: dict[str, Any] | None, *, warn: Warn = _ignore
) -> tuple[Chart, dict[str, Any]]:
    """The processed chart and the ``.Values`` its top-level templates see."""
    processed = process_dependencies(chart, values, warn=warn)
    return processed, coalesce_values(processed, values, warn=warn)


def values_for(values: dict[str, Any], chart_path: list[str]) -> dict[str, Any]:
    """``.Values`` of a subchart, from the top-level values and the names below the root."""
    for name in chart_path:
        section = values.get(name)
        values = section if isinstance(section, dict) else {}
    return values


@dataclass(frozen=True)
class ChartValues:
    """One chart of a processed tree with the ``.Values`` its templates see."""

    path: tuple[str, ...]  # names (aliases) below the root; () for the root chart
    chart: Chart
    values: dict[str, Any]


def chart_values_tree(processed: Chart, values: dict[str, Any]) -> list[ChartValues]:
    """Every chart of a processed tree, root first, with its scoped values.

    This is how Helm validates ``values.schema.json`` of a chart and of each subchart
    (``ValidateAgainstSchema``) and how a renderer scopes ``.Values`` per subchart.
    """
    out: list[ChartValues] = []

    def walk(chart: Chart, path: tuple[str, ...], scoped: dict[str, Any]) -> None:
        out.append(ChartValues(path, chart, scoped))
        for sub in chart.subcharts:
            section = scoped.get(sub.name)
            walk(sub, (*path, sub.name), section if isinstance(section, dict) else {})

    walk(processed, (), values)
    return out


def _compatible(constraint: str, version: str) -> bool:
    try:
        return parse_constraint(constraint).allows(version)
    except (SemverError, ValueError):
        return False


def _enable(node: _Node, values: dict[str, Any], path: str, warn: Warn) -> None:
    """Helm's ``processDependencyEnabled``."""
    if node.reqs is None:
        return
    reqs = node.reqs
    kept = [
        s
        for s in node.subcharts
        if not any(s.name == r.name and _compatible(r.version, s.chart.version) for r in reqs)
    ]
    for req in reqs:
        aliased = _alias_copy(node.subcharts, req)
        if aliased is not None:
            kept.append(aliased)
        if req.alias:
            req.name = req.alias
    node.subcharts = kept
    for req in reqs:
        req.enabled = True
    cvals = coalesce_values(node.view(), values, warn=warn)
    _apply_tags(reqs, cvals, warn)
    _apply_conditions(reqs, cvals, path, warn)
    removed = {r.name for r in reqs if not r.enabled}
    node.subcharts = [s for s in node.subcharts if s.name not in removed]
    for sub in node.subcharts:
        _enable(sub, cvals, f"{path}{sub.name}.", warn)
    node.reqs = [r for r in reqs if r.name not in removed]


def _alias_copy(subcharts: list[_Node], req: _Req) -> _Node | None:
    for sub in subcharts:
        if sub.name != req.name or not _compatible(req.version, sub.chart.version):
            continue
        reqs = copy.deepcopy(sub.reqs)
        clone = _Node(
            sub.chart, req.alias or sub.name, sub.values, reqs, [_shallow(s) for s in sub.subcharts]
        )
        return clone
    return None


def _shallow(node: _Node) -> _Node:
    return _Node(node.chart, node.name, node.values, node.reqs, list(node.subcharts))


def _apply_tags(reqs: list[_Req], cvals: dict[str, Any], warn: Warn) -> None:
    tags = cvals.get("tags")
    if not isinstance(tags, dict):
        return
    for req in reqs:
        has_true = has_false = False
        for tag in req.tags:
            if tag not in tags:
                continue
            flag = tags[tag]
            if isinstance(flag, bool):
                has_true, has_false = has_true or flag, has_false or not flag
            else:
                warn(f"returned non-bool value for tag {tag} of chart {req.name}")
        req.enabled = has_true or not has_false


def _apply_conditions(reqs: list[_Req], cvals: dict[str, Any], path: str, warn: Warn) -> None:
    for req in reqs:
        for condition in req.condition.strip().split(","):
            if not condition:
                continue
            found, value = _path_value(cvals, path + condition)
            if not found:
                continue
            if isinstance(value, bool):
                req.enabled = value
                break
            warn(f"returned non-bool value for condition {condition} of chart {req.name}")


def _path_value(values: dict[str, Any], path: str) -> tuple[bool, Any]:
    """Helm's ``Values.PathValue``: a non-table value at a dotted path."""
    *tables, key = path.split(".")
    found, table = _table(values, ".".join(tables)) if tables else (True, values)
    if not found or key not in table or isinstance(table[key], dict):
        return False, None
    return True, table[key]


def _table(values: dict[str, Any], path: str) -> tuple[bool, dict[str, Any]]:
    """Helm's ``Values.Table``: the map at a dotted path."""
    table = values
    for part in path.split("."):
        inner = table.get(part)
        if not isinstance(inner, dict):
            return False, {}
        table = inner
    return True, table


def _import_all(node: _Node, warn: Warn) -> None:
    """Helm's ``processDependencyImportValues`` (children first), merging like ``MergeValues``."""
    for sub in node.subcharts:
        _import_all(sub, warn)
    if node.reqs is None:
        return
    cvals = merge_values(node.view(), None, warn=warn)
    imported: dict[str, Any] = {}
    for req in node.reqs:
        normalised: list[Any] = []
        for item in req.import_values:
            if isinstance(item, dict):
                child, parent = _go_str(item.get("child")), _go_str(item.get("parent"))
                normalised.append({"child": child, "parent": parent})
                found, table = _table(cvals, f"{req.name}.{child}")
                if not found:
                    warn(f"ImportValues missing table from chart {req.name}: {child}")
                    continue
                imported = merge_tables(imported, _nest(parent, table), warn=warn)
            elif isinstance(item, str):
                child = f"exports.{item}"
                normalised.append({"child": child, "parent": "."})
                found, table = _table(cvals, f"{req.name}.{child}")
                if not found:
                    warn(f"ImportValues missing table {req.name}.{child}")
                    continue
                imported = merge_tables(imported, table, warn=warn)
        req.import_values = normalised
    node.values = merge_tables(copy.deepcopy(cvals), imported, warn=warn)


def _nest(path: str, data: dict[str, Any]) -> dict[str, Any]:
    if path == ".":
        return data
    for part in reversed(path.split(".")):
        data = {part: data}
    return data


def _go_str(value: Any) -> str:
    """``fmt.Sprintf("%v", v)`` for the scalars an import-values entry can hold."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
