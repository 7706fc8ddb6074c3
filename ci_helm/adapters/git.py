"""git through ``ci_helm.adapters.proc``: the real :class:`ci_helm.changes.GitRepo`.

Every path in and out is relative to the repository root with ``/`` separators. Output
is read with ``-z`` so names with spaces, quotes or newlines survive.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ci_helm.adapters import proc
from ci_helm.changes.repo import ChangeStatus, FileChange
from ci_helm.errors import CommandError, GitError

__all__ = ["GitCli", "last_commit_time"]

_STATUS: dict[str, ChangeStatus] = {
    "A": "added",
    "M": "modified",
    "D": "deleted",
    "R": "renamed",
    "C": "copied",
    "T": "type-changed",
}


class GitCli:
    """A repository on disk, queried with the ``git`` binary."""

    def __init__(
        self, root: Path, *, git: str = "git", timeout: float = 300.0, env: Mapping[str, str] | None = None
    ) -> None:
        self.root = root
        self._git = git
        self._timeout = timeout
        self._env = None if env is None else dict(env)

    @classmethod
    def discover(cls, cwd: Path, *, git: str = "git", env: Mapping[str, str] | None = None) -> GitCli:
        """The repository containing ``cwd``; a clear error when there is none."""
        done = proc.run([git, "rev-parse", "--show-toplevel"], cwd=cwd, env=env, timeout=60, check=False)
        if not done.ok:
            raise GitError(f"{cwd} is not inside a git repository (change detection needs one)")
        return cls(Path(done.stdout.strip()), git=git, env=env)

    def _run(self, *args: str, ok: tuple[int, ...] = (0,)) -> proc.Completed:
        argv = [self._git, "-c", "core.quotepath=off", *args]
        done = proc.run(argv, cwd=self.root, env=self._env, timeout=self._timeout, check=False)
        if done.returncode not in ok:
            last = (done.stderr.strip().splitlines() or [""])[-1]
            raise CommandError(
                f"git {' '.join(args[:2])} failed with exit code {done.returncode}: {last}",
                argv=tuple(argv),
                returncode=done.returncode,
                stdout=done.stdout,
                stderr=done.stderr,
            )
        return done

    def resolve(self, ref: str) -> str | None:
        done = self._run(
            "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}", ok=(0, 1, 128)
        )
        return done.stdout.strip() or None if done.ok else None

    def has_remote(self, remote: str) -> bool:
        return remote in self._run("remote").stdout.split()

    def is_shallow(self) -> bool:
        return self._run("rev-parse", "--is-shallow-repository").stdout.strip() == "true"

    def merge_base(self, a: str, b: str) -> str | None:
        done = self._run("merge-base", "--end-of-options", a, b, ok=(0, 1))
        return done.stdout.strip() or None if done.ok else None

    def diff(self, base: str, rev: str | None) -> list[FileChange]:
        args = ["diff", "--name-status", "-z", "--find-renames", "--no-ext-diff", "--no-textconv", base]
        changes = _parse_name_status(self._run(*args, *([rev] if rev else []), "--").stdout)
        if rev is None:
            changes += [FileChange("added", p) for p in self._untracked()]
        return changes

    def _untracked(self) -> list[str]:
        return _split_z(self._run("ls-files", "-z", "--others", "--exclude-standard").stdout)

    def list_files(self, rev: str | None) -> list[str]:
        if rev is not None:
            return _split_z(self._run("ls-tree", "-r", "-z", "--name-only", "--full-tree", rev).stdout)
        tracked = _split_z(self._run("ls-files", "-z", "--cached").stdout)
        present = [p for p in dict.fromkeys(tracked) if (self.root / p).exists()]
        return present + self._untracked()

    def read(self, rev: str | None, path: str) -> bytes | None:
        if rev is None:
            file = self.root / path
            return file.read_bytes() if file.is_file() else None
        done = proc.run(
            [self._git, "cat-file", "blob", f"{rev}:{path}"],
            cwd=self.root,
            env=self._env,
            timeout=self._timeout,
            check=False,
        )
        # proc decodes output as UTF-8; we only read text files (Chart.yaml, .helmignore) this way.
        return done.stdout.encode("utf-8") if done.ok else None

    def read_many(self, rev: str | None, paths: list[str]) -> dict[str, bytes | None]:
        if rev is None or not paths or any("\n" in p for p in paths):
            return {p: self.read(rev, p) for p in paths}
        done = proc.run(
            [self._git, "cat-file", "--batch"],
            cwd=self.root,
            env=self._env,
            timeout=self._timeout,
            input="".join(f"{rev}:{p}\n" for p in paths),
            check=False,
        )
        try:
            return _parse_batch(done.stdout.encode("utf-8"), paths)
        except ValueError:  # not UTF-8 text after all: sizes no longer line up, read one by one
            return {p: self.read(rev, p) for p in paths}

    def fetch(self, remote: str, branch: str, *, unshallow: bool) -> None:
        refspec = f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}"
        args = ["fetch", "--no-tags", "--quiet", *(["--unshallow"] if unshallow else []), remote, refspec]
        try:
            self._run(*args)
        except CommandError as exc:
            last = (exc.stderr.strip().splitlines() or ["no output"])[-1]
            raise GitError(f"`git fetch {remote} {branch}` failed: {last}") from None


def _split_z(text: str) -> list[str]:
    return [p for p in text.split("\0") if p]


def _parse_name_status(text: str) -> list[FileChange]:
    """``git diff --name-status -z``: ``M\\0path\\0``, ``R100\\0old\\0new\\0``."""
    fields = text.split("\0")
    out: list[FileChange] = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i][0]
        status = _STATUS.get(code, "modified")
        if code in "RC":
            out.append(FileChange(status, fields[i + 2], old_path=fields[i + 1]))
            i += 3
        else:
            out.append(FileChange(status, fields[i + 1]))
            i += 2
    return out


def _parse_batch(data: bytes, paths: list[str]) -> dict[str, bytes | None]:
    """``git cat-file --batch`` output: ``<sha> <type> <size>\\n<content>\\n`` or ``<name> missing\\n``."""
    out: dict[str, bytes | None] = {}
    pos = 0
    for path in paths:
        end = data.index(b"\n", pos)
        header = data[pos:end].decode("utf-8").split(" ")
        pos = end + 1
        if header[-1] in ("missing", "ambiguous"):
            out[path] = None
            continue
        if len(header) != 3:
            raise ValueError(f"unexpected cat-file header {header!r}")
        size = int(header[2])
        body = data[pos : pos + size]
        if len(body) != size or data[pos + size : pos + size + 1] != b"\n":
            raise ValueError("cat-file content does not match its size")
        out[path] = body if header[1] == "blob" else None
        pos += size + 1
    return out


def last_commit_time(path: Path) -> int | None:
    """Unix time of the last commit touching ``path`` (packaging's reproducible mtime); ``None``
    outside a repository, for untracked paths, or when git is missing."""
    try:
        done = proc.run(
            ["git", "-C", str(path), "log", "-1", "--format=%ct", "--", "."], timeout=60, check=False
        )
    except CommandError:
        return None
    text = done.stdout.strip()
    return int(text) if done.ok and text.isdigit() else None
