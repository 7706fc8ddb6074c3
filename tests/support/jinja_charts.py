"""Build :class:`Chart` objects for Jinja2 renderer tests straight from files (no loader needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from ci_helm.chart.jinja.detect import detect_engine
from ci_helm.chart.model import Chart, ChartFile, ChartMetadata, Dependency


def write_chart(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def chart_from_dir(root: Path, parent: Chart | None = None) -> Chart:
    """A directory read into the chart model, the way the loader does for plain charts."""
    meta: dict[str, Any] = yaml.safe_load((root / "Chart.yaml").read_text())
    deps = tuple(
        Dependency(name=d["name"], condition=d.get("condition"), alias=d.get("alias"))
        for d in meta.get("dependencies") or []
    )
    metadata = ChartMetadata(
        api_version=meta.get("apiVersion"),
        name=meta["name"],
        version=str(meta["version"]),
        app_version=meta.get("appVersion"),
        type=meta.get("type"),
        annotations=meta.get("annotations") or {},
        dependencies=deps,
        raw=meta,
    )
    files = sorted(p for p in root.rglob("*") if p.is_file() and "charts" not in p.relative_to(root).parts)
    rel = {
        p.relative_to(root).as_posix(): ChartFile(p.relative_to(root).as_posix(), p.read_bytes())
        for p in files
    }
    values_text = rel["values.yaml"].text if "values.yaml" in rel else ""
    schema = json.loads(rel["values.schema.json"].text) if "values.schema.json" in rel else None
    templates = [f for n, f in rel.items() if n.startswith("templates/")]
    chart = Chart(
        metadata=metadata,
        source=root,
        values=yaml.safe_load(values_text) or {},
        values_text=values_text,
        schema=schema,
        templates=templates,
        files=[f for n, f in rel.items() if not n.startswith("templates/")],
        engine=detect_engine(metadata.annotations, rel),
        parent=parent,
    )
    charts_dir = root / "charts"
    if charts_dir.is_dir():
        chart.subcharts = [chart_from_dir(d, chart) for d in sorted(charts_dir.iterdir()) if d.is_dir()]
    return chart
