"""Which charts a change touches: changed files mapped to top-level charts, minus ignored files,
plus the charts that use a changed chart through ``file://``; with each chart's versions."""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ci_helm.changes.base import Base, ChangeOptions, resolve_base
from ci_helm.changes.charts import (
    ChartInfo,
    chart_file,
    dependents_closure,
    find_charts,
    in_dirs,
    is_excluded,
    local_dependencies,
    owner,
    read_chart_info,
    relative_to,
)
from ci_helm.changes.ignore import GlobSet
from ci_helm.changes.repo import FileChange, GitRepo
from ci_helm.chart.helmignore import IgnoreRules, parse_rules
from ci_helm.model.semver import SemverError, Version

__all__ = ["ChangeSet", "ChangedChart", "base_versions", "detect", "versions_at"]

Status = Literal["added", "modified", "removed"]


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


def detect(repo: GitRepo, options: ChangeOptions) -> ChangeSet:
    return _Detection(repo, options, resolve_base(repo, options)).run()


class _Detection:
    """One detection run: the trees before and after, and the answers read from them."""

    def __init__(self, repo: GitRepo, options: ChangeOptions, base: Base) -> None:
        self.repo, self.options, self.base = repo, options, base
        self.rev = None if options.include_uncommitted else "HEAD"
        self.now = find_charts(repo.list_files(self.rev))
        self.before = find_charts(repo.list_files(base.commit))
        self._helmignores: dict[str, IgnoreRules] = {}
        self._cache: dict[tuple[str | None, str], bytes | None] = {}

    def run(self) -> ChangeSet:
        counted, ignored, unowned = self._counted_files(self.repo.diff(self.base.commit, self.rev))
        self._prefetch(self.rev, self.now)
        infos = {c: read_chart_info(c, self._reader(self.rev)) for c in self.now}
        uses = {
            c: local_dependencies(c, i, self.now + self.before) for c, i in infos.items() if i is not None
        }
        via = dependents_closure(counted, uses)
        listed = [
            path
            for path in sorted(set(counted) | set(via))
            if in_dirs(path, self.options.chart_dirs) and not is_excluded(path, self.options.excluded_charts)
        ]
        self._prefetch(self.base.commit, listed)
        self._prefetch(self.base.ref_commit, listed)
        charts = [self._changed_chart(p, infos.get(p), counted.get(p, []), via.get(p)) for p in listed]
        return ChangeSet(self.base, tuple(charts), tuple(ignored), tuple(unowned))

    def _prefetch(self, rev: str | None, charts: list[str]) -> None:
        """Read every chart's Chart.yaml and requirements.yaml at ``rev`` in one go."""
        names = [chart_file(c, n) for c in charts for n in ("Chart.yaml", "requirements.yaml")]
        wanted = [n for n in names if (rev, n) not in self._cache]
        for name, data in self.repo.read_many(rev, wanted).items():
            self._cache[(rev, name)] = data

    def _reader(self, rev: str | None) -> Callable[[str], bytes | None]:
        def read(path: str) -> bytes | None:
            if (rev, path) not in self._cache:
                self._cache[(rev, path)] = self.repo.read(rev, path)
            return self._cache[(rev, path)]

        return read

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
            name = chart_file(chart, ".helmignore")
            data = self.repo.read(self.rev, name)
            data = self.repo.read(self.base.commit, name) if data is None else data
            text = data.decode("utf-8", "replace") if data else ""
            self._helmignores[chart] = parse_rules(text, source=name, skip_bad=True)
        return self._helmignores[chart].ignores_file(relative_to(path, chart))

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
