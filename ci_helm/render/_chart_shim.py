"""TEMPORARY: a minimal chart-directory reader until chartmodel's ``ci_helm.chart.loader`` lands.

Reads only what output assembly needs (Chart.yaml / requirements.yaml, values.yaml, crds/,
templates/, charts/ directories). No archives, no .helmignore: delete this module once
``load_chart`` is merged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ci_helm.chart.goyaml import load_values
from ci_helm.chart.jinja.detect import detect_engine
from ci_helm.chart.model import Chart, ChartFile, ChartMetadata, Dependency
from ci_helm.errors import ChartError
from ci_helm.yamlio import read_yaml_file

__all__ = ["load_chart"]


def load_chart(path: Path, parent: Chart | None = None) -> Chart:
    if not path.is_dir():
        raise ChartError("not a chart directory (archives need chartmodel's loader)", path=path)
    chart_yaml = path / "Chart.yaml"
    if not chart_yaml.is_file():
        raise ChartError("Chart.yaml file is missing", path=path)
    raw = read_yaml_file(chart_yaml) or {}
    if not isinstance(raw, dict):
        raise ChartError("Chart.yaml is not a mapping", path=chart_yaml)
    deps = raw.get("dependencies") or []
    req = path / "requirements.yaml"
    if not deps and req.is_file():
        deps = (read_yaml_file(req) or {}).get("dependencies") or []
    files = _files(path)
    meta = ChartMetadata(
        api_version=raw.get("apiVersion"),
        name=str(raw.get("name") or ""),
        version=str(raw.get("version") or ""),
        type=raw.get("type"),
        kube_version=raw.get("kubeVersion"),
        deprecated=bool(raw.get("deprecated")),
        annotations={str(k): str(v) for k, v in (raw.get("annotations") or {}).items()},
        dependencies=tuple(_dependency(d) for d in deps if isinstance(d, dict)),
        raw=raw,
    )
    values_file = path / "values.yaml"
    chart = Chart(
        metadata=meta,
        source=path,
        values=load_values(values_file.read_bytes(), path=values_file) if values_file.is_file() else {},
        templates=[f for f in files if f.name.startswith("templates/")],
        crds=[f for f in files if f.name.startswith("crds/")],
        files=[f for f in files if not f.name.startswith(("templates/", "crds/"))],
        parent=parent,
    )
    chart.engine = detect_engine(meta.annotations, [f.name for f in chart.templates])
    charts_dir = path / "charts"
    if charts_dir.is_dir():
        chart.subcharts = [
            load_chart(sub, chart)
            for sub in sorted(charts_dir.iterdir())
            if sub.is_dir() and (sub / "Chart.yaml").is_file()
        ]
    return chart


def _files(root: Path) -> list[ChartFile]:
    out = []
    for f in sorted(root.rglob("*")):
        rel = f.relative_to(root).as_posix()
        if f.is_file() and not rel.startswith("charts/"):
            out.append(ChartFile(rel, f.read_bytes()))
    return out


def _dependency(d: dict[str, Any]) -> Dependency:
    return Dependency(
        name=str(d.get("name")),
        version=None if d.get("version") is None else str(d.get("version")),
        repository=d.get("repository"),
        alias=d.get("alias"),
        condition=d.get("condition"),
        tags=tuple(d.get("tags") or ()),
        import_values=tuple(d.get("import-values") or ()),
    )
