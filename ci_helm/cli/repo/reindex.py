"""``ci-helm repo reindex URL``: rebuild index.yaml from the packages actually stored."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import TARGET_SETTINGS
from ci_helm.cli.repo._target import open_target, redacted
from ci_helm.errors import CiHelmError, ExitCode
from ci_helm.publish.redact import redacted_logging
from ci_helm.settings import add_flags


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "reindex", help="rebuild a repository's index.yaml from its stored packages", parents=[parent]
    )
    parser.add_argument("target", metavar="URL", help="repository URL (as for release --to)")
    add_flags(parser, TARGET_SETTINGS)
    parser.set_defaults(handler=run, settings=TARGET_SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    publisher, redact = open_target(args.target, ctx)
    try:
        with redacted_logging(redact):
            count = publisher.reindex()
    except CiHelmError as exc:
        raise redacted(exc, redact) from None
    if ctx.format == "json":
        ctx.out.json({"target": publisher.description, "versions": count})
    else:
        ctx.out.write(redact(f"reindexed {publisher.description}: {count} chart versions"))
    return ExitCode.OK
