"""``ci-helm ci-step``: run one CI step (or the pipeline) from ``CI_HELM_STEP*`` variables.

The GitHub actions call this with their inputs in the environment, so no input is ever
interpolated into a shell script; GitLab and Jenkins templates call it the same way
(``ci-helm ci-step --step package``). JSON results of package/release/list-changed become
step outputs (``$GITHUB_OUTPUT``).

Publishing steps (package, pipeline) take every chart under ``chart-dirs`` unless charts are
named or ``--changed`` is given: on a merge or a tag nothing differs from the target branch, and
release skips versions already published with the same bytes. With ``snapshot`` on, each chart
is packaged as ``<version>-snapshot.<sha>`` (``snapshot-version``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
from pathlib import Path
from typing import Any

from ci_helm.cli.chart_selection import SELECTION_SETTINGS, select_charts
from ci_helm.cli.context import Context
from ci_helm.errors import ConfigError, ExitCode
from ci_helm.initci.steps import (
    STEPS,
    StepCommand,
    StepInputs,
    plan,
    selects_all_by_default,
    snapshot_version,
)
from ci_helm.settings import Setting, add_flags, declare
from ci_helm.yamlio import read_yaml_file

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
    Setting("snapshot", "package snapshot versions (see snapshot-version)", kind="bool", default=False),
    Setting("snapshot-version", "version of snapshot packages; {version} and {sha} are filled in",
            default="{version}-snapshot.{sha}"),
)  # fmt: skip


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "ci-step",
        help="run one CI step from CI_HELM_STEP* variables (used by the CI front-ends)",
        parents=[parent],
    )
    # release's `sign` (ci-helm.yaml `sign: true`): packages are signed as they are packaged. Imported
    # here because only the chosen command's module is loaded (ci_helm.cli.main.COMMAND_MODULES).
    from ci_helm.cli.commands.release import RELEASE_SETTINGS

    shared = tuple(s for s in RELEASE_SETTINGS if s.name == "sign")
    settings = SETTINGS + SELECTION_SETTINGS + shared
    add_flags(parser, settings)
    parser.set_defaults(handler=run, settings=settings)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.cli.main import main

    step = str(ctx.settings["step"])
    inputs = _inputs(step, ctx)
    if selects_all_by_default(step) and not inputs.charts:
        ctx.out.info(f"ci-step {step}: no charts selected, nothing to do")
        return ExitCode.OK
    outputs: dict[str, list[Any]] = {}
    for command in plan(step, inputs):
        argv = [*command.argv, *_packages(ctx, command)]
        ctx.out.info("$ ci-helm " + " ".join(argv))
        code, captured = _run(main, argv, command.output is not None, ctx)
        if command.output and captured is not None:
            ctx.out.write(captured)
            _collect(outputs, command.output, captured)
        if code != ExitCode.OK:
            _set_outputs(ctx, outputs)
            return code
    _set_outputs(ctx, outputs)
    return ExitCode.OK


def _inputs(step: str, ctx: Context) -> StepInputs:
    s = ctx.settings
    charts = [str(c) for c in s["step-charts"] or ()]
    if selects_all_by_default(step):
        charts = [c.as_posix() for c in select_charts(ctx, charts, default="all").charts]
    elif s.get("changed") and not charts:
        charts = ["--changed"]
    elif s.get("all") and not charts:
        charts = ["--all"]
    versions = (
        _snapshot_versions(ctx, charts) if s.get("snapshot") and step in ("package", "pipeline") else {}
    )
    return StepInputs(
        charts=charts,
        extra_args=str(s["step-args"] or ""),
        chart_version=str(s["chart-version"] or ""),
        sign=bool(s.get("sign")),
        versions=versions,
    )


def _snapshot_versions(ctx: Context, charts: list[str]) -> dict[str, str]:
    from ci_helm.wiring import git_repo

    head = git_repo(ctx.cwd, ctx.environ).resolve("HEAD")
    if head is None:
        raise ConfigError("snapshot versions need a commit: HEAD does not resolve")
    template = str(ctx.settings["snapshot-version"])
    return {chart: snapshot_version(template, _chart_version(ctx.cwd / chart), head[:8]) for chart in charts}


def _chart_version(chart: Path) -> str:
    meta = read_yaml_file(chart / "Chart.yaml")
    version = meta.get("version") if isinstance(meta, dict) else None
    if not isinstance(version, str) or not version:
        raise ConfigError("Chart.yaml has no version", path=chart / "Chart.yaml")
    return version


def _packages(ctx: Context, command: StepCommand) -> list[str]:
    if command.packages_from is None:
        return []
    folder = ctx.cwd / command.packages_from
    found = sorted(p.relative_to(ctx.cwd).as_posix() for p in folder.glob("*.tgz")) if folder.is_dir() else []
    if not found:
        raise ConfigError(f"no chart packages in {command.packages_from} (run the package step first)")
    return found


def _run(main: Any, argv: list[str], capture: bool, ctx: Context) -> tuple[int, str | None]:
    if not capture:
        return int(main(argv, environ=ctx.environ)), None
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = int(main(argv, environ=ctx.environ))
    return code, buffer.getvalue()


def _collect(outputs: dict[str, list[Any]], name: str, captured: str) -> None:
    """Outputs of several commands (one package command per snapshot chart) join into one list."""
    try:
        value = json.loads(captured)
    except json.JSONDecodeError:
        return  # the command failed before printing its JSON; its error is already on stderr
    outputs.setdefault(name, []).append(value)


def _set_outputs(ctx: Context, outputs: dict[str, list[Any]]) -> None:
    target = ctx.environ.get("GITHUB_OUTPUT")
    if not target or not outputs:
        return
    with Path(target).open("a", encoding="utf-8") as handle:
        for name, values in outputs.items():
            merged = values[0] if len(values) == 1 else _join(values)
            handle.write(f"{name}={json.dumps(merged, separators=(',', ':'))}\n")


def _join(values: list[Any]) -> Any:
    if all(isinstance(v, list) for v in values):
        return [item for v in values for item in v]
    return values
