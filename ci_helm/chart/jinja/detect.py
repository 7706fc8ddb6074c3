"""Which template engine a chart uses: the one rule shared by the loader, ``template`` and ``lint``.

A chart is a Jinja2 (Deployment-Manager-style) chart when

1. its Chart.yaml carries the annotation ``ci-helm.io/template-engine: jinja`` (``gotpl`` forces
   Go templates, whatever the file names), or, without that annotation,
2. any file under ``templates/`` ends in ``.j2`` or ``.jinja``.

Everything else is a Go-template chart. Helm itself would try to render ``.j2`` files as Go
templates, so a Jinja2 chart is only rendered by ci-helm.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ci_helm.chart.model import TemplateEngine
from ci_helm.errors import ChartError

__all__ = ["ENGINE_ANNOTATION", "JINJA_SUFFIXES", "SCHEMA_SUFFIX", "detect_engine", "output_name"]

ENGINE_ANNOTATION = "ci-helm.io/template-engine"
JINJA_SUFFIXES = (".j2", ".jinja")
SCHEMA_SUFFIX = ".schema"  # DM-style parameter schema beside a template: templates/app.j2.schema


def detect_engine(annotations: Mapping[str, object], template_names: Iterable[str]) -> TemplateEngine:
    """The engine from the Chart.yaml annotation, else from the template file names.

    ``template_names`` are slash-separated paths relative to the chart root (``templates/x.j2``).
    """
    declared = annotations.get(ENGINE_ANNOTATION)
    if declared is not None:
        value = str(declared).strip().lower()
        if value in ("jinja", "jinja2"):
            return "jinja"
        if value in ("gotpl", "go", "helm"):
            return "gotpl"
        raise ChartError(
            f"annotation {ENGINE_ANNOTATION}: {declared!r} is not a template engine (use jinja or gotpl)",
            path="Chart.yaml",
        )
    for name in template_names:
        if name.startswith("templates/") and name.endswith(JINJA_SUFFIXES):
            return "jinja"
    return "gotpl"


def output_name(template_name: str) -> str:
    """``templates/deploy.yaml.j2`` -> ``templates/deploy.yaml``: the key Helm would use."""
    for suffix in JINJA_SUFFIXES:
        if template_name.endswith(suffix):
            return template_name[: -len(suffix)]
    return template_name
