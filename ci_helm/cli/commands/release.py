"""``ci-helm release PACKAGE... --to URL...``: publish packaged charts to one or many repositories."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.publish_settings import TARGET_SETTINGS, hooks_from_env, redactor
from ci_helm.cli.release_inputs import load_inputs
from ci_helm.cli.repo._target import redacted
from ci_helm.cli.signing import SIGN_SETTINGS
from ci_helm.errors import CiHelmError, UsageError
from ci_helm.publish.redact import Redactor, redacted_logging
from ci_helm.publish.release import ReleaseReport, execute, plan_release
from ci_helm.settings import Setting, add_flags, declare

RELEASE_SETTINGS = declare(
    Setting("to", "target repository URL (repeatable): file:// s3:// gs:// oci:// github:// git+URL#BRANCH https://",
            kind="list", default=[]),
    Setting("force", "replace versions already published with different content", kind="bool", default=False),
    Setting("dry-run", "print the plan and change nothing", kind="bool", default=False),
    Setting("sign", "sign chart directories as they are packaged (.prov)", kind="bool", default=False),
)  # fmt: skip
SETTINGS = RELEASE_SETTINGS + TARGET_SETTINGS + SIGN_SETTINGS


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "release",
        help="publish chart packages to chart repositories (idempotent, resumable, concurrency-safe)",
        parents=[parent],
    )
    parser.add_argument(
        "packages",
        nargs="+",
        metavar="CHART_OR_PACKAGE",
        help="chart packages (.tgz, with the .prov beside them) or chart directories (packaged reproducibly)",
    )
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    redact = redactor(ctx.settings)
    try:
        with redacted_logging(redact):
            report = _release(args, ctx)
    except CiHelmError as exc:
        raise redacted(exc, redact) from None
    print_report(ctx, report, redact)
    return report.exit_code


def _release(args: argparse.Namespace, ctx: Context) -> ReleaseReport:
    from ci_helm.wiring import publisher

    targets: list[str] = ctx.settings["to"] or []
    if not targets:
        raise UsageError("release: no target; pass --to URL (repeatable)")
    artifacts = load_inputs([ctx.cwd / p for p in args.packages], ctx, sign=bool(ctx.settings["sign"]))
    hooks = hooks_from_env(dict(ctx.environ))
    publishers = [publisher(url, ctx.settings, hooks) for url in targets]
    report = plan_release(artifacts, publishers, force=bool(ctx.settings["force"]))
    if ctx.settings["dry-run"]:
        report.dry_run = True
        return report
    return execute(report, publishers)


def print_report(ctx: Context, report: ReleaseReport, redact: Redactor) -> None:
    if ctx.format == "json":
        ctx.out.write(redact(json.dumps(report.as_dict(), indent=2)))
        return
    for target in report.targets:
        verb = "plan for" if report.dry_run or not target.applied else "released to"
        ctx.out.write(redact(f"{verb} {target.target}:"))
        for step in target.steps:
            detail = f" ({step.detail})" if step.detail else ""
            ctx.out.write(redact(f"  {step.action:<9} {step.artifact.name} {step.artifact.version}{detail}"))
        if target.error:
            ctx.out.error(redact(target.error))
