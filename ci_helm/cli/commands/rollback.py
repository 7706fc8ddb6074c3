"""``ci-helm rollback NAME [REVISION]``: back to a revision (default: the previous deployed one)."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.common import ENGINE_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.cli.deploy_support import deployer, status_line
from ci_helm.cli.kube_flags import DEPLOY_SETTINGS, KUBE_SETTINGS, kube_target
from ci_helm.deploy.recovery import last_good
from ci_helm.errors import ExitCode, ReleaseError
from ci_helm.settings import add_flags

__all__ = ["register", "run"]

SETTINGS = ENGINE_SETTINGS + KUBE_SETTINGS + DEPLOY_SETTINGS


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "rollback", help="roll a release back to an earlier revision", parents=[parent]
    )
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("revision", nargs="?", type=int, metavar="REVISION", help="default: the previous one")
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    target = kube_target(ctx)
    engine = deployer(ctx, target)
    history = engine.history(args.name)
    if not history:
        raise ReleaseError(f'release "{args.name}" not found in namespace "{target.cluster.namespace}"')
    revision = args.revision or _previous(history, args.name)
    if revision not in {r.revision for r in history}:
        raise ReleaseError(
            f'release "{args.name}" has no revision {revision} (it has 1..{history[-1].revision})'
        )
    wait, timeout = bool(ctx.settings.get("wait", True)), float(ctx.settings.get("wait-timeout", 300.0))
    engine.releases.rollback(args.name, revision, wait=wait, timeout=timeout)
    release = engine.releases.status(args.name)
    if ctx.format == "json":
        ctx.out.json({"rolled_back_to": revision, "release": release.summary()})
    else:
        ctx.out.write(f"rolled back to revision {revision}: {status_line(release)}")
    return ExitCode.OK


def _previous(history: list[Any], name: str) -> int:
    target = last_good(history[:-1])
    if target is None:
        raise ReleaseError(f'release "{name}" has no earlier deployed revision to roll back to')
    return int(target.revision)
