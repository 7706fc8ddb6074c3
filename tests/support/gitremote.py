"""Local bare git repositories standing in for a forge (GitLab, Gitea, GitHub Pages)."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["bare_repo", "branch_files", "read_file"]


def bare_repo(path: Path) -> Path:
    subprocess.run(["git", "init", "--quiet", "--bare", "-b", "main", str(path)], check=True)
    return path


def branch_files(repo: Path, branch: str) -> list[str]:
    out = subprocess.run(
        ["git", "--git-dir", str(repo), "ls-tree", "--name-only", branch],
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(out.stdout.split())


def read_file(repo: Path, branch: str, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(repo), "show", f"{branch}:{path}"], capture_output=True, check=True
    ).stdout
