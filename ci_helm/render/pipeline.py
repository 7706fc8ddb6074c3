"""Render one loaded chart with one set of user values: checks, engine dispatch, sorting.

This is what ``template`` and, per scenario, ``lint`` call. Go-template charts go to the
Helm engine; charts whose ``Chart.engine`` is ``jinja`` go to ``ci_helm.chart.jinja``
(pure Python, sandboxed, with its own deadline). The raw map then goes through the same
Helm-faithful assembly either way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_helm.chart.model import Chart
from ci_helm.engine.base import Engine, ReleaseOptions, RenderResult
from ci_helm.engine.kube_version import check_chart_kube_version
from ci_helm.render.chart_checks import check_dependencies_present, check_installable
from ci_helm.render.crds import crd_objects
from ci_helm.render.template_output import Sorted, sort_render

__all__ = ["Rendered", "render_chart", "render_raw"]


@dataclass(frozen=True)
class Rendered:
    """A chart's render, split and in install order, with what Helm logged meanwhile."""

    sorted: Sorted
    warnings: tuple[str, ...] = ()


def render_raw(
    engine: Engine,
    chart: Chart,
    chart_path: Path,
    values: Mapping[str, Any],
    release: ReleaseOptions,
    *,
    timeout: float | None = None,
) -> RenderResult:
    """Helm's raw template-path -> text map, after ``helm template``'s chart checks."""
    check_installable(chart)
    check_dependencies_present(chart)
    check_chart_kube_version(chart.metadata.kube_version, release.kube_version, chart=str(chart_path))
    if chart.engine == "jinja":
        from ci_helm.chart.jinja import render_jinja_chart

        return RenderResult(render_jinja_chart(chart, values, release, timeout=timeout))
    return engine.render(chart_path, values, release)


def render_chart(
    engine: Engine,
    chart: Chart,
    chart_path: Path,
    values: Mapping[str, Any],
    release: ReleaseOptions,
    *,
    timeout: float | None = None,
) -> Rendered:
    """Rendered, sorted into hooks and manifests; CRDs from ``crds/`` (used by ``--include-crds``)."""
    raw = render_raw(engine, chart, chart_path, values, release, timeout=timeout)
    return Rendered(sort_render(raw.manifests, crd_objects(chart, values)), raw.warnings)
