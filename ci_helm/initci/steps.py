"""What one CI step (as the GitHub actions, GitLab jobs and Jenkins steps name it) runs, as argv lists.

Pure and unit-tested: the front-ends stay thin (inputs → ``CI_HELM_*`` variables → ``ci-helm ci-step``)
and every decision about which commands a step runs lives here.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ci_helm.errors import UsageError

__all__ = ["STEPS", "StepCommand", "plan_step"]

STEPS = ("list-changed", "lint", "test", "package", "sign", "release", "deploy", "pipeline")


@dataclass(frozen=True)
class StepCommand:
    argv: list[str]
    # Name of the GitHub output that receives this command's JSON result, if any.
    output: str | None = None


def plan_step(
    step: str,
    charts: list[str],
    extra_args: str,
    chart_version: str = "",
    package_dir: str = ".ci-helm/packages",
) -> list[StepCommand]:
    if step not in STEPS:
        raise UsageError(f"unknown step {step!r}: choose one of {', '.join(STEPS)}")
    extra = shlex.split(extra_args)
    selection = charts or ["--changed"]
    package = StepCommand(_package_argv(selection, chart_version, package_dir, extra), output="packages")
    plans: dict[str, list[StepCommand]] = {
        "list-changed": [StepCommand(["list-changed", "--format", "json", *extra], output="changed")],
        "lint": [StepCommand(["lint", *selection, *extra])],
        "test": [StepCommand(["test", *selection, *extra])],
        "package": [package],
        "sign": [StepCommand(["sign", *(charts or [package_dir]), *extra])],
        "release": [
            StepCommand(
                ["release", *(charts or [package_dir]), "--format", "json", *extra], output="released"
            )
        ],
        "deploy": [StepCommand(["deploy", *charts, *extra])],
        # What a release job runs on a merge or a tag.
        "pipeline": [
            StepCommand(["lint", *selection]),
            StepCommand(_package_argv(selection, chart_version, package_dir, []), output="packages"),
            StepCommand(["release", package_dir, "--format", "json", *extra], output="released"),
        ],
    }
    return plans[step]


def _package_argv(selection: list[str], version: str, package_dir: str, extra: list[str]) -> list[str]:
    argv = ["package", *selection, "-d", package_dir, "--format", "json"]
    if version:
        argv += ["--version", version]
    return [*argv, *extra]
