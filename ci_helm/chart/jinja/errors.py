"""Turn whatever a Jinja2 render raised into one :class:`RenderError` naming template file and line."""

from __future__ import annotations

from types import TracebackType

import jinja2
from jinja2.exceptions import SecurityError

from ci_helm.chart.jinja.helpers import TemplateFailure
from ci_helm.errors import CiHelmError, RenderError, RenderTimeout

__all__ = ["render_error"]


def _template_frame(tb: TracebackType | None, prefix: str) -> tuple[str, int] | None:
    """The innermost traceback frame inside a chart template (Jinja rewrites frames to template lines)."""
    found: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.startswith(prefix):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def render_error(exc: BaseException, template: str) -> CiHelmError:
    """``template`` is the display path of the template being rendered (``app/templates/x.j2``)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return RenderError(f"syntax error: {exc.message}", path=exc.filename or template, line=exc.lineno)
    chart_prefix = template.split("/templates/", 1)[0] + "/"
    where = _template_frame(exc.__traceback__, chart_prefix) or (template, None)
    path, line = where
    if isinstance(exc, RenderTimeout):
        return RenderTimeout(exc.message, path=path, line=line)
    if isinstance(exc, CiHelmError):
        return type(exc)(exc.message, path=exc.path or path, line=exc.line if exc.path else line)
    return RenderError(_message(exc), path=path, line=line)


def _message(exc: BaseException) -> str:
    if isinstance(exc, SecurityError):
        return f"refused by the template sandbox: {exc}"
    if isinstance(exc, jinja2.UndefinedError):
        return f"undefined value: {exc.message}"
    if isinstance(exc, TemplateFailure):
        return str(exc)
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"template not found in this chart: {exc.name}"
    return f"{type(exc).__name__}: {exc}"
