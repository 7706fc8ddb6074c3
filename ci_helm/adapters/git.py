"""The git facts packaging needs, read with the ``git`` CLI (argv lists only, no shell)."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["last_commit_time"]


def last_commit_time(path: Path) -> int | None:
    """Unix time of the last commit touching ``path``; ``None`` outside a repository or untracked."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(path), "log", "-1", "--format=%ct", "--", "."],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = proc.stdout.strip()
    return int(text) if proc.returncode == 0 and text.isdigit() else None
