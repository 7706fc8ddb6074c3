"""The chart a release was deployed with, read back from Helm's release record.

Helm keeps each revision in a Secret ``sh.helm.release.v1.NAME.vN`` (base64 of gzipped JSON)
holding the chart's metadata, templates, default values, schema and files - but not its
subcharts. ``redeploy`` uses it to deploy the same chart with new values; a chart with
dependencies needs to be given again (``--chart``).
"""

from __future__ import annotations

import base64
import gzip
import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from ci_helm.deploy.cluster import ClusterReader
from ci_helm.errors import ReleaseError

__all__ = ["decode_release", "stored_chart", "write_chart"]

GZIP_MAGIC = b"\x1f\x8b"


def decode_release(encoded: str) -> dict[str, Any]:
    """A release record's ``data.release`` (as the API returns it: base64 once more)."""
    raw = base64.b64decode(base64.b64decode(encoded))
    if raw[:2] == GZIP_MAGIC:
        raw = gzip.decompress(raw)
    release: dict[str, Any] = json.loads(raw)
    return release


def _safe(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ReleaseError(f"release record holds an unsafe file name {name!r}")
    return path


def write_chart(chart: dict[str, Any], dest: Path) -> Path:
    """Write a stored chart as a chart directory under ``dest``; returns the directory."""
    meta = chart.get("metadata") or {}
    if meta.get("dependencies"):
        raise ReleaseError(
            f"chart {meta.get('name')} has dependencies, which Helm's release record does not keep; "
            "give the chart with --chart"
        )
    root = dest / str(meta.get("name", "chart"))
    root.mkdir(parents=True)
    (root / "Chart.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    (root / "values.yaml").write_text(
        yaml.safe_dump(chart.get("values") or {}, sort_keys=False), encoding="utf-8"
    )
    if chart.get("schema"):
        (root / "values.schema.json").write_bytes(base64.b64decode(chart["schema"]))
    for entry in [*(chart.get("templates") or []), *(chart.get("files") or [])]:
        path = root / _safe(str(entry["name"]))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(entry.get("data") or ""))
    return root


@contextmanager
def stored_chart(cluster: ClusterReader | None, namespace: str, name: str, revision: int) -> Iterator[Path]:
    """A temporary chart directory holding the chart of ``name`` at ``revision``."""
    secret_name = f"sh.helm.release.v1.{name}.v{revision}"
    secret = cluster.get("v1", "Secret", namespace, secret_name) if cluster is not None else None
    data = (secret or {}).get("data") or {}
    if "release" not in data:
        raise ReleaseError(
            f'cannot read the chart of release "{name}": no record {secret_name} (storage driver?)'
        )
    tmp = Path(tempfile.mkdtemp(prefix="ci-helm-redeploy-"))
    try:
        yield write_chart(decode_release(data["release"]).get("chart") or {}, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
