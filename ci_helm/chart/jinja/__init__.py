"""Deployment-Manager-style charts: Jinja2 templates rendered in a sandbox.

See :mod:`ci_helm.chart.jinja.detect` for when a chart is one, and
:func:`ci_helm.chart.jinja.render.render_jinja_chart` for the render entry point.

The renderer (jinja2, jsonschema) is imported on first use: every chart load asks
:func:`detect_engine`, and Go-template charts should not pay for Jinja2.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ci_helm.chart.jinja.detect import ENGINE_ANNOTATION, JINJA_SUFFIXES, detect_engine, output_name

if TYPE_CHECKING:
    from ci_helm.chart.jinja.render import render_jinja_chart

__all__ = ["ENGINE_ANNOTATION", "JINJA_SUFFIXES", "detect_engine", "output_name", "render_jinja_chart"]


def __getattr__(name: str) -> Any:
    if name == "render_jinja_chart":
        from ci_helm.chart.jinja.render import render_jinja_chart

        return render_jinja_chart
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
