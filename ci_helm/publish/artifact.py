"""A packaged chart ready to publish: the archive bytes, its ``.prov`` and its Chart.yaml.

This is the small interface release needs from packaging: whatever produced the ``.tgz``
(``ci-helm package``, ``helm package``, chart-releaser), release only reads it.
"""

from __future__ import annotations

import hashlib
import io
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.errors import UsageError
from ci_helm.package.chartfiles import load_chart_archive

__all__ = ["Artifact", "artifact_from_bytes", "load_artifact", "read_chart_file"]

MAX_CHART_YAML = 1024 * 1024


@dataclass(frozen=True)
class Artifact:
    """One chart package: ``name-version.tgz`` plus an optional provenance file."""

    name: str
    version: str
    package: bytes = field(repr=False)
    prov: bytes | None = field(default=None, repr=False)
    metadata: dict[str, Any] = field(default_factory=dict, repr=False)
    source: str = ""

    @property
    def digest(self) -> str:
        """sha256 hex of the package, as Helm writes it into index.yaml."""
        return hashlib.sha256(self.package).hexdigest()

    @property
    def filename(self) -> str:
        return f"{self.name}-{self.version}.tgz"

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.version)


def load_artifact(path: Path) -> Artifact:
    """Read ``path`` (a ``.tgz``) and the ``.prov`` beside it, when present."""
    if path.is_dir():
        raise UsageError(f"{path}: is a chart directory; package it first (ci-helm package) or pass the .tgz")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    prov_path = path.with_name(path.name + ".prov")
    prov = prov_path.read_bytes() if prov_path.is_file() else None
    return artifact_from_bytes(data, prov, source=str(path))


def artifact_from_bytes(data: bytes, prov: bytes | None = None, *, source: str = "<package>") -> Artifact:
    """Validate the package as Helm loads it (``ci_helm.package``) and keep its Chart.yaml metadata."""
    chart = load_chart_archive(data, source=source)
    metadata = dict(chart.metadata)
    return Artifact(str(metadata["name"]), str(metadata["version"]), data, prov, metadata, source)


def read_chart_file(data: bytes, name: str, *, limit: int = MAX_CHART_YAML) -> str | None:
    """A top-level file of the packaged chart (``<chart>/CHANGELOG.md``), or ``None``."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            for member in tar:
                parts = member.name.lstrip("./").split("/")
                if len(parts) == 2 and parts[1] == name and member.isfile() and member.size <= limit:
                    handle = tar.extractfile(member)
                    return None if handle is None else handle.read().decode("utf-8", errors="replace")
    except (tarfile.TarError, OSError, EOFError):
        return None
    return None
