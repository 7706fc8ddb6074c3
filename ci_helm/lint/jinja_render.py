"""Render a Jinja2 (Deployment-Manager-style) chart directory for lint.

Builds the plain :class:`~ci_helm.chart.model.Chart` that ``render_jinja_chart`` needs from
the directory (the chart loader's job once it exists; vendored subcharts are not loaded
here) and renders it with the release options of the scenario. The parameter schemas
(``templates/*.j2.schema`` and ``values.schema.json``) are enforced by the renderer, so a
scenario that violates them fails to render with every violation listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ci_helm.chart.jinja import render_jinja_chart
from ci_helm.chart.model import Chart, ChartFile, ChartMetadata
from ci_helm.errors import ChartError
from ci_helm.yamlio import read_yaml_file

__all__ = ["render_jinja_dir"]


def render_jinja_dir(chart_dir: Path, values: Mapping[str, Any], release: Any) -> dict[str, str]:
    return render_jinja_chart(_load(chart_dir), values, release)


def _load(directory: Path) -> Chart:
    raw = read_yaml_file(directory / "Chart.yaml")
    if not isinstance(raw, dict):
        raise ChartError("Chart.yaml must be a mapping", path=directory / "Chart.yaml")
    annotations = raw.get("annotations") if isinstance(raw.get("annotations"), dict) else {}
    metadata = ChartMetadata(
        api_version=raw.get("apiVersion"),
        name=str(raw.get("name") or directory.name),
        version=str(raw.get("version") or ""),
        type=raw.get("type"),
        app_version=None if raw.get("appVersion") is None else str(raw.get("appVersion")),
        annotations={str(k): str(v) for k, v in (annotations or {}).items()},
        raw=raw,
    )
    values = read_yaml_file(directory / "values.yaml") if (directory / "values.yaml").is_file() else {}
    templates: list[ChartFile] = []
    files: list[ChartFile] = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory).as_posix()
        if rel.startswith("charts/") or rel in ("Chart.yaml", "values.yaml"):
            continue
        (templates if rel.startswith("templates/") else files).append(ChartFile(rel, path.read_bytes()))
    schema_file = directory / "values.schema.json"
    schema = read_yaml_file(schema_file) if schema_file.is_file() else None
    return Chart(
        metadata=metadata,
        source=directory,
        values=values if isinstance(values, dict) else {},
        schema=schema if isinstance(schema, dict) else None,
        templates=templates,
        files=files,
        engine="jinja",
    )
