"""``dependency update|build|list``: resolve Chart.yaml's dependencies and fill ``charts/``.

Repositories are used straight from Chart.yaml (``https://``, ``oci://``, ``file://``):
no ``helm repo add`` first; credentials come by host from ci-helm's settings. Helm's
rules are kept: update resolves constraints and (re)writes the lock when its digest
changes; build installs exactly what the lock says, refusing a lock out of sync with
Chart.yaml; downloaded archives are checked against the index digest and cached.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.adapters.atomicfile import atomic_write_bytes
from ci_helm.dependency.lockfile import LockedDependency, lock_digest, lock_digest_helm2, render_lock
from ci_helm.dependency.resolve import Fetcher, OciClient, Resolved, Sources, resolve_dependency
from ci_helm.errors import ChartError
from ci_helm.model.semver import parse_constraint, parse_version
from ci_helm.package.chartfiles import load_chart_archive, load_chart_dir
from ci_helm.package.chartyaml import load_plain_yaml, normalise_metadata

__all__ = [
    "DependencyReport",
    "Fetcher",
    "OciClient",
    "Sources",
    "build_dependencies",
    "list_dependencies",
    "update_dependencies",
]


@dataclass
class DependencyReport:
    chart: Path
    resolved: list[LockedDependency] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    lock_written: bool = False


def _chart_deps(chart_dir: Path) -> tuple[dict[str, Any], list[dict[str, Any]], Path]:
    metadata = load_chart_dir(chart_dir).metadata
    lock_name = "requirements.lock" if metadata.get("apiVersion") == "v1" else "Chart.lock"
    return metadata, list(metadata.get("dependencies", [])), chart_dir / lock_name


def update_dependencies(chart_dir: Path, sources: Sources, *, generated: str) -> DependencyReport:
    _metadata, deps, lock_path = _chart_deps(chart_dir)
    resolved = [resolve_dependency(chart_dir, dep, dep.get("version") or "*", sources) for dep in deps]
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
            resolve_dependency(chart_dir, dep, "=" + str(pin.get("version") or dep.get("version")), sources)
        )
    report = _install(chart_dir, deps, resolved, None, generated)
    return report


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
        atomic_write_bytes(charts / file_name, data)
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
    atomic_write_bytes(lock_path, render_lock(deps, locked, generated))
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
