"""Real git repositories for tests: a bare "origin", clones, commits, branches, shallow clones."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

import yaml


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
    return done.stdout.strip()


def chart_yaml(name: str, version: str = "1.0.0", deps: Iterable[tuple[str, str]] = ()) -> str:
    doc: dict[str, object] = {"apiVersion": "v2", "name": name, "version": version, "type": "application"}
    if deps:
        doc["dependencies"] = [{"name": n, "version": "*", "repository": url} for n, url in deps]
    return yaml.safe_dump(doc, sort_keys=False)


class Repo:
    """A working clone; ``origin`` (bare) sits beside it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def create(cls, tmp: Path, files: dict[str, str], *, branch: str = "main") -> Repo:
        origin = tmp / "origin.git"
        git(tmp, "init", "-q", "--bare", f"--initial-branch={branch}", str(origin))
        work = tmp / "work"
        git(tmp, "init", "-q", f"--initial-branch={branch}", str(work))
        repo = cls(work)
        git(work, "config", "commit.gpgsign", "false")
        repo.write_all(files)
        repo.commit("initial")
        git(work, "remote", "add", "origin", str(origin))
        git(work, "push", "-q", "-u", "origin", branch)
        return repo

    def git(self, *args: str) -> str:
        return git(self.path, *args)

    def write(self, rel: str, text: str) -> None:
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)

    def write_all(self, files: dict[str, str]) -> None:
        for rel, text in files.items():
            self.write(rel, text)

    def remove(self, rel: str) -> None:
        self.git("rm", "-r", "-q", rel)

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def branch(self, name: str) -> None:
        self.git("checkout", "-q", "-b", name)

    def checkout(self, name: str) -> None:
        self.git("checkout", "-q", name)
