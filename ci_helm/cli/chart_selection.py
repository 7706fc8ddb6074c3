"""Which charts a command works on: the settings lint, test, package and release share.

Explicit ``CHART`` arguments win; ``--all`` takes every chart under ``chart-dirs``;
``--changed`` (chart-testing's default) takes those the change touches, against the
merge-base with ``<remote>/<target-branch>`` or ``--since REF``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ci_helm.changes import Base, ChangeOptions, ChangeSet, base_versions, detect
from ci_helm.changes.charts import is_excluded
from ci_helm.cli.context import Context
from ci_helm.errors import GitError, UsageError
from ci_helm.settings import Setting, declare

__all__ = [
    "CHANGE_SETTINGS",
    "SELECTION_SETTINGS",
    "ChartSelection",
    "change_options",
    "detect_changes",
    "find_all_charts",
    "select_charts",
    "versions_on_base",
]

CHANGE_SETTINGS = declare(
    Setting("chart-dirs", "folders holding charts, searched at any depth", kind="list", default=["."]),
    Setting(
        "excluded-charts",
        "charts to skip: folder names, paths or globs (charts/legacy-*)",
        kind="list",
        default=[],
    ),
    Setting("target-branch", "branch a change is compared against", default="main"),
    Setting(
        "remote",
        "git remote of the target branch (the local branch is used when it is absent)",
        default="origin",
    ),
    Setting("since", "compare against the merge-base with this git ref instead of the target branch"),
    Setting(
        "include-uncommitted", "count uncommitted and untracked files as changes", kind="bool", default=False
    ),
    Setting(
        "honor-helmignore",
        "changes to files a chart's .helmignore excludes do not count (chart-testing's use-helmignore)",
        kind="bool",
        default=False,
    ),
    Setting(
        "ignore-globs",
        "changed files matching these gitignore-style globs do not count (e.g. '**/README.md')",
        kind="list",
        default=[],
    ),
    Setting(
        "fetch",
        "fetch the target branch (and unshallow a shallow clone) when it is missing",
        kind="bool",
        default=False,
    ),
)

SELECTION_SETTINGS = CHANGE_SETTINGS + declare(
    Setting("all", "every chart under chart-dirs", kind="bool", default=False),
    Setting(
        "changed",
        "only the charts the change touches (the default without CHART arguments)",
        kind="bool",
        default=False,
    ),
)

Mode = Literal["explicit", "all", "changed"]


@dataclass(frozen=True)
class ChartSelection:
    charts: list[Path]  # chart folders, as given or relative to the current directory
    mode: Mode
    changes: ChangeSet | None = None  # set in "changed" mode: base revision and versions on it


def change_options(ctx: Context, repo_root: Path) -> ChangeOptions:
    s = ctx.settings
    for folder in s.get("chart-dirs") or ["."]:
        if not (ctx.cwd / folder).is_dir():  # a typo would otherwise read as "nothing changed"
            ctx.out.warn(f"chart dir {folder!r} does not exist (only charts deleted from it can be listed)")
    return ChangeOptions(
        chart_dirs=tuple(_to_repo(ctx.cwd, repo_root, d) for d in s.get("chart-dirs") or ["."]),
        excluded_charts=tuple(s.get("excluded-charts") or ()),
        remote=str(s.get("remote") or "origin"),
        target_branch=str(s.get("target-branch") or "main"),
        since=s.get("since") or None,
        include_uncommitted=bool(s.get("include-uncommitted")),
        honor_helmignore=bool(s.get("honor-helmignore")),
        ignore_globs=tuple(s.get("ignore-globs") or ()),
        fetch=bool(s.get("fetch")),
    )


def _to_repo(cwd: Path, root: Path, folder: str) -> str:
    """A chart dir given relative to the current directory, made relative to the repository root."""
    rel = os.path.relpath((cwd / folder).resolve(), root.resolve())
    if rel.startswith(".."):
        raise UsageError(f"chart dir {folder!r} is outside the git repository {root}")
    return Path(rel).as_posix()


def detect_changes(ctx: Context) -> tuple[ChangeSet, Path]:
    """Run change detection in the repository around the current directory."""
    from ci_helm.wiring import git_repo

    repo = git_repo(ctx.cwd, ctx.environ)
    return detect(repo, change_options(ctx, repo.root)), repo.root


def to_cwd(ctx: Context, repo_root: Path, chart: str) -> str:
    """A repository-relative chart path as the user would type it from the current directory."""
    rel = os.path.relpath((repo_root / chart).resolve(), ctx.cwd.resolve())
    return Path(rel).as_posix()


def find_all_charts(ctx: Context) -> list[Path]:
    """Every top-level chart under chart-dirs (a folder with Chart.yaml, not inside another chart)."""
    dirs = list(ctx.settings.get("chart-dirs") or ["."])
    excluded = list(ctx.settings.get("excluded-charts") or ())
    found: set[Path] = set()
    for folder in dirs:
        base = (ctx.cwd / folder).resolve()
        if not base.is_dir():
            raise UsageError(f"chart dir {folder!r} does not exist")
        found.update(_walk_charts(base))
    out = []
    for chart in sorted(found):
        rel = Path(os.path.relpath(chart, ctx.cwd.resolve())).as_posix()
        if not is_excluded(rel, excluded):
            out.append(Path(rel))
    return out


def _walk_charts(base: Path) -> list[Path]:
    charts = []
    for top, subdirs, files in os.walk(base):
        if "Chart.yaml" in files:
            charts.append(Path(top))
            subdirs.clear()  # anything below belongs to this chart
            continue
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d != "node_modules")
    return charts


def select_charts(
    ctx: Context, explicit: Sequence[str], *, default: Literal["changed", "all"] = "changed"
) -> ChartSelection:
    """The charts a command should work on, by the rules in this module's docstring."""
    want_all, want_changed = bool(ctx.settings.get("all")), bool(ctx.settings.get("changed"))
    if explicit and (want_all or want_changed):
        raise UsageError("give chart paths or --all or --changed, not several")
    if want_all and want_changed:
        raise UsageError("--all and --changed exclude each other")
    if explicit:
        return ChartSelection([Path(c) for c in explicit], "explicit")
    if want_all or (default == "all" and not want_changed):
        return ChartSelection(find_all_charts(ctx), "all")
    try:
        changes, root = detect_changes(ctx)
    except GitError as exc:
        if want_changed:
            raise
        # Nobody asked for change detection: say how to pick charts without it.
        raise GitError(f"{exc.message} (or name the charts, or pass --all)") from None
    charts = [Path(to_cwd(ctx, root, c.path)) for c in changes.listed()]
    return ChartSelection(charts, "changed", changes)


def versions_on_base(ctx: Context, charts: Sequence[Path]) -> tuple[Base, dict[Path, str | None]]:
    """Each chart's Chart.yaml version on the merge-base with the target (``None``: a new chart).

    For lint's version-increment rule when charts were named or taken with ``--all``; in
    ``--changed`` mode ``ChartSelection.changes`` already carries ``base_version``.
    """
    from ci_helm.wiring import git_repo

    repo = git_repo(ctx.cwd, ctx.environ)
    in_repo = {chart: _to_repo(ctx.cwd, repo.root, str(chart)) for chart in charts}
    base, versions = base_versions(repo, change_options(ctx, repo.root), list(in_repo.values()))
    return base, {chart: versions[rel] for chart, rel in in_repo.items()}
