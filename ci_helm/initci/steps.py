"""What one CI step (as the GitHub actions, GitLab jobs and Jenkins steps name it) runs, as argv lists.

Pure and unit-tested: the front-ends stay thin (inputs → ``CI_HELM_*`` variables → ``ci-helm ci-step``)
and every decision about which commands a step runs lives here. ``ci-step`` resolves the facts
that need I/O first (which charts, their snapshot versions, the packages on disk) and hands
them in as a :class:`StepInputs`.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field

from ci_helm.errors import UsageError

__all__ = [
    "PACKAGE_DIR",
    "STEPS",
    "StepCommand",
    "StepInputs",
    "plan_step",
    "selects_all_by_default",
    "snapshot_version",
]

STEPS = ("list-changed", "lint", "test", "package", "sign", "release", "deploy", "pipeline")
PACKAGE_DIR = ".ci-helm/packages"
# Steps that publish: on a merge or a tag every chart is a candidate (release skips versions already
# published with the same bytes), because "changed against the target branch" is empty there.
_ALL_BY_DEFAULT = ("package", "pipeline")
_SEMVER_NUMERIC = re.compile(r"^[0-9]+$")


@dataclass(frozen=True)
class StepCommand:
    argv: list[str]
    # Name of the GitHub output that receives this command's JSON result, if any.
    output: str | None = None
    # Append the packages found in this folder when the command runs (they do not exist at plan time).
    packages_from: str | None = None


@dataclass(frozen=True)
class StepInputs:
    charts: list[str]  # chart folders, or selection flags (--changed) for the commands that take them
    extra_args: str = ""
    chart_version: str = ""
    package_dir: str = PACKAGE_DIR
    sign: bool = False
    # Per-chart versions (snapshots: ``1.2.3-snapshot.<sha>``); packaged one command per chart.
    versions: Mapping[str, str] = field(default_factory=dict)


def selects_all_by_default(step: str) -> bool:
    return step in _ALL_BY_DEFAULT


def snapshot_version(template: str, version: str, sha: str) -> str:
    """``{version}-snapshot.{sha}`` filled in, kept a valid SemVer 2 pre-release.

    Build metadata moves to the end; an all-digit short sha with a leading zero (not allowed as a
    numeric pre-release identifier) gets a ``g`` prefix, as ``git describe`` does.
    """
    core, plus, build = version.partition("+")
    if _SEMVER_NUMERIC.match(sha) and sha.startswith("0"):
        sha = "g" + sha
    try:
        filled = template.format(version=core, sha=sha)
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(
            f"snapshot-version {template!r}: only {{version}} and {{sha}} may appear ({exc})"
        ) from None
    if "-" in core and filled.startswith(core + "-"):
        filled = core + "." + filled[len(core) + 1 :]  # 1.2.3-rc.1 → 1.2.3-rc.1.snapshot.<sha>
    return filled + (plus + build if plus else "")


def plan_step(
    step: str,
    charts: list[str],
    extra_args: str,
    chart_version: str = "",
    package_dir: str = PACKAGE_DIR,
) -> list[StepCommand]:
    """The commands of ``step`` (short form of :func:`plan`, kept for callers with plain values)."""
    return plan(step, StepInputs(charts, extra_args, chart_version, package_dir))


def plan(step: str, inputs: StepInputs) -> list[StepCommand]:
    if step not in STEPS:
        raise UsageError(f"unknown step {step!r}: choose one of {', '.join(STEPS)}")
    extra = shlex.split(inputs.extra_args)
    selection = inputs.charts or ["--changed"]
    plans: dict[str, list[StepCommand]] = {
        # list-changed writes its own step outputs (changed, charts, matrix).
        "list-changed": [StepCommand(["list-changed", "--format", "json", *extra])],
        "lint": [StepCommand(["lint", *selection, *extra])],
        "test": [StepCommand(["test", *selection, *extra])],
        "package": _package(inputs, extra),
        "sign": [
            StepCommand(
                ["sign", *inputs.charts, *extra],
                packages_from=None if inputs.charts else inputs.package_dir,
            )
        ],
        "release": [_release(inputs, extra, from_dir=not inputs.charts)],
        "deploy": [StepCommand(["deploy", *inputs.charts, *extra])],
        # What a release job runs on a merge or a tag.
        "pipeline": [
            StepCommand(["lint", *selection]),
            *_package(inputs, []),
            _release(inputs, extra, from_dir=True),
        ],
    }
    return plans[step]


def _package(inputs: StepInputs, extra: list[str]) -> list[StepCommand]:
    """One command for all charts, or one per chart when each gets its own version."""
    if not inputs.charts:
        return []  # nothing selected: nothing to package (ci-step says so)
    base = ["-d", inputs.package_dir, "--format", "json", *(["--sign"] if inputs.sign else [])]
    if inputs.versions:
        return [
            StepCommand(["package", chart, *base, "--version", inputs.versions[chart], *extra], "packages")
            for chart in inputs.charts
        ]
    version = ["--version", inputs.chart_version] if inputs.chart_version else []
    return [StepCommand(["package", *inputs.charts, *base, *version, *extra], output="packages")]


def _release(inputs: StepInputs, extra: list[str], *, from_dir: bool) -> StepCommand:
    """Release the packages an earlier step left in the package folder, or the charts named."""
    if not from_dir:
        return StepCommand(["release", *inputs.charts, "--format", "json", *extra], output="released")
    # The packages were signed (or not) when packaged; release must not try to sign them again.
    no_sign = ["--no-sign"] if inputs.sign else []
    argv = ["release", "--format", "json", *no_sign, *extra]
    return StepCommand(argv, output="released", packages_from=inputs.package_dir)
