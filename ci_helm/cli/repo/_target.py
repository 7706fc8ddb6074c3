"""What ``repo reindex`` and ``repo prune`` share: one target URL turned into a publisher."""

from __future__ import annotations

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import redactor
from ci_helm.errors import CiHelmError
from ci_helm.publish.protocols import Publisher
from ci_helm.publish.redact import Redactor

__all__ = ["open_target", "redacted"]


def open_target(url: str, ctx: Context) -> tuple[Publisher, Redactor]:
    from ci_helm.wiring import publisher

    return publisher(url, ctx.settings), redactor(ctx.settings)


def redacted(exc: CiHelmError, redact: Redactor) -> CiHelmError:
    """The same error with every secret value masked (errors may quote server replies)."""
    clean = type(exc).__new__(type(exc))
    path = None if exc.path is None else redact(exc.path)
    CiHelmError.__init__(clean, redact(exc.message), path=path, line=exc.line)
    return clean
