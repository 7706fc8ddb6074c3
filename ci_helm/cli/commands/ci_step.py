"""``ci-helm ci-step``: run one CI step (or the pipeline) from ``CI_HELM_STEP*`` variables.

The GitHub actions call this with their inputs in the environment, so no input is ever
interpolated into a shell script; GitLab and Jenkins templates may call it the same way.
JSON results of package/release/list-changed become step outputs (``$GITHUB_OUTPUT``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode
from ci_helm.initci.steps import STEPS, StepCommand, plan_step
from ci_helm.settings import Setting, add_flags, declare

SETTINGS = declare(
    Setting("step", "which step to run", default="lint", choices=STEPS),
    Setting(
        "step-charts",
        "charts or packages for the step (empty: what the step selects)",
        kind="list",
        default=[],
    ),
    Setting("step-args", "further arguments for the step's command, shell-quoted", default=""),
    Setting("chart-version", "chart version override for the package step"),
)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ci-step",
        help="run one CI step from CI_HELM_STEP* variables (used by the CI front-ends)",
        parents=[parent],
    )
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.cli.main import main

    s = ctx.settings
    plan = plan_step(s["step"], s["step-charts"], s["step-args"], s["chart-version"] or "")
    for command in plan:
        ctx.out.info("$ ci-helm " + " ".join(command.argv))
        code, captured = _run(main, command, ctx)
        if command.output and captured is not None:
            ctx.out.write(captured)
            _set_output(ctx, command.output, captured)
        if code != ExitCode.OK:
            return code
    return ExitCode.OK


def _run(main: Any, command: StepCommand, ctx: Context) -> tuple[int, str | None]:
    if command.output is None:
        return int(main(command.argv, environ=ctx.environ)), None
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = int(main(command.argv, environ=ctx.environ))
    return code, buffer.getvalue()


def _set_output(ctx: Context, name: str, captured: str) -> None:
    target = ctx.environ.get("GITHUB_OUTPUT")
    if not target:
        return
    try:
        value = json.dumps(json.loads(captured), separators=(",", ":"))
    except json.JSONDecodeError:
        return  # the command failed before printing its JSON; its error is already on stderr
    with Path(target).open("a", encoding="utf-8") as handle:
        handle.write(f"{name}={value}\n")
