"""Resolve one Chart.yaml dependency to a locked version and its archive.

``https://`` repositories through their ``index.yaml`` (the archive checked against the
index digest, cached by digest), ``oci://`` registries through the Helm SDK, ``file://``
charts packaged reproducibly, and subcharts kept in ``charts/NAME``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin

from ci_helm.adapters.atomicfile import atomic_write_bytes
from ci_helm.dependency.lockfile import LockedDependency
from ci_helm.errors import ChartError
from ci_helm.model.semver import Version, parse_constraint, parse_version
from ci_helm.package.archive import build_archive
from ci_helm.package.chartfiles import chart_members, load_chart_dir
from ci_helm.package.packager import FALLBACK_MTIME
from ci_helm.repoindex.model import load_index

__all__ = ["Fetcher", "OciClient", "Resolved", "Sources", "resolve_dependency"]


class Fetcher(Protocol):
    def get(self, url: str) -> bytes: ...


class OciClient(Protocol):
    def tags(self, ref: str) -> list[str]: ...

    def pull(self, ref: str, version: str) -> bytes: ...


@dataclass
class Resolved:
    locked: LockedDependency
    archive: bytes | None  # None: a vendored subchart already in charts/


@dataclass
class Sources:
    fetcher: Fetcher
    oci: OciClient
    cache_dir: Path
    _indexes: dict[str, Any] = field(default_factory=dict)


def resolve_dependency(
    chart_dir: Path, dep: dict[str, Any], constraint_text: str, sources: Sources
) -> Resolved:
    repo = str(dep.get("repository") or "")
    name = dep["name"]
    try:
        constraint = parse_constraint(constraint_text)
    except ValueError as exc:
        raise ChartError(f"dependency {name}: {exc}", path=chart_dir / "Chart.yaml") from None
    if repo == "":  # a subchart kept in charts/NAME (Helm requires the directory)
        if not (chart_dir / "charts" / name).is_dir():
            raise ChartError(
                f"dependency {name} has no repository and charts/{name} is not a directory",
                path=chart_dir / "Chart.yaml",
            )
        return Resolved(LockedDependency(name, str(dep.get("version") or ""), ""), None)
    if repo.startswith("file://"):
        return _resolve_file(chart_dir, name, repo, constraint)
    if repo.startswith(("http://", "https://")):
        return _resolve_http(name, repo, constraint, sources)
    if repo.startswith("oci://"):
        return _resolve_oci(name, repo, constraint, sources)
    raise ChartError(
        f"dependency {name}: repository {repo!r} is a `helm repo add` alias; name the repository URL instead",
        path=chart_dir / "Chart.yaml",
    )


def _resolve_file(chart_dir: Path, name: str, repo: str, constraint: Any) -> Resolved:
    source = (chart_dir / repo.removeprefix("file://")).resolve()
    sub = load_chart_dir(source)
    if not constraint.allows(parse_version(sub.version)):
        raise ChartError(f"dependency {name}: {source} is version {sub.version}, outside {constraint.text!r}")
    archive = build_archive(chart_members(sub), mtime=FALLBACK_MTIME)
    return Resolved(LockedDependency(name, sub.version, repo), archive)


def _resolve_http(name: str, repo: str, constraint: Any, sources: Sources) -> Resolved:
    base = repo.rstrip("/") + "/"
    index = sources._indexes.get(base)
    if index is None:
        index = load_index(sources.fetcher.get(base + "index.yaml"), path=base + "index.yaml")
        sources._indexes[base] = index
    entry = _best(index.entries.get(name, ()), constraint, name, repo)
    urls = entry.get("urls") or []
    if not urls:
        raise ChartError(f"dependency {name} {entry['version']}: the index at {repo} lists no URL")
    digest = str(entry.get("digest") or "").removeprefix("sha256:")
    archive = _cached(sources, digest, lambda: sources.fetcher.get(urljoin(base, urls[0])))
    if digest and hashlib.sha256(archive).hexdigest() != digest:
        raise ChartError(f"dependency {name} {entry['version']}: download does not match the index digest")
    return Resolved(LockedDependency(name, str(entry["version"]), repo), archive)


def _best(entries: Any, constraint: Any, name: str, repo: str) -> dict[str, Any]:
    candidates: list[tuple[Version, dict[str, Any]]] = []
    for entry in entries:
        try:
            version = parse_version(str(entry.get("version", "")))
        except ValueError:
            continue
        if constraint.allows(version):
            candidates.append((version, entry))
    if not candidates:
        raise ChartError(f"dependency {name}: no version matching {constraint.text!r} in {repo}")
    return max(candidates, key=lambda c: c[0])[1]


def _resolve_oci(name: str, repo: str, constraint: Any, sources: Sources) -> Resolved:
    ref = repo.rstrip("/") + "/" + name
    versions = [v for v in (_try_version(t) for t in sources.oci.tags(ref)) if v and constraint.allows(v)]
    if not versions:
        raise ChartError(f"dependency {name}: no tag matching {constraint.text!r} in {ref}")
    best = str(max(versions))
    return Resolved(LockedDependency(name, best, repo), sources.oci.pull(ref, best))


def _try_version(text: str) -> Version | None:
    try:
        return parse_version(text)
    except ValueError:
        return None


def _cached(sources: Sources, digest: str, download: Callable[[], bytes]) -> bytes:
    if not digest:
        return download()
    path = sources.cache_dir / "charts" / f"sha256-{digest}.tgz"
    if path.is_file():
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == digest:
            return data
    data = download()
    if hashlib.sha256(data).hexdigest() == digest:
        atomic_write_bytes(path, data)
    return data
