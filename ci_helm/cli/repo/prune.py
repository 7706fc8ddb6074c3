"""``ci-helm repo prune URL --keep N [--chart NAME]``: retention, storage and index together."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import TARGET_SETTINGS
from ci_helm.cli.repo._target import add_target_parser, on_target
from ci_helm.errors import ExitCode, UsageError
from ci_helm.settings import Setting, declare

PRUNE_SETTINGS = declare(
    Setting("keep", "how many newest versions of each chart to keep", kind="int"),
    Setting("chart", "prune only this chart"),
)
SETTINGS = PRUNE_SETTINGS + TARGET_SETTINGS


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    summary = "remove old chart versions from a repository's storage and index"
    add_target_parser(sub, parent, "prune", summary, settings=SETTINGS, handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    keep = ctx.settings["keep"]
    if keep is None or keep < 1:
        raise UsageError("repo prune: --keep N (at least 1) is required")
    chart = ctx.settings["chart"]
    removed, publisher, redact = on_target(args.target, ctx, lambda p: p.prune(int(keep), chart))
    if ctx.format == "json":
        ctx.out.json(
            {"target": publisher.description, "removed": [{"chart": n, "version": v} for n, v in removed]}
        )
        return ExitCode.OK
    for name, version in removed:
        ctx.out.write(f"removed {name} {version}")
    ctx.out.info(redact(f"pruned {publisher.description}: {len(removed)} versions removed"))
    return ExitCode.OK
