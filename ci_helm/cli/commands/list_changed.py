"""``ci-helm list-changed``: the charts a change touches, as lines or as a CI job matrix.

Shapes (documented in the README):

- text: one chart path per line (removed charts are not listed);
- ``--format json`` (``--matrix github``, the default): ``{"include": [{"chart", "name",
  "version", "base_version", "status"}]}``, ready for ``strategy.matrix: ${{ fromJSON(...) }}``;
- ``--format json --matrix gitlab``: ``{"parallel": {"matrix": [{"CHART", "CHART_NAME",
  "CHART_VERSION"}]}}`` for a generated child pipeline;
- ``--format json --matrix none``: every detail (base commit, removed charts, reasons, files).

In GitHub Actions (``GITHUB_OUTPUT`` set) the step outputs ``changed``, ``charts`` and
``matrix`` are written too.
"""

from __future__ import annotations

import argparse
import json
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

from ci_helm.changes import ChangedChart, ChangeSet
from ci_helm.cli.chart_selection import CHANGE_SETTINGS, detect_changes, to_cwd
from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode, UsageError
from ci_helm.settings import Setting, add_flags, declare

__all__ = ["github_matrix", "gitlab_matrix", "register", "run"]

# Jobs one matrix may generate: GitHub Actions (per workflow run) and GitLab (parallel:matrix).
MATRIX_LIMITS = {"GitHub Actions": 256, "GitLab": 200}

SETTINGS = CHANGE_SETTINGS + declare(
    Setting(
        "matrix",
        "shape of --format json: github ({include: [...]}), gitlab (parallel:matrix) or none (full detail)",
        default="github",
        choices=("github", "gitlab", "none"),
    ),
    Setting(
        "include-removed", "also list charts the change deletes (status: removed)", kind="bool", default=False
    ),
)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "list-changed",
        help="list the charts a change touches",
        description="List the charts changed against the merge-base with the target branch (or --since REF).",
        parents=[parent],
    )
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if ctx.format not in ("text", "json"):
        raise UsageError(f"list-changed prints text or json, not {ctx.format}")
    changes, root = detect_changes(ctx)
    include_removed = bool(ctx.settings.get("include-removed"))
    charts = [_relocated(ctx, root, c) for c in changes.listed(include_removed=include_removed)]
    _summarize(ctx, changes, charts)
    if ctx.format == "json":
        ctx.out.json(_json_shape(str(ctx.settings.get("matrix") or "github"), changes, charts, ctx, root))
    elif charts:
        ctx.out.write("\n".join(c.path for c in charts))
    if ctx.environ.get("GITHUB_OUTPUT"):
        _github_outputs(Path(ctx.environ["GITHUB_OUTPUT"]), charts)
    return ExitCode.OK


def _relocated(ctx: Context, root: Path, chart: ChangedChart) -> ChangedChart:
    return replace(chart, path=to_cwd(ctx, root, chart.path))


def _summarize(ctx: Context, changes: ChangeSet, charts: list[ChangedChart]) -> None:
    n = len(charts)
    ctx.out.info(
        f"{n} chart{'s' if n != 1 else ''} changed against {changes.base.ref} "
        f"(merge-base {changes.base.commit[:12]})"
    )
    if changes.ignored_files:
        ctx.out.info(f"{len(changes.ignored_files)} changed file(s) ignored (.helmignore / ignore-globs)")
    for ci, limit in MATRIX_LIMITS.items():
        if n > limit:
            ctx.out.warn(f"{n} charts: more than the {limit} jobs a {ci} matrix may hold; split the job")


def github_matrix(charts: list[ChangedChart]) -> dict[str, Any]:
    """``strategy.matrix`` for GitHub Actions: one job per chart, string values only."""
    return {
        "include": [
            {
                "chart": c.path,
                "name": c.name,
                "version": c.version,
                "base_version": c.base_version or "",
                "status": c.status,
            }
            for c in charts
        ]
    }


def gitlab_matrix(charts: list[ChangedChart]) -> dict[str, Any]:
    """``parallel:matrix`` for GitLab CI: one entry per chart, so variables stay paired."""
    return {
        "parallel": {
            "matrix": [{"CHART": c.path, "CHART_NAME": c.name, "CHART_VERSION": c.version} for c in charts]
        }
    }


def _json_shape(
    matrix: str, changes: ChangeSet, charts: list[ChangedChart], ctx: Context, root: Path
) -> dict[str, Any]:
    if matrix == "github":
        return github_matrix(charts)
    if matrix == "gitlab":
        return gitlab_matrix(charts)
    return {
        "base": {
            "ref": changes.base.ref,
            "commit": changes.base.commit,
            "ref_commit": changes.base.ref_commit,
        },
        "charts": [
            {
                "chart": c.path,
                "name": c.name,
                "version": c.version,
                "status": c.status,
                "base_version": c.base_version,
                "target_version": c.target_version,
                "reasons": list(c.reasons),
                "files": [to_cwd(ctx, root, f) for f in c.files],
            }
            for c in [_relocated(ctx, root, c) for c in changes.listed(include_removed=True)]
        ],
        "ignored_files": [to_cwd(ctx, root, f) for f in changes.ignored_files],
    }


def _github_outputs(path: Path, charts: list[ChangedChart]) -> None:
    """Step outputs, using the multi-line delimiter form so no value can break the file format."""
    values = {
        "changed": "true" if charts else "false",
        "charts": json.dumps([c.path for c in charts]),
        "matrix": json.dumps(github_matrix(charts), separators=(",", ":")),
    }
    with path.open("a", encoding="utf-8") as fh:
        for name, value in values.items():
            delimiter = f"ghadelimiter_{uuid.uuid4()}"
            fh.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
