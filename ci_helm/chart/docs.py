"""Parameters of a loaded chart, its vendored subcharts' included under their names."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from ci_helm.chart.jinja.schema import dm_schemas, load_schema, parameter_path
from ci_helm.chart.model import Chart
from ci_helm.chart.params import Parameter, chart_parameters

__all__ = ["chart_docs", "format_default"]

_MAX_DEFAULT = 40


def _schema_documents(chart: Chart) -> dict[str, Any]:
    """Other JSON files of the chart, for ``$ref: schemas/x.json#/...`` in values.schema.json."""
    docs: dict[str, Any] = {}
    for f in chart.files:
        if f.name.endswith(".json") and f.name != "values.schema.json":
            try:
                docs[f.name] = json.loads(f.data)
            except ValueError:
                continue
    return docs


def _schema(chart: Chart) -> dict[str, Any] | None:
    """values.schema.json and, for Jinja2 charts, the DM-style ``templates/*.j2.schema`` files."""
    schemas = [chart.schema] if chart.schema else []
    if chart.engine == "jinja":
        schemas += [load_schema(f, f"{chart.name}/{f.name}") for f in dm_schemas(chart)]
    if len(schemas) <= 1:
        return schemas[0] if schemas else None
    return {"allOf": schemas}


def chart_docs(chart: Chart, *, subcharts: bool = True) -> list[Parameter]:
    """The chart's own parameters, then each enabled-by-name subchart's under ``<alias>.``."""
    params = chart_parameters(
        chart.values_text,
        _schema(chart),
        path=f"{chart.name}/values.yaml",
        schema_documents=_schema_documents(chart),
    )
    if not subcharts:
        return params
    known = {p.parts for p in params}
    aliases = {d.name: d.effective_name for d in chart.metadata.dependencies}
    for sub in chart.subcharts:
        prefix = aliases.get(sub.name, sub.name)
        for p in chart_docs(sub):
            parts = p.parts if p.parts[:1] == ("global",) else (prefix, *p.parts)
            if parts not in known:
                known.add(parts)
                params.append(replace(p, parts=parts, path=parameter_path(parts), line=None))
    return params


def format_default(p: Parameter, limit: int = _MAX_DEFAULT) -> str:
    """The default as a reader sees it in one column: JSON, shortened."""
    text = (
        p.default_text
        if p.default_text is not None
        else json.dumps(p.default, ensure_ascii=False, default=str)
    )
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
