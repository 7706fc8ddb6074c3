"""An in-memory :class:`ci_helm.changes.GitRepo`: commits are dicts of path -> text."""

from __future__ import annotations

from dataclasses import dataclass, field

from ci_helm.changes import FileChange


@dataclass
class FakeGitRepo:
    """``commits`` by name; ``HEAD`` and refs name commits; ``parents`` give the merge-base."""

    commits: dict[str, dict[str, str]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    remotes: tuple[str, ...] = ("origin",)
    shallow: bool = False
    worktree: dict[str, str] | None = None
    fetched: list[tuple[str, str, bool]] = field(default_factory=list)
    on_fetch: dict[str, str] = field(default_factory=dict)  # ref -> commit, appears when fetched

    def _commit(self, ref: str) -> str | None:
        name = self.refs.get(ref, ref)
        return name if name in self.commits else None

    def _ancestors(self, commit: str) -> list[str]:
        chain = [commit]
        while chain[-1] in self.parents:
            chain.append(self.parents[chain[-1]])
        return chain

    def resolve(self, ref: str) -> str | None:
        return self._commit(ref)

    def has_remote(self, remote: str) -> bool:
        return remote in self.remotes

    def is_shallow(self) -> bool:
        return self.shallow

    def merge_base(self, a: str, b: str) -> str | None:
        ca, cb = self._commit(a), self._commit(b)
        if ca is None or cb is None or self.shallow:
            return None
        theirs = set(self._ancestors(cb))
        return next((c for c in self._ancestors(ca) if c in theirs), None)

    def _tree(self, rev: str | None) -> dict[str, str]:
        if rev is None:
            return self.worktree if self.worktree is not None else self._tree("HEAD")
        commit = self._commit(rev)
        assert commit is not None, rev
        return self.commits[commit]

    def diff(self, base: str, rev: str | None) -> list[FileChange]:
        old, new = self._tree(base), self._tree(rev)
        changes = [FileChange("added", p) for p in new if p not in old]
        changes += [FileChange("deleted", p) for p in old if p not in new]
        changes += [FileChange("modified", p) for p in new if p in old and old[p] != new[p]]
        return sorted(changes, key=lambda c: c.path)

    def list_files(self, rev: str | None) -> list[str]:
        return sorted(self._tree(rev))

    def read(self, rev: str | None, path: str) -> bytes | None:
        text = self._tree(rev).get(path)
        return None if text is None else text.encode()

    def read_many(self, rev: str | None, paths: list[str]) -> dict[str, bytes | None]:
        return {p: self.read(rev, p) for p in paths}

    def fetch(self, remote: str, branch: str, *, unshallow: bool) -> None:
        self.fetched.append((remote, branch, unshallow))
        self.refs.update(self.on_fetch)
        if unshallow:
            self.shallow = False
