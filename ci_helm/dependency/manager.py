"""``dependency update|build|list``: resolve Chart.yaml's dependencies and fill ``charts/``.

Repositories are used straight from Chart.yaml (``https://``, ``oci://``, ``file://``):
no ``helm repo add`` first; credentials come by host from ci-helm's settings. Helm's
rules are kept: update resolves constraints and (re)writes the lock when its digest
changes; build installs exactly what the lock says, refusing a lock out of sync with
Chart.yaml; downloaded archives are checked against the index digest and cached.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urljoin

from ci_helm.dependency.lockfile import LockedDependency, lock_digest, lock_digest_helm2, render_lock
from ci_helm.errors import ChartError
from ci_helm.package.archive import atomic_write, build_archive
from ci_helm.package.chartfiles import chart_members, load_chart_archive, load_chart_dir
from ci_helm.package.chartyaml import load_plain_yaml, normalise_metadata
from ci_helm.package.packager import FALLBACK_MTIME
from ci_helm.package.semver import Version, parse_constraint, parse_version
from ci_helm.repoindex.model import load_index

__all__ = [
    "DependencyReport",
    "Fetcher",
    "OciClient",
    "build_dependencies",
    "list_dependencies",
    "update_dependencies",
]


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
class DependencyReport:
    chart: Path
    resolved: list[LockedDependency] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    lock_written: bool = False


@dataclass
class Sources:
    fetcher: Fetcher
    oci: OciClient
    cache_dir: Path
    _indexes: dict[str, Any] = field(default_factory=dict)


def _chart_deps(chart_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]], Path]:
    metadata = load_chart_dir(chart_dir).metadata
    lock_name = "requirements.lock" if metadata.get("apiVersion") == "v1" else "Chart.lock"
    return metadata, list(metadata.get("dependencies", [])), chart_dir / lock_name


def update_dependencies(chart_dir: Path, sources: Sources, *, generated: str) -> DependencyReport:
    _metadata, deps, lock_path = _chart_deps(chart_dir)
    resolved = [_resolve(chart_dir, dep, dep.get("version") or "*", sources) for dep in deps]
    return _install(chart_dir, deps, resolved, lock_path, generated)


def build_dependencies(chart_dir: Path, sources: Sources, *, generated: str) -> DependencyReport:
    metadata, deps, lock_path = _chart_deps(chart_dir)
    if not lock_path.is_file():
        return update_dependencies(chart_dir, sources, generated=generated)
    lock = load_plain_yaml(lock_path.read_bytes(), path=str(lock_path)) or {}
    locked = lock.get("dependencies") or [] if isinstance(lock, dict) else []
    digest = lock.get("digest") if isinstance(lock, dict) else None
    in_sync = digest == lock_digest(deps, locked) or (
        metadata.get("apiVersion") == "v1" and digest == lock_digest_helm2(deps)
    )
    if not in_sync:
        raise ChartError(
            f"the lock file ({lock_path.name}) is out of sync with the dependencies in Chart.yaml: "
            "run `ci-helm dependency update`",
            path=lock_path,
        )
    by_name = {d.get("name"): d for d in locked if isinstance(d, dict)}
    resolved = []
    for dep in deps:
        pin = by_name.get(dep["name"]) or {}
        resolved.append(
            _resolve(chart_dir, dep, "=" + str(pin.get("version") or dep.get("version")), sources)
        )
    report = _install(chart_dir, deps, resolved, None, generated)
    return report


def _resolve(chart_dir: Path, dep: dict[str, Any], constraint_text: str, sources: Sources) -> Resolved:
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
        atomic_write(path, data)
    return data


def _install(
    chart_dir: Path,
    deps: list[dict[str, Any]],
    resolved: list[Resolved],
    lock_path: Path | None,
    generated: str,
) -> DependencyReport:
    report = DependencyReport(chart_dir, [r.locked for r in resolved])
    charts = chart_dir / "charts"
    wanted: dict[str, bytes] = {}
    for item in resolved:
        if item.archive is not None:
            loaded = load_chart_archive(item.archive, source=item.locked.name)
            wanted[f"{loaded.name}-{loaded.version}.tgz"] = item.archive
    names = {d["name"] for d in deps}
    for stale in sorted(charts.glob("*.tgz")) if charts.is_dir() else []:
        if stale.name not in wanted and _archive_name(stale) in names:
            stale.unlink()
            report.removed.append(stale)
    for file_name, data in wanted.items():
        atomic_write(charts / file_name, data)
        report.written.append(charts / file_name)
    if lock_path is not None and deps:
        report.lock_written = _write_lock(lock_path, deps, report.resolved, generated)
    return report


def _archive_name(path: Path) -> str:
    try:
        return load_chart_archive(path.read_bytes(), source=str(path)).name
    except ChartError:
        return ""


def _write_lock(
    lock_path: Path, deps: list[dict[str, Any]], locked: list[LockedDependency], generated: str
) -> bool:
    digest = lock_digest(deps, [d.as_dict() for d in locked])
    if lock_path.is_file():
        old = load_plain_yaml(lock_path.read_bytes(), path=str(lock_path))
        if isinstance(old, dict) and old.get("digest") == digest:
            return False
    atomic_write(lock_path, render_lock(deps, locked, generated))
    return True


def list_dependencies(chart_dir: Path) -> list[dict[str, str]]:
    """Each declared dependency with Helm's status: ok, missing, wrong version, unpacked."""
    _, deps, _ = _chart_deps(chart_dir)
    present: dict[str, tuple[str, str]] = {}
    charts = chart_dir / "charts"
    for item in sorted(charts.iterdir()) if charts.is_dir() else []:
        try:
            if item.suffix == ".tgz":
                sub = load_chart_archive(item.read_bytes(), source=str(item))
                present[sub.name] = (sub.version, "archive")
            elif (item / "Chart.yaml").is_file():
                raw = load_plain_yaml((item / "Chart.yaml").read_bytes(), path=str(item / "Chart.yaml"))
                md = normalise_metadata(raw, path=str(item))
                present[md.get("name", item.name)] = (md.get("version", ""), "directory")
        except ChartError:
            continue
    return [_status(dep, present) for dep in deps]


def _status(dep: dict[str, Any], present: dict[str, tuple[str, str]]) -> dict[str, str]:
    row = {
        "name": dep["name"],
        "version": str(dep.get("version") or ""),
        "repository": str(dep.get("repository") or ""),
    }
    found = present.get(dep["name"])
    if found is None:
        return {**row, "status": "missing"}
    version, kind = found
    try:
        ok = parse_constraint(row["version"] or "*").allows(parse_version(version))
    except ValueError:
        return {**row, "status": "invalid version"}
    if not ok:
        return {**row, "status": "wrong version"}
    return {**row, "status": "ok" if kind == "archive" else "unpacked"}
