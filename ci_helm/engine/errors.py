"""Turn Helm's multi-line error text into one ``ci_helm.errors`` line naming file and line.

Helm reports a template failure as::

    demo/templates/hpa.yaml:1:14
      executing "demo/templates/hpa.yaml" at <.Values.autoscaling.enabled>:
        can't evaluate field enabled in type interface {}

or ``template: demo/templates/x.yaml:3:5: executing ...`` or
``parse error at (demo/templates/x.yaml:3): unexpected "}"``. Both the embedded engine
and the helm CLI adapter use :func:`one_line_render_error` so their errors read the same.
"""

from __future__ import annotations

import re
from pathlib import Path

from ci_helm.errors import ChartError, CiHelmError, RenderError, UsageError, ValuesError

__all__ = ["one_line", "one_line_render_error", "translate_helm_error"]

_LOCATION = re.compile(r"(?P<path>[\w.@+-]+(?:/[\w.@+ -]+)*\.\w+):(?P<line>\d+)(?::(?P<col>\d+))?")
_NOISE = ("Use --debug flag to render out invalid YAML",)
_INCLUDE = ": error calling include: "


def one_line(text: str) -> str:
    """Join the lines of a Go error, dropping Helm's CLI hints and "Error:" prefixes."""
    parts = []
    for raw in text.splitlines():
        line = raw.strip().removeprefix("Error: ")
        if line and line not in _NOISE:
            parts.append(line.rstrip(":"))
    return ": ".join(parts)


def _collapse_includes(message: str) -> str:
    """A recursive ``include`` repeats its frame a thousand times; keep the first and the cause."""
    parts = message.split(_INCLUDE)
    if len(parts) <= 3:
        return message
    return f"{parts[0]}{_INCLUDE.rstrip()} ({len(parts) - 1} nested includes) ... {parts[-1]}"


def one_line_render_error(text: str) -> RenderError:
    """A ``RenderError`` whose path/line are the first template location in Helm's text."""
    message = _collapse_includes(one_line(text))
    found = _LOCATION.search(message)
    if found is None:
        return RenderError(message)
    prefix = message[: found.start()].rstrip(" (").removesuffix(" at").removeprefix("template:").strip()
    suffix = message[found.end() :].lstrip("): ").strip()
    suffix = suffix.replace(f'executing "{found["path"]}" at ', "at ")
    rest = ": ".join(p for p in (prefix, suffix) if p and p != "execution error")
    return RenderError(rest or message, path=found["path"], line=int(found["line"]))


def translate_helm_error(exc: Exception, chart: Path) -> CiHelmError:
    """Map a ``helm_python`` exception (by class name, helm_python is not imported here)."""
    kind = type(exc).__name__
    text = str(exc)
    if kind == "HelmRenderError":
        return one_line_render_error(text)
    if kind == "HelmValuesError":
        return ValuesError(one_line(text), path=chart)
    if kind == "HelmInvalidArgError":
        return UsageError(one_line(text))
    if kind in ("HelmChartLoadError", "HelmChartInvalidError"):
        return ChartError(one_line(text), path=chart)
    return RenderError(f"helm: {one_line(text)}", path=chart)
