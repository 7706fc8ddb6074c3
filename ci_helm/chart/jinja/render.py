"""Render a Jinja2 (Deployment-Manager-style) chart to the same map Helm's engine returns.

``render_jinja_chart(chart, values, release)`` -> ``{"<chart>/templates/<file>": text}``: keys
without the ``.j2``/``.jinja`` suffix, subcharts under ``<chart>/charts/<sub>/templates/``,
partials (``_*``) and ``*.schema`` files left out, ``NOTES.txt`` kept (output assembly drops it as
Helm does). It is a module-level function taking plain picklable data, so the render worker can
call it in a ``spawn`` process and kill it on timeout.

Templates see what Go templates see, under the same names: ``Values``, ``Release``, ``Chart``,
``Capabilities``, ``Files``, ``Template``; and, for DM-era templates, ``properties`` (the values)
and ``env`` (``name``, ``namespace``, ``deployment``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from ci_helm.chart.jinja.context import chart_object, context_objects
from ci_helm.chart.jinja.detect import output_name
from ci_helm.chart.jinja.environment import ChartEnvironment, wrap
from ci_helm.chart.jinja.errors import render_error
from ci_helm.chart.jinja.schema import apply_defaults, dm_schemas, load_schema, validate_values
from ci_helm.chart.jinja.values import chart_values, enabled_subcharts
from ci_helm.chart.model import Chart
from ci_helm.errors import RenderError

__all__ = ["render_jinja_chart"]

DEFAULT_TIMEOUT = 120.0


def render_jinja_chart(
    chart: Chart, values: Mapping[str, Any], release: Any = None, *, timeout: float | None = DEFAULT_TIMEOUT
) -> dict[str, str]:
    """Render ``chart`` with the user-supplied ``values`` (``-f``/``--set`` already merged).

    ``release`` is any object with Helm's release options as attributes (``name``,
    ``namespace``, ``revision``, ``is_upgrade``, ``kube_version``, ``api_versions``); missing
    ones take ``helm template``'s defaults. ``timeout`` is a cooperative in-process deadline.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    final = chart_values(chart, values)
    return _render_tree(chart, final, release, chart.name, deadline)


def _render_tree(
    chart: Chart, final: dict[str, Any], release: Any, prefix: str, deadline: float | None
) -> dict[str, str]:
    if chart.engine != "jinja":
        raise RenderError(
            "a Jinja2 chart cannot render Go-template subcharts (set its engine annotation or split it)",
            path=f"{prefix}/Chart.yaml",
        )
    final = _validated(chart, final, prefix)
    out = _render_chart(chart, final, release, prefix, deadline)
    for sub, sub_values in enabled_subcharts(chart, final):
        out.update(_render_tree(sub, sub_values, release, f"{prefix}/charts/{sub.name}", deadline))
    return out


def _validated(chart: Chart, final: dict[str, Any], prefix: str) -> dict[str, Any]:
    for file in dm_schemas(chart):
        display = f"{prefix}/{file.name}"
        schema = load_schema(file, display)
        final = apply_defaults(schema, final)
        validate_values(schema, final, display)
    if chart.schema is not None:
        validate_values(chart.schema, final, f"{prefix}/values.schema.json")
    return final


def _sources(chart: Chart) -> dict[str, str]:
    return {f.name.removeprefix("templates/"): f.text for f in chart.templates}


def _is_output(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    return not base.startswith("_") and not base.endswith(".schema")


def _render_chart(
    chart: Chart, final: dict[str, Any], release: Any, prefix: str, deadline: float | None
) -> dict[str, str]:
    env = ChartEnvironment(_sources(chart), prefix, deadline)
    # Globals, not render variables, so macros in {% import %}ed partials see them too.
    env.globals.update(context_objects(chart, release))
    env.globals["Values"] = env.globals["properties"] = wrap(final, "Values")
    env.globals["Chart"] = chart_object(chart)
    out: dict[str, str] = {}
    for name in sorted(env.chart_loader.sources):
        if not _is_output(name):
            continue
        key = f"{prefix}/templates/{output_name(name)}"
        template = {"Name": env.chart_loader.filename(name), "BasePath": f"{prefix}/templates"}
        variables = {"Template": wrap(template, "Template")}
        try:
            out[key] = env.generate(env.get_template(name), variables)
        except Exception as exc:  # every template failure becomes one RenderError with file:line
            raise render_error(exc, env.chart_loader.filename(name)) from None
    return out
