"""``ci-helm deploy`` (install or upgrade, safely), ``redeploy`` (new values, same chart) and
Helm's spelling ``upgrade [--install] NAME CHART``."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.common import ENGINE_SETTINGS, PLAIN_HTTP
from ci_helm.cli.context import Context
from ci_helm.cli.deploy_support import ChartInput, chart_input, deployer, print_diff, status_line
from ci_helm.cli.kube_flags import DEPLOY_SETTINGS, KUBE_SETTINGS, kube_target
from ci_helm.cli.values_flags import add_value_flags
from ci_helm.deploy.deployer import DeployFailed, DeployOutcome, DeployRequest
from ci_helm.engine.releases import ApplyOptions
from ci_helm.errors import ExitCode, ReleaseError
from ci_helm.settings import add_flags

__all__ = ["register", "run"]

SETTINGS = (*ENGINE_SETTINGS, *KUBE_SETTINGS, *DEPLOY_SETTINGS, PLAIN_HTTP)


def _common(parser: argparse.ArgumentParser) -> None:
    add_value_flags(parser)
    parser.add_argument("--create-namespace", action="store_true", help="create the namespace if missing")
    parser.add_argument("--dry-run", action="store_true", help="change nothing: show what would change")
    parser.add_argument("--diff", action="store_true", help="show the changes before applying them")
    parser.add_argument(
        "--no-rollback", action="store_true", help="keep a failed upgrade instead of rolling back"
    )
    parser.add_argument(
        "--force", action="store_true", help="allow replacing the chart of an existing release"
    )
    parser.add_argument("--recover", action="store_true", help="first roll back a release stuck in pending-*")
    parser.add_argument("--description", help="description stored with the new revision")
    parser.add_argument("--repo", metavar="URL", help="chart repository URL; CHART is then a chart name")
    parser.add_argument("--version", metavar="VERSION", help="chart version to download (default: latest)")
    add_flags(parser, SETTINGS)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    deploy = subparsers.add_parser(
        "deploy",
        help="install or upgrade a release (wait, diff, automatic rollback)",
        description="Install CHART as a new release or upgrade an existing one. Without -n, a new "
        "release gets a memorable unique name. Waits for readiness and rolls a failed upgrade back.",
        parents=[parent],
    )
    deploy.add_argument(
        "chart",
        nargs="?",
        metavar="CHART",
        help="chart directory, .tgz, oci://, https:// (or 'chart:' in -f)",
    )
    deploy.add_argument("-n", "--name", help="release name (default: a new random memorable name)")
    _common(deploy)
    deploy.set_defaults(handler=run, settings=SETTINGS, declarative=True)

    upgrade = subparsers.add_parser(
        "upgrade", help="Helm's spelling: upgrade [--install] NAME CHART", parents=[parent]
    )
    upgrade.add_argument("name", metavar="NAME")
    upgrade.add_argument("chart", metavar="CHART")
    upgrade.add_argument(
        "-i", "--install", action="store_true", help="install when the release does not exist"
    )
    _common(upgrade)
    upgrade.set_defaults(handler=run_upgrade, settings=SETTINGS, declarative=False)

    redeploy = subparsers.add_parser(
        "redeploy", help="deploy a release again with new values and the same chart", parents=[parent]
    )
    redeploy.add_argument("name", metavar="NAME")
    mode = redeploy.add_mutually_exclusive_group()
    mode.add_argument("--reuse-values", action="store_true", help="start from the release's current values")
    mode.add_argument("--reset-values", action="store_true", help="start from the chart's defaults")
    redeploy.add_argument("--chart", help="the chart to use instead of the one stored with the release")
    _common(redeploy)
    redeploy.set_defaults(handler=run_redeploy, settings=SETTINGS, declarative=False)


def _options(args: argparse.Namespace, ctx: Context) -> ApplyOptions:
    return ApplyOptions(
        wait=bool(ctx.settings.get("wait", True)),
        timeout=float(ctx.settings.get("wait-timeout", 300.0)),
        dry_run=args.dry_run,
        create_namespace=args.create_namespace,
        reuse_values=getattr(args, "reuse_values", False),
        # deploy is declarative: the chart's defaults plus the values given, nothing inherited
        # (Helm's upgrade would silently reuse the previous release's values when none are given).
        reset_values=getattr(args, "reset_values", False) or args.declarative,
        description=args.description,
    )


def _request(args: argparse.Namespace, ctx: Context, chart: ChartInput) -> DeployRequest:
    return DeployRequest(
        chart=chart.path,
        chart_name=chart.name,
        values=chart.values,
        name=args.name,
        options=_options(args, ctx),
        rollback_on_failure=not args.no_rollback,
        force=args.force,
        recover=args.recover,
        diff=args.diff,
        prepare=chart.prepare,
    )


def run(args: argparse.Namespace, ctx: Context) -> int:
    target = kube_target(ctx)
    chart = chart_input(args, ctx, target)
    try:
        return _deploy(ctx, target, _request(args, ctx, chart))
    finally:
        chart.close()


def run_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    target = kube_target(ctx)
    if not args.install and not args.dry_run and not deployer(ctx, target).history(args.name):
        raise ReleaseError(f'"{args.name}" has no deployed releases (add --install to install it)')
    return run(args, ctx)


def run_redeploy(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.deploy.stored_chart import stored_chart

    target = kube_target(ctx)
    engine = deployer(ctx, target)
    history = engine.history(args.name)
    if not history:
        raise ReleaseError(f'release "{args.name}" not found in namespace "{target.cluster.namespace}"')
    if args.chart:
        return _deploy(ctx, target, _request(args, ctx, chart_input(args, ctx, target)))
    with stored_chart(engine.cluster, target.cluster.namespace, args.name, history[-1].revision) as path:
        args.chart = str(path)
        chart = chart_input(args, ctx, target)
        return _deploy(ctx, target, _request(args, ctx, chart))


def _deploy(ctx: Context, target: Any, request: DeployRequest) -> int:
    engine = deployer(ctx, target)
    try:
        outcome = engine.deploy(request)
    except DeployFailed as failed:
        return _failed(ctx, failed)
    if ctx.format == "json":
        ctx.out.json(_as_json(outcome))
        return ExitCode.OK
    _print(ctx, outcome, full_diff=request.diff or request.options.dry_run)
    return ExitCode.OK


def _print(ctx: Context, outcome: DeployOutcome, *, full_diff: bool) -> None:
    if outcome.recovered:
        ctx.out.info(outcome.recovered)
    if outcome.diff is not None:
        if outcome.offline:
            ctx.out.info("no cluster reachable: the dry run shows every object as added")
        print_diff(ctx, outcome.diff, full=full_diff)
    if outcome.release is not None and outcome.action != "dry-run":
        ctx.out.write(f"{outcome.action} {status_line(outcome.release)}")
        if outcome.release.notes:
            ctx.out.info(outcome.release.notes.rstrip())


def _failed(ctx: Context, failed: DeployFailed) -> int:
    if ctx.format == "json":
        ctx.out.json(
            {
                "status": "failed",
                "error": failed.message,
                "rolled_back_to": failed.rolled_back_to,
                "unready": [d.as_dict() for d in failed.details],
            }
        )
    ctx.out.error(failed.message)
    for detail in failed.details[1:]:
        ctx.out.info(f"  {detail.describe()}")
    return ExitCode.CHECKS_FAILED


def _as_json(outcome: DeployOutcome) -> dict[str, Any]:
    return {
        "status": "ok",
        "name": outcome.name,
        "action": outcome.action,
        "release": outcome.release.summary() if outcome.release and outcome.action != "dry-run" else None,
        "recovered": outcome.recovered or None,
        "offline": outcome.offline,
        "changes": [c.as_dict() for c in outcome.diff.changes] if outcome.diff else None,
    }
