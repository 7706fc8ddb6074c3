"""What ``repo reindex`` and ``repo prune`` share: the URL argument, and one operation on the
publisher that URL names, with secrets masked in its logs and errors."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import redactor
from ci_helm.errors import CiHelmError
from ci_helm.publish.protocols import Publisher
from ci_helm.publish.redact import Redactor, redacted_logging
from ci_helm.settings import Setting, add_flags

__all__ = ["add_target_parser", "on_target", "open_target", "redacted"]

T = TypeVar("T")


def add_target_parser(
    sub: Any,
    parent: argparse.ArgumentParser,
    name: str,
    summary: str,
    *,
    settings: tuple[Setting, ...],
    handler: Callable[[argparse.Namespace, Context], int],
) -> None:
    parser = sub.add_parser(name, help=summary, parents=[parent])
    parser.add_argument("target", metavar="URL", help="repository URL (as for release --to)")
    add_flags(parser, settings)
    parser.set_defaults(handler=handler, settings=settings)


def on_target(url: str, ctx: Context, operation: Callable[[Publisher], T]) -> tuple[T, Publisher, Redactor]:
    """``operation`` on the publisher for ``url``; its logs and errors have every secret masked."""
    publisher, redact = open_target(url, ctx)
    try:
        with redacted_logging(redact):
            return operation(publisher), publisher, redact
    except CiHelmError as exc:
        raise redacted(exc, redact) from None


def open_target(url: str, ctx: Context) -> tuple[Publisher, Redactor]:
    from ci_helm.wiring import publisher

    return publisher(url, ctx.settings), redactor(ctx.settings)


def redacted(exc: CiHelmError, redact: Redactor) -> CiHelmError:
    """The same error with every secret value masked (errors may quote server replies)."""
    clean = type(exc).__new__(type(exc))
    path = None if exc.path is None else redact(exc.path)
    CiHelmError.__init__(clean, redact(exc.message), path=path, line=exc.line)
    return clean
