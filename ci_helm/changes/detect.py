"""Which charts a change touches, against the merge-base with the target branch (or ``--since``).

The answer is either right or an error that says what to fetch: a shallow clone or a missing
target branch never degrades into "nothing changed".
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ci_helm.changes.charts import (
    ChartInfo,
    dependents_closure,
    find_charts,
    in_dirs,
    is_excluded,
    local_dependencies,
    owner,
    read_chart_info,
    relative_to,
)
from ci_helm.changes.ignore import GlobSet, HelmIgnore
from ci_helm.changes.repo import FileChange, GitRepo
from ci_helm.errors import GitError
from ci_helm.model.semver import SemverError, Version

__all__ = [
    "Base",
    "ChangeOptions",
    "ChangeSet",
    "ChangedChart",
    "base_versions",
    "detect",
    "resolve_base",
    "versions_at",
]

Status = Literal["added", "modified", "removed"]
CHECKOUT_HINT = "in GitHub Actions: actions/checkout with `fetch-depth: 0`"


@dataclass(frozen=True)
class ChangeOptions:
    chart_dirs: tuple[str, ...] = (".",)
    excluded_charts: tuple[str, ...] = ()
    remote: str = "origin"
    target_branch: str = "main"
    since: str | None = None
    include_uncommitted: bool = False
    honor_helmignore: bool = False
    ignore_globs: tuple[str, ...] = ()
    fetch: bool = False


@dataclass(frozen=True)
class Base:
    """What we compare against: the merge-base commit, and the ref it was computed from."""

    commit: str
    ref: str  # "origin/main", "main" (no remote), or the --since ref
    ref_commit: str


@dataclass(frozen=True)
class ChangedChart:
    path: str  # repository-relative chart folder
    name: str
    version: str  # at HEAD (or in the working tree with include_uncommitted); "" when removed
    status: Status
    reasons: tuple[str, ...]
    files: tuple[str, ...] = ()  # the changed files that counted
    base_version: str | None = None  # on the merge-base; None for a new chart
    target_version: str | None = None  # at the tip of the target ref (what chart-testing compares)

    def version_increased(self) -> bool | None:
        """Whether the version went up; ``None`` when there is nothing (valid) to compare."""
        if self.base_version is None or not self.version:
            return None
        try:
            return Version.parse(self.version) > Version.parse(self.base_version)
        except SemverError:
            return None


@dataclass(frozen=True)
class ChangeSet:
    base: Base
    charts: tuple[ChangedChart, ...]
    ignored_files: tuple[str, ...] = ()  # changed files that did not count (helmignore, ignore globs)
    unowned_files: tuple[str, ...] = field(default=(), repr=False)  # changed files outside every chart

    def listed(self, *, include_removed: bool = False) -> list[ChangedChart]:
        return [c for c in self.charts if include_removed or c.status != "removed"]


def target_ref(repo: GitRepo, options: ChangeOptions) -> str:
    """``<remote>/<branch>`` when the remote is configured, else the local branch."""
    if repo.has_remote(options.remote):
        return f"{options.remote}/{options.target_branch}"
    return options.target_branch


def resolve_base(repo: GitRepo, options: ChangeOptions) -> Base:
    if repo.resolve("HEAD") is None:
        raise GitError("the repository has no commit yet: nothing to compare")
    ref = options.since or target_ref(repo, options)
    ref_commit = repo.resolve(ref)
    if ref_commit is None and options.fetch and not options.since and repo.has_remote(options.remote):
        repo.fetch(options.remote, options.target_branch, unshallow=repo.is_shallow())
        ref_commit = repo.resolve(ref)
    if ref_commit is None:
        raise GitError(_missing_ref_message(repo, options, ref))
    merge_base = repo.merge_base(ref, "HEAD")
    if merge_base is None and repo.is_shallow() and options.fetch and repo.has_remote(options.remote):
        repo.fetch(options.remote, options.target_branch, unshallow=True)
        merge_base = repo.merge_base(ref, "HEAD")
    if merge_base is None:
        raise GitError(_no_merge_base_message(repo, options, ref))
    return Base(merge_base, ref, ref_commit)


def _missing_ref_message(repo: GitRepo, options: ChangeOptions, ref: str) -> str:
    if options.since:
        return f"--since {ref}: no such revision here; fetch it (e.g. `git fetch {options.remote} {ref}`)"
    if repo.has_remote(options.remote):
        return (
            f"target branch {ref} not found: run `git fetch {options.remote} {options.target_branch}` "
            f"({CHECKOUT_HINT}), or pass --fetch; set --target-branch if yours is not "
            f"{options.target_branch!r}"
        )
    return (
        f"target branch {options.target_branch!r} not found and there is no remote {options.remote!r}: "
        "set --target-branch and --remote, or --since REF"
    )


def _no_merge_base_message(repo: GitRepo, options: ChangeOptions, ref: str) -> str:
    if repo.is_shallow():
        return (
            f"shallow clone: HEAD and {ref} share no commit in the fetched history, so the changes "
            f"cannot be known: run `git fetch --unshallow {options.remote}` ({CHECKOUT_HINT}), "
            "or pass --fetch"
        )
    return f"HEAD and {ref} have no common history: pick the right --target-branch or --since"


def detect(repo: GitRepo, options: ChangeOptions) -> ChangeSet:
    return _Detection(repo, options, resolve_base(repo, options)).run()


class _Detection:
    """One detection run: the trees before and after, and the answers read from them."""

    def __init__(self, repo: GitRepo, options: ChangeOptions, base: Base) -> None:
        self.repo, self.options, self.base = repo, options, base
        self.rev = None if options.include_uncommitted else "HEAD"
        self.now = find_charts(repo.list_files(self.rev))
        self.before = find_charts(repo.list_files(base.commit))
        self._helmignores: dict[str, HelmIgnore] = {}

    def run(self) -> ChangeSet:
        counted, ignored, unowned = self._counted_files(self.repo.diff(self.base.commit, self.rev))
        infos = {c: read_chart_info(c, self._reader(self.rev)) for c in self.now}
        uses = {
            c: local_dependencies(c, i, self.now + self.before) for c, i in infos.items() if i is not None
        }
        via = dependents_closure(counted, uses)
        charts = []
        for path in sorted(set(counted) | set(via)):
            if in_dirs(path, self.options.chart_dirs) and not is_excluded(path, self.options.excluded_charts):
                charts.append(
                    self._changed_chart(path, infos.get(path), counted.get(path, []), via.get(path))
                )
        return ChangeSet(self.base, tuple(charts), tuple(ignored), tuple(unowned))

    def _reader(self, rev: str | None) -> Callable[[str], bytes | None]:
        return lambda path: self.repo.read(rev, path)

    def _counted_files(self, changes: list[FileChange]) -> tuple[dict[str, list[str]], list[str], list[str]]:
        """Changed files per chart that count, plus the ignored and chart-less ones."""
        globs = GlobSet(self.options.ignore_globs)
        counted: dict[str, list[str]] = {}
        ignored: set[str] = set()
        unowned: set[str] = set()
        for path in (p for change in changes for p in change.paths()):
            chart = owner(path, self.now) or owner(path, self.before)
            if chart is None:
                unowned.add(path)
            elif globs.matches(path) or self._helmignored(chart, path):
                ignored.add(path)
            elif path not in counted.setdefault(chart, []):
                counted[chart].append(path)
        return counted, sorted(ignored), sorted(unowned)

    def _helmignored(self, chart: str, path: str) -> bool:
        if not self.options.honor_helmignore:
            return False
        if chart not in self._helmignores:
            name = posixpath.join(chart, ".helmignore") if chart != "." else ".helmignore"
            data = self.repo.read(self.rev, name)
            data = self.repo.read(self.base.commit, name) if data is None else data
            self._helmignores[chart] = HelmIgnore.parse(data.decode("utf-8", "replace") if data else "")
        return self._helmignores[chart].ignores(relative_to(path, chart))

    def _changed_chart(
        self, path: str, info: ChartInfo | None, files: list[str], via: tuple[str, str] | None
    ) -> ChangedChart:
        before = read_chart_info(path, self._reader(self.base.commit))
        target = read_chart_info(path, self._reader(self.base.ref_commit))
        status: Status = "removed" if info is None else "added" if before is None else "modified"
        reasons = []
        if files:
            reasons.append(f"{len(files)} file{'s' if len(files) != 1 else ''} changed")
        if via is not None:
            reasons.append(f"uses {via[0]} ({via[1]})")
        shown = info or before
        return ChangedChart(
            path=path,
            name=shown.name if shown else posixpath.basename(path),
            version=info.version if info else "",
            status=status,
            reasons=tuple(reasons),
            files=tuple(files),
            base_version=before.version if before else None,
            target_version=target.version if target else None,
        )


def versions_at(repo: GitRepo, rev: str, charts: list[str]) -> dict[str, str | None]:
    """Each chart's Chart.yaml version at ``rev`` (``None`` when it did not exist there)."""

    def reader(path: str) -> bytes | None:
        return repo.read(rev, path)

    return {c: (i.version if (i := read_chart_info(c, reader)) else None) for c in charts}


def base_versions(
    repo: GitRepo, options: ChangeOptions, charts: list[str]
) -> tuple[Base, dict[str, str | None]]:
    """The version each chart had on the merge-base (``None``: new chart), for version-increment checks."""
    base = resolve_base(repo, options)
    return base, versions_at(repo, base.commit, charts)
