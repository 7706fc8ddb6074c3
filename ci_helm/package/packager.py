"""Package one chart directory into a reproducible ``NAME-VERSION.tgz``.

Same chart, same bytes: the archive's mtime comes from ``SOURCE_DATE_EPOCH``, else the
chart's last git commit, else a fixed date (1980-01-01) — never the clock or the
checkout's file times — so two CI runs, or two clones in different paths, produce
identical digests.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ci_helm.adapters.atomicfile import atomic_write_bytes
from ci_helm.errors import ChartError
from ci_helm.model.semver import is_semver
from ci_helm.package.archive import build_archive, sha256_digest
from ci_helm.package.chartfiles import PackChart, chart_members, load_chart_dir, missing_dependencies

__all__ = [
    "FALLBACK_MTIME",
    "CommitTime",
    "PackageOptions",
    "PackageResult",
    "PublishedDigest",
    "package_chart",
    "plan_package",
]

FALLBACK_MTIME = 315532800  # 1980-01-01T00:00:00Z, the ZIP epoch: stable and accepted by every tool
CommitTime = Callable[[Path], "int | None"]
PublishedDigest = Callable[[str, str], "str | None"]  # (name, version) -> "sha256:<hex>" or None


@dataclass(frozen=True)
class PackageOptions:
    destination: Path
    version: str | None = None
    app_version: str | None = None
    source_date_epoch: int | None = None
    # The digest already published for (name, version), for the "version not bumped" check.
    published: PublishedDigest | None = None


@dataclass(frozen=True)
class PackageResult:
    chart_dir: str
    name: str
    version: str
    app_version: str | None
    path: Path
    digest: str  # "sha256:<hex>"
    size: int
    mtime: int
    mtime_source: str  # "SOURCE_DATE_EPOCH", "git", "fallback"

    def as_dict(self) -> dict[str, object]:
        return {
            "chart": self.chart_dir,
            "name": self.name,
            "version": self.version,
            "appVersion": self.app_version,
            "path": str(self.path),
            "digest": self.digest,
            "size": self.size,
            "mtime": self.mtime,
            "mtimeSource": self.mtime_source,
        }


def plan_package(chart_dir: Path, options: PackageOptions) -> PackChart:
    """Load the chart, apply overrides and refuse what Helm refuses (nothing written yet)."""
    chart = load_chart_dir(chart_dir)
    if options.version is not None:
        _check_semver(options.version, "--version", chart_dir)
        chart.metadata["version"] = options.version
    if options.app_version is not None:
        chart.metadata["appVersion"] = options.app_version
    missing = missing_dependencies(chart)
    if missing:
        raise ChartError(
            f"found in Chart.yaml, but missing in charts/ directory: {', '.join(missing)} "
            "(run with --dependency-update, or `ci-helm dependency build` first)",
            path=chart_dir / "Chart.yaml",
        )
    return chart


def _check_semver(version: str, flag: str, chart_dir: Path) -> None:
    if not is_semver(version):
        raise ChartError(
            f"{flag} {version!r} is not a SemVer 2.0 version (e.g. 1.2.3 or 1.2.3-rc.4+sha.abc)",
            path=chart_dir,
        )


def package_chart(chart_dir: Path, options: PackageOptions, *, commit_time: CommitTime) -> PackageResult:
    chart = plan_package(chart_dir, options)
    mtime, source = _mtime(chart_dir, options, commit_time)
    data = build_archive(chart_members(chart), mtime=mtime)
    digest = "sha256:" + sha256_digest(data)
    target = options.destination / f"{chart.name}-{chart.version}.tgz"
    _check_not_republished(chart, digest, target, options)
    atomic_write_bytes(target, data)
    return PackageResult(
        chart_dir=str(chart_dir),
        name=chart.name,
        version=chart.version,
        app_version=chart.metadata.get("appVersion"),
        path=target,
        digest=digest,
        size=len(data),
        mtime=mtime,
        mtime_source=source,
    )


def _mtime(chart_dir: Path, options: PackageOptions, commit_time: CommitTime) -> tuple[int, str]:
    if options.source_date_epoch is not None:
        return options.source_date_epoch, "SOURCE_DATE_EPOCH"
    committed = commit_time(chart_dir)
    if committed is not None:
        return committed, "git"
    return FALLBACK_MTIME, "fallback"


def _check_not_republished(chart: PackChart, digest: str, target: Path, options: PackageOptions) -> None:
    if options.published is None:
        return
    existing = options.published(chart.name, chart.version)
    if existing is None and target.is_file():
        existing = "sha256:" + sha256_digest(target.read_bytes())
    if existing is not None and existing != digest:
        raise ChartError(
            f"{chart.name} {chart.version} is already published with different content ({existing}); "
            "bump the chart version",
            path=Path(chart.source) / "Chart.yaml",
        )
