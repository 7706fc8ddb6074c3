"""Charts in a file tree: which folders are top-level charts, who owns a path, who uses whom.

Pure functions over repository-relative paths (``/``-separated; the repository root is ``.``).
A folder with a ``Chart.yaml`` is a chart; a chart inside another chart (a vendored subchart
in ``charts/``, or a test fixture) belongs to the outermost one, because that is what Helm
packages and what a change to it affects.
"""

from __future__ import annotations

import posixpath
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from ci_helm.errors import YamlError
from ci_helm.yamlio import load_yaml

__all__ = [
    "ChartInfo",
    "chart_file",
    "dependents_closure",
    "find_charts",
    "in_dirs",
    "is_excluded",
    "local_dependencies",
    "owner",
    "read_chart_info",
]

ROOT = "."


def _parent_of(path: str) -> str:
    return posixpath.dirname(path) or ROOT


def inside(path: str, folder: str) -> bool:
    """``path`` is ``folder`` or below it."""
    return folder in (ROOT, path) or path.startswith(folder + "/")


def relative_to(path: str, folder: str) -> str:
    return path if folder == ROOT else path[len(folder) + 1 :]


def _hidden(path: str) -> bool:
    """Charts in hidden folders (``.github/``, ``.git/``) are not the repository's charts."""
    return any(part.startswith(".") for part in path.split("/")[:-1])


def find_charts(files: Iterable[str]) -> list[str]:
    """Top-level chart folders among ``files``: those with a Chart.yaml and no chart above them."""
    folders = sorted(
        {_parent_of(f) for f in files if posixpath.basename(f) == "Chart.yaml" and not _hidden(f)},
        key=lambda d: (0 if d == ROOT else d.count("/") + 1, d),
    )
    top: list[str] = []
    for folder in folders:
        if not any(inside(folder, t) for t in top):
            top.append(folder)
    return sorted(top)


def owner(path: str, charts: Iterable[str]) -> str | None:
    """The top-level chart a path belongs to (top-level charts never nest, so there is at most one)."""
    return next((c for c in charts if inside(path, c) and path != c), None)


def normalize_dir(folder: str) -> str:
    cleaned = posixpath.normpath(folder.strip().replace("\\", "/")).strip("/")
    return ROOT if cleaned in ("", ".") else cleaned


def in_dirs(chart: str, chart_dirs: Iterable[str]) -> bool:
    return any(inside(chart, normalize_dir(d)) for d in chart_dirs)


def is_excluded(chart: str, patterns: Iterable[str]) -> bool:
    """ct matches excluded charts by folder name; we also take paths and globs (``charts/legacy-*``)."""
    name = posixpath.basename(chart)
    for pattern in patterns:
        p = normalize_dir(pattern)
        if p in (name, chart) or fnmatchcase(chart, p) or fnmatchcase(name, p):
            return True
    return False


@dataclass(frozen=True)
class ChartInfo:
    """What change detection reads from a Chart.yaml (and a v1 requirements.yaml)."""

    name: str
    version: str
    file_dependencies: tuple[str, ...] = ()  # the ``file://`` repository paths, as written
    error: str | None = None  # why Chart.yaml could not be read (lint reports it properly)


def chart_file(chart: str, name: str) -> str:
    """The repository path of a file at the chart's root."""
    return name if chart == ROOT else posixpath.join(chart, name)


def read_chart_info(chart: str, read: Callable[[str], bytes | None]) -> ChartInfo | None:
    """Parse ``<chart>/Chart.yaml`` through ``read`` (repository path → bytes); ``None`` if absent."""
    data = read(chart_file(chart, "Chart.yaml"))
    if data is None:
        return None
    fallback = posixpath.basename(chart) if chart != ROOT else ""
    try:
        meta = load_yaml(data, path=chart_file(chart, "Chart.yaml"))
    except YamlError as exc:
        return ChartInfo(fallback, "", error=str(exc))
    if not isinstance(meta, dict):
        return ChartInfo(fallback, "", error=f"{chart}/Chart.yaml is not a mapping")
    deps = _dependencies(meta)
    requirements = read(chart_file(chart, "requirements.yaml"))
    if requirements is not None:
        with suppress(YamlError):  # lint reports a broken requirements.yaml; here it adds no edges
            deps += _dependencies(load_yaml(requirements) or {})
    return ChartInfo(str(meta.get("name") or fallback), str(meta.get("version") or ""), tuple(deps))


def _dependencies(meta: Any) -> list[str]:
    deps = meta.get("dependencies") if isinstance(meta, dict) else None
    out: list[str] = []
    for dep in deps if isinstance(deps, list) else []:
        repo = dep.get("repository") if isinstance(dep, dict) else None
        if isinstance(repo, str) and repo.startswith("file://"):
            out.append(repo)
    return out


def local_dependencies(chart: str, info: ChartInfo, charts: Iterable[str]) -> dict[str, str]:
    """The top-level charts ``chart`` uses through ``file://``, mapped to the repository URL as written."""
    known = list(charts)
    found: dict[str, str] = {}
    for url in info.file_dependencies:
        rel = url.removeprefix("file://")
        target = posixpath.normpath(posixpath.join("" if chart == ROOT else chart, rel))
        if target.startswith("..") or posixpath.isabs(target):
            continue  # outside the repository: no change here can touch it
        target = normalize_dir(target)
        used = target if target in known else owner(target, known)
        if used is not None and used != chart:
            found[used] = url
    return found


def dependents_closure(
    changed: Iterable[str], uses: Mapping[str, Mapping[str, str]]
) -> dict[str, tuple[str, str]]:
    """Charts that (transitively) use a changed chart: dependent → (the chart it uses, the URL)."""
    users: dict[str, list[tuple[str, str]]] = {}
    for chart, deps in uses.items():
        for used, url in deps.items():
            users.setdefault(used, []).append((chart, url))
    seen = set(changed)
    reasons: dict[str, tuple[str, str]] = {}
    queue = deque(sorted(seen))
    while queue:
        current = queue.popleft()
        for user, url in sorted(users.get(current, [])):
            if user not in seen:
                seen.add(user)
                reasons[user] = (current, url)
                queue.append(user)
    return reasons
