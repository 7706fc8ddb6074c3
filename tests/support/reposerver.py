"""``ci-helm repo serve`` started as a real child process on 127.0.0.1 for the duration of a test."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import REPO_ROOT

__all__ = ["serve"]


@contextmanager
def serve(directory: Path, *extra: str) -> Iterator[str]:
    """Yield the base URL the server printed; stop (SIGTERM, then SIGKILL) afterwards."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ci_helm", "repo", "serve", str(directory), "--port", "0", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if " at " not in line:
            raise RuntimeError(f"repo serve did not start: {line}{proc.stderr.read() if proc.stderr else ''}")
        yield line.split(" at ", 1)[1].split()[0].rstrip("/")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
