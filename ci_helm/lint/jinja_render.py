"""Render a Jinja2 (Deployment-Manager-style) chart directory for lint.

The chart is loaded by the chart loader (``.helmignore``, subcharts, schemas) and rendered
by the sandboxed Jinja2 renderer with the scenario's release options. The parameter
schemas (``templates/*.j2.schema`` and ``values.schema.json``) are enforced by the
renderer, so a scenario that violates them fails to render with every violation listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ci_helm.chart.jinja import render_jinja_chart
from ci_helm.chart.loader import load_chart

__all__ = ["render_jinja_dir"]


def render_jinja_dir(chart_dir: Path, values: Mapping[str, Any], release: Any) -> dict[str, str]:
    return render_jinja_chart(load_chart(chart_dir), values, release)
