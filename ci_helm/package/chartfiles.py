"""A chart's files grouped the way Helm's loader groups them, ready to be written as a package.

Helm builds a package from its *loaded* chart: Chart.yaml re-written from the parsed
metadata, then Chart.lock, values.yaml, values.schema.json, templates, other files, and
every subchart (directory or ``.tgz`` in ``charts/``) written out as a directory named by
the subchart's own name. The parent's ``.helmignore`` filters the whole tree, subcharts
included. We mirror that so our packages hold exactly the files ``helm package`` writes.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.chart.helmignore import IgnoreRules, parse_rules
from ci_helm.errors import ChartError
from ci_helm.package.archive import Member, read_archive
from ci_helm.package.chartyaml import (
    dump_chart_yaml,
    dump_lock_yaml,
    load_plain_yaml,
    normalise_metadata,
    validate_metadata,
)
from ci_helm.yamlio import load_yaml

__all__ = ["PackChart", "chart_members", "load_chart_archive", "load_chart_dir", "missing_dependencies"]

MAX_FILE_BYTES = 100 * 1024 * 1024


@dataclass
class PackChart:
    """A loaded chart as Helm's packager sees it; ``files`` keep chart-relative names."""

    metadata: dict[str, Any]
    source: str
    lock: Any = None
    values: bytes | None = None
    schema: bytes | None = None
    templates: list[tuple[str, bytes]] = field(default_factory=list)
    files: list[tuple[str, bytes]] = field(default_factory=list)
    subcharts: list[PackChart] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(self.metadata["name"])

    @property
    def version(self) -> str:
        return str(self.metadata["version"])


def load_chart_dir(root: Path) -> PackChart:
    """Load a chart directory, honouring its ``.helmignore`` (plus Helm's default rule)."""
    if not (root / "Chart.yaml").is_file():
        raise ChartError("not a chart directory: Chart.yaml is missing", path=root)
    ignore_file = root / ".helmignore"
    text = ignore_file.read_text(encoding="utf-8", errors="replace") if ignore_file.is_file() else ""
    rules = parse_rules(text, source=str(ignore_file))
    return build_chart(list(_walk(root, "", rules)), source=str(root))


def _walk(root: Path, prefix: str, rules: IgnoreRules, ancestors: frozenset[str] = frozenset()) -> Any:
    """Go's ``filepath.Walk`` order: names sorted per directory, depth first; symlinks followed
    (as Helm follows them), but a link back to a directory being walked is an error, not a hang."""
    here = root / prefix if prefix else root
    real = os.path.realpath(here)
    if real in ancestors:
        raise ChartError(f"symbolic link loop at {prefix}", path=root)
    with os.scandir(here) as entries:
        names = sorted(e.name for e in entries)
    for name in names:
        rel = f"{prefix}/{name}" if prefix else name
        full = root / rel
        if full.is_dir():
            if not rules.ignored(rel, is_dir=True):
                yield from _walk(root, rel, rules, ancestors | {real})
            continue
        if rules.ignored(rel, is_dir=False):
            continue
        if not full.is_file():
            raise ChartError(f"cannot load irregular file {rel}", path=root)
        if full.stat().st_size > MAX_FILE_BYTES:
            raise ChartError(f"{rel} is over {MAX_FILE_BYTES} bytes", path=root)
        yield rel, full.read_bytes()


def load_chart_archive(data: bytes, *, source: str) -> PackChart:
    """Load a chart from ``.tgz`` bytes (the top directory is stripped, as Helm does)."""
    files: list[tuple[str, bytes]] = []
    for member in read_archive(data, path=source):
        parts = member.name.split("/", 1)
        if len(parts) == 2 and parts[1]:
            files.append((parts[1], member.data))
    return build_chart(files, source=source)


def build_chart(files: list[tuple[str, bytes]], *, source: str) -> PackChart:
    """Helm's ``loader.LoadFiles``: sort files into metadata, values, templates, files, subcharts."""
    by_name = dict(files)
    if "Chart.yaml" not in by_name:
        raise ChartError("Chart.yaml file is missing", path=source)
    chart_yaml = f"{source}/Chart.yaml"
    raw = load_plain_yaml(by_name["Chart.yaml"], path=chart_yaml)
    chart = PackChart(metadata=normalise_metadata(raw, path=chart_yaml), source=source)
    groups: dict[str, list[tuple[str, bytes]]] = {}
    for name, data in files:
        _place(chart, name, data, groups)
    validate_metadata(chart.metadata, path=chart_yaml)
    for group in sorted(groups):
        chart.subcharts.append(_subchart(chart, group, groups[group]))
    return chart


def _place(chart: PackChart, name: str, data: bytes, groups: dict[str, list[tuple[str, bytes]]]) -> None:
    if name == "Chart.yaml":
        return
    if name == "Chart.lock":
        chart.lock = load_plain_yaml(data, path=f"{chart.source}/{name}")
    elif name == "values.yaml":
        load_yaml(data, path=f"{chart.source}/{name}")  # Helm refuses a chart whose values do not parse
        chart.values = data
    elif name == "values.schema.json":
        _check_json(data, f"{chart.source}/{name}")
        chart.schema = data
    elif name in ("requirements.yaml", "requirements.lock"):
        parsed = load_plain_yaml(data, path=f"{chart.source}/{name}") or {}
        if name == "requirements.yaml" and isinstance(parsed, dict):
            deps = normalise_metadata({"name": "x", **parsed}, path=name).get("dependencies", [])
            chart.metadata["dependencies"] = deps
        chart.files.append((name, data))
    elif name.startswith("templates/"):
        chart.templates.append((name, data))
    elif name.startswith("charts/") and not name.endswith(".prov"):
        rest = name.removeprefix("charts/")
        groups.setdefault(rest.split("/", 1)[0], []).append((rest, data))
    else:
        chart.files.append((name, data))


def _check_json(data: bytes, path: str) -> None:
    try:
        json.loads(data)
    except ValueError as exc:
        raise ChartError(f"invalid JSON: {exc}", path=path) from None


def _subchart(parent: PackChart, group: str, files: list[tuple[str, bytes]]) -> PackChart:
    if group[:1] in ("_", "."):
        return _skip_marker(parent)
    where = f"{parent.source}/charts/{group}"
    try:
        if group.endswith(".tgz"):
            return load_chart_archive(files[0][1], source=where)
        inner = [(name.split("/", 1)[1], data) for name, data in files if "/" in name]
        return build_chart(inner, source=where)
    except ChartError as exc:
        raise ChartError(
            f"error unpacking subchart {group} in {parent.name}: {exc.message}", path=exc.path
        ) from None


def _skip_marker(parent: PackChart) -> PackChart:
    return PackChart(metadata={"name": ""}, source=parent.source)


def missing_dependencies(chart: PackChart) -> list[str]:
    """Dependencies declared but absent from ``charts/`` (Helm's ``CheckDependencies``)."""
    present = {sub.name for sub in chart.subcharts}
    return [dep["name"] for dep in chart.metadata.get("dependencies", []) if dep["name"] not in present]


def chart_members(chart: PackChart, prefix: str = "") -> list[Member]:
    """The archive members in Helm's order (``chartutil.Save``)."""
    base = f"{prefix}{chart.name}/"
    out = [Member(base + "Chart.yaml", dump_chart_yaml(chart.metadata))]
    if chart.lock is not None and chart.metadata.get("apiVersion") == "v2":
        out.append(Member(base + "Chart.lock", dump_lock_yaml(chart.lock)))
    if chart.values is not None:
        out.append(Member(base + "values.yaml", chart.values))
    if chart.schema is not None:
        out.append(Member(base + "values.schema.json", chart.schema))
    out.extend(Member(base + name, data) for name, data in (*chart.templates, *chart.files))
    for sub in chart.subcharts:
        if sub.name:
            out.extend(chart_members(sub, base + "charts/"))
    return out
