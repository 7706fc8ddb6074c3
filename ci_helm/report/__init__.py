"""Reporters: pure functions from a :class:`~ci_helm.model.results.RunReport` to a string.

``render(fmt, report, options)`` picks one; the CLI (``ci_helm.cli.reporting``) decides
where each goes (stdout, ``--report FORMAT=PATH`` files, the GitHub step summary).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ci_helm.model.results import RunReport
from ci_helm.report import codequality, github, json_report, junit, sarif, text
from ci_helm.report.common import RenderOptions

if TYPE_CHECKING:
    from ci_helm.cli.context import Context

__all__ = ["FORMATS", "RenderOptions", "emit", "render"]

Renderer = Callable[[RunReport, RenderOptions], str]

_RENDERERS: dict[str, Renderer] = {
    "text": text.render,
    "json": json_report.render,
    "junit": junit.render,
    "sarif": sarif.render,
    "github": github.render,
    "codequality": codequality.render,
}
FORMATS = tuple(_RENDERERS)


def render(fmt: str, report: RunReport, options: RenderOptions | None = None) -> str:
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r} (one of {', '.join(FORMATS)})") from None
    return renderer(report, options or RenderOptions())


def emit(ctx: Context, report: RunReport) -> None:
    """Shortcut for commands: :func:`ci_helm.cli.reporting.emit_reports` (stdout, files, GitHub).

    The renderers stay pure; the I/O lives in the CLI module, imported only when called.
    """
    from ci_helm.cli.reporting import emit_reports

    emit_reports(report, ctx)
