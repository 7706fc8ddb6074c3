"""The last stage of ``make demo``: release the examples to a local repository, rerun, serve it.

``ci_helm/demo.py`` registers it with ``stage("release", RELEASE_SUMMARY)(release_examples)``;
it only needs the stage context's ``examples``, ``workdir``, ``env`` and ``ci_helm(...)``.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any, Protocol

__all__ = ["RELEASE_SUMMARY", "release_examples"]

RELEASE_SUMMARY = "ci-helm release to a file:// repository (twice: the rerun skips), then repo serve it"


class _StageContext(Protocol):
    examples: list[Path]
    workdir: Path
    env: dict[str, str]

    def ci_helm(self, *args: str, timeout: float = 300) -> str: ...


def release_examples(ctx: _StageContext) -> list[str]:
    """Release the signed packages of the previous stage (``workdir/dist``), else the chart dirs."""
    repo = ctx.workdir / "repo"
    signed = sorted((ctx.workdir / "dist").glob("*.tgz"))
    charts = [str(c) for c in (signed or ctx.examples)]
    first = ctx.ci_helm("release", *charts, "--to", f"file://{repo}", "-q")
    rerun = ctx.ci_helm("release", *charts, "--to", f"file://{repo}", "-q")
    published = [ln.split()[1:3] for ln in first.splitlines() if ln.strip().startswith("publish")]
    skipped = sum(1 for ln in rerun.splitlines() if ln.strip().startswith("skip"))
    lines = [f"published {name} {version}" for name, version in published]
    lines.append(f"rerun: {skipped} of {len(published)} skipped as already published (same digest)")
    files = [f"{n}-{v}.tgz" for n, v in published]
    files += [f"{name}.prov" for name in files if (repo / f"{name}.prov").is_file()]
    lines.extend(_serve_and_fetch(repo, ctx.env, files))
    return lines


def _serve_and_fetch(repo: Path, env: dict[str, str], packages: list[str]) -> list[str]:
    """Start ``repo serve``, fetch index.yaml and every package over HTTP, stop it again."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ci_helm", "repo", "serve", str(repo), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split(" at ", 1)[1].split()[0].rstrip("/")
        index = _get(f"{url}/index.yaml")
        fetched = [name for name in packages if _get(f"{url}/{name}")]
        return [
            f"served at {url}/: index.yaml ({len(index)} bytes) and {len(fetched)} files fetched over HTTP"
        ]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _get(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as reply:  # noqa: S310 - our own server on 127.0.0.1
        return reply.read()
