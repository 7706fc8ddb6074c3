"""What ``init-ci`` can learn from a repository without asking: chart dirs, default branch, owner/repo,
and an existing chart-testing ``ct.yaml`` or chart-releaser ``cr.yaml``.

It reads files only (``.git/HEAD``, ``.git/config``, ``.git/refs/remotes/origin/HEAD``); no git process.
"""

from __future__ import annotations

import configparser
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.errors import YamlError
from ci_helm.yamlio import read_yaml_file

__all__ = ["Detected", "detect"]

_SKIP_DIRS = {".git", ".github", ".gitlab", "node_modules", ".venv", "vendor"}
_GITHUB_URL = re.compile(r"github\.com[:/](?P<owner>[^/]+)/(?P<repo>[^/]+?)(?:\.git)?/?$")


@dataclass
class Detected:
    chart_dirs: list[str] = field(default_factory=list)
    charts: list[str] = field(default_factory=list)
    default_branch: str = "main"
    owner: str = "OWNER"
    repo: str = "REPO"
    ct_config: dict[str, Any] = field(default_factory=dict)
    cr_config: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def detect(root: Path) -> Detected:
    found = Detected()
    found.charts = _find_charts(root)
    found.chart_dirs = sorted({str(Path(c).parent) for c in found.charts}) or ["charts"]
    found.default_branch = _default_branch(root / ".git") or "main"
    owner_repo = _github_owner_repo(root / ".git")
    if owner_repo:
        found.owner, found.repo = owner_repo
    found.ct_config = _optional_yaml(root / "ct.yaml", found)
    found.cr_config = _optional_yaml(root / "cr.yaml", found)
    _apply_ct(found)
    return found


def _find_charts(root: Path) -> list[str]:
    """Top-level charts: a folder with Chart.yaml that is not vendored inside another chart."""
    charts: list[str] = []

    def walk(directory: Path) -> None:
        if (directory / "Chart.yaml").is_file() and directory != root:
            charts.append(directory.relative_to(root).as_posix())
            return  # subcharts under charts/ belong to this chart
        for child in sorted(directory.iterdir()):
            if child.is_dir() and not child.is_symlink() and child.name not in _SKIP_DIRS:
                walk(child)

    walk(root)
    return charts


def _default_branch(git_dir: Path) -> str | None:
    origin_head = git_dir / "refs" / "remotes" / "origin" / "HEAD"
    for ref_file in (origin_head, git_dir / "HEAD"):
        if ref_file.is_file():
            text = ref_file.read_text().strip()
            if text.startswith("ref: "):
                return (
                    text.rsplit("/", 1)[-1]
                    if "refs/remotes/" in text
                    else text.removeprefix("ref: refs/heads/")
                )
    return None


def _github_owner_repo(git_dir: Path) -> tuple[str, str] | None:
    config = git_dir / "config"
    if not config.is_file():
        return None
    parser = configparser.ConfigParser(strict=False)
    try:
        parser.read(config)
    except configparser.Error:
        return None
    url = parser.get('remote "origin"', "url", fallback="")
    match = _GITHUB_URL.search(url)
    return (match["owner"], match["repo"]) if match else None


def _optional_yaml(path: Path, found: Detected) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = read_yaml_file(path)
    except YamlError as exc:
        found.notes.append(f"ignored {path.name}: {exc}")
        return {}
    if not isinstance(data, dict):
        found.notes.append(f"ignored {path.name}: not a mapping")
        return {}
    found.notes.append(f"read settings from existing {path.name}")
    return data


def _apply_ct(found: Detected) -> None:
    """chart-testing's settings win over guesses: the user already said where charts live."""
    dirs = found.ct_config.get("chart-dirs")
    if isinstance(dirs, list) and dirs:
        found.chart_dirs = [str(d) for d in dirs]
    branch = found.ct_config.get("target-branch")
    if isinstance(branch, str) and branch:
        found.default_branch = branch
    owner = found.cr_config.get("owner")
    repo = found.cr_config.get("git-repo")
    if isinstance(owner, str) and isinstance(repo, str):
        found.owner, found.repo = owner, repo
