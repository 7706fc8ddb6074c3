"""Build small, real chart packages in tests without helm (deterministic bytes, so fixed digests)."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

__all__ = ["make_package"]

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"


def make_package(
    dest: Path,
    name: str,
    version: str,
    *,
    description: str = "test chart",
    annotations: str = "",
    prov: bool = False,
) -> Path:
    """Write ``dest/name-version.tgz`` (a valid v2 chart) and optionally a placeholder ``.prov``."""
    chart_yaml = (
        f"apiVersion: v2\nname: {name}\nversion: {version}\nappVersion: '1.0'\ndescription: {description}\n"
    )
    if annotations:
        chart_yaml += f"annotations:\n{annotations}"
    files = {
        "Chart.yaml": chart_yaml,
        "values.yaml": "replicaCount: 1\n",
        "templates/configmap.yaml": CONFIGMAP,
    }
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz", format=tarfile.PAX_FORMAT) as tar:
        for rel, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{name}/{rel}")
            info.size, info.mtime, info.mode = len(data), 1_700_000_000, 0o644
            tar.addfile(info, io.BytesIO(data))
    dest.mkdir(parents=True, exist_ok=True)
    path = dest / f"{name}-{version}.tgz"
    path.write_bytes(buf.getvalue())
    if prov:
        path.with_name(path.name + ".prov").write_text(
            f"-----BEGIN PGP SIGNED MESSAGE-----\nfake for {name}\n"
        )
    return path
