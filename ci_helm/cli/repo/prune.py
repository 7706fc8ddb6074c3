"""``ci-helm repo prune URL --keep N [--chart NAME]``: retention, storage and index together."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import TARGET_SETTINGS
from ci_helm.cli.repo._target import open_target, redacted
from ci_helm.errors import CiHelmError, ExitCode, UsageError
from ci_helm.publish.redact import redacted_logging
from ci_helm.settings import Setting, add_flags, declare

PRUNE_SETTINGS = declare(
    Setting("keep", "how many newest versions of each chart to keep", kind="int"),
    Setting("chart", "prune only this chart"),
)
SETTINGS = PRUNE_SETTINGS + TARGET_SETTINGS


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "prune", help="remove old chart versions from a repository's storage and index", parents=[parent]
    )
    parser.add_argument("target", metavar="URL", help="repository URL (as for release --to)")
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    keep = ctx.settings["keep"]
    if keep is None or keep < 1:
        raise UsageError("repo prune: --keep N (at least 1) is required")
    publisher, redact = open_target(args.target, ctx)
    try:
        with redacted_logging(redact):
            removed = publisher.prune(int(keep), ctx.settings["chart"])
    except CiHelmError as exc:
        raise redacted(exc, redact) from None
    if ctx.format == "json":
        ctx.out.json(
            {"target": publisher.description, "removed": [{"chart": n, "version": v} for n, v in removed]}
        )
        return ExitCode.OK
    for name, version in removed:
        ctx.out.write(f"removed {name} {version}")
    ctx.out.info(redact(f"pruned {publisher.description}: {len(removed)} versions removed"))
    return ExitCode.OK
