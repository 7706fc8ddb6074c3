"""``ci-helm repo reindex URL``: rebuild index.yaml from the packages actually stored."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import TARGET_SETTINGS
from ci_helm.cli.repo._target import add_target_parser, on_target
from ci_helm.errors import ExitCode


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    summary = "rebuild a repository's index.yaml from its stored packages"
    add_target_parser(sub, parent, "reindex", summary, settings=TARGET_SETTINGS, handler=run)


def run(args: argparse.Namespace, ctx: Context) -> int:
    count, publisher, redact = on_target(args.target, ctx, lambda p: p.reindex())
    if ctx.format == "json":
        ctx.out.json({"target": publisher.description, "versions": count})
    else:
        ctx.out.write(redact(f"reindexed {publisher.description}: {count} chart versions"))
    return ExitCode.OK
