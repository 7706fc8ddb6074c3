"""Deployment-Manager-style charts: Jinja2 templates rendered in a sandbox.

See :mod:`ci_helm.chart.jinja.detect` for when a chart is one, and
:func:`ci_helm.chart.jinja.render.render_jinja_chart` for the render entry point.
"""

from __future__ import annotations

from ci_helm.chart.jinja.detect import ENGINE_ANNOTATION, JINJA_SUFFIXES, detect_engine, output_name
from ci_helm.chart.jinja.render import render_jinja_chart

__all__ = ["ENGINE_ANNOTATION", "JINJA_SUFFIXES", "detect_engine", "output_name", "render_jinja_chart"]
