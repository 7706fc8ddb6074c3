"""What change detection needs from git, stated as a Protocol (``ci_helm.adapters.git`` implements it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = ["WORKTREE", "FileChange", "GitRepo"]

# ``rev=None`` in the methods below means the working tree (tracked files plus untracked, not ignored).
WORKTREE = None

ChangeStatus = Literal["added", "modified", "deleted", "renamed", "copied", "type-changed"]


@dataclass(frozen=True)
class FileChange:
    """One changed path, repository-relative with ``/`` separators; renames keep the old path."""

    status: ChangeStatus
    path: str
    old_path: str | None = None

    def paths(self) -> tuple[str, ...]:
        """Every path the change touches: a rename out of one chart into another touches both."""
        return (self.old_path, self.path) if self.status == "renamed" and self.old_path else (self.path,)


class GitRepo(Protocol):
    def resolve(self, ref: str) -> str | None:
        """The commit a ref names, or ``None`` when the ref does not exist."""
        ...

    def has_remote(self, remote: str) -> bool: ...

    def is_shallow(self) -> bool: ...

    def merge_base(self, a: str, b: str) -> str | None:
        """The best common ancestor, or ``None`` when git finds none (unrelated or cut-off history)."""
        ...

    def diff(self, base: str, rev: str | None) -> list[FileChange]:
        """Changes from ``base`` to ``rev`` (``None``: the working tree, staged or not, plus untracked)."""
        ...

    def list_files(self, rev: str | None) -> list[str]:
        """Every file at ``rev`` (``None``: tracked and untracked, not ignored, in the working tree)."""
        ...

    def read(self, rev: str | None, path: str) -> bytes | None:
        """A file's content at ``rev`` (``None``: the working tree), or ``None`` when it is absent."""
        ...

    def read_many(self, rev: str | None, paths: list[str]) -> dict[str, bytes | None]:
        """:meth:`read` for several paths at once (one git process instead of one per file)."""
        ...

    def fetch(self, remote: str, branch: str, *, unshallow: bool) -> None:
        """Fetch ``branch`` into ``refs/remotes/<remote>/<branch>``, deepening a shallow clone first."""
        ...
