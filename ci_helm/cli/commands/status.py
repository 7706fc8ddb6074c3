"""``ci-helm status NAME``: state, revision, chart, each resource and its readiness, notes."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.common import ENGINE_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.cli.deploy_support import deployer, status_line
from ci_helm.cli.kube_flags import DEPLOY_SETTINGS, KUBE_SETTINGS, kube_target
from ci_helm.deploy.diagnose import inspect_release
from ci_helm.deploy.recovery import recovery_advice
from ci_helm.errors import ExitCode
from ci_helm.settings import add_flags

__all__ = ["register", "run"]

SETTINGS = ENGINE_SETTINGS + KUBE_SETTINGS + DEPLOY_SETTINGS


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "status", help="show a release: state, revision, resources and their readiness", parents=[parent]
    )
    parser.add_argument("name", metavar="NAME")
    parser.add_argument("--revision", type=int, help="a past revision (default: the latest)")
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    target = kube_target(ctx)
    engine = deployer(ctx, target)
    release = engine.releases.status(args.name, args.revision)
    states = inspect_release(engine.cluster, release.manifest, release.namespace) if engine.cluster else []
    advice = recovery_advice(engine.history(args.name), args.name)
    if ctx.format == "json":
        ctx.out.json(
            {
                **release.summary(),
                "notes": release.notes,
                "resources": [s.as_dict() for s in states],
                "ready": all(s.ready for s in states),
                "advice": advice or None,
            }
        )
        return ExitCode.OK
    ctx.out.write(status_line(release))
    if release.updated:
        ctx.out.write(f"updated: {release.updated}")
    if advice:
        ctx.out.warn(advice)
    ready = sum(1 for s in states if s.ready)
    ctx.out.write(f"resources: {ready}/{len(states)} ready")
    for state in states:
        mark = "ready" if state.ready else "NOT READY"
        line = f"  {state.obj.kind}/{state.obj.name}: {mark}"
        ctx.out.write(line if state.ready else f"{line} - {state.describe().split(': ', 1)[-1]}")
    if release.notes:
        ctx.out.write("notes:\n" + release.notes.rstrip())
    return ExitCode.OK
