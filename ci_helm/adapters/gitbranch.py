"""A branch of any git remote (GitLab, Gitea, Bitbucket, GitHub Pages) as a BlobStore.

No working tree: objects are read with ``git show`` from a fetched tip and written by
building a commit on that tip with plumbing, then pushed without force. A push rejected
because the branch moved is a lost race: fetch, re-check the write's condition, rebuild
the commit on the new tip, push again. Conditional writes compare the *file's* blob id,
so a concurrent upload of some other package never forces an index re-merge.
"""

from __future__ import annotations

import base64
import functools
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
import weakref
from collections.abc import Callable, Mapping
from urllib.parse import unquote, urlsplit, urlunsplit

from ci_helm.errors import PublishError
from ci_helm.publish.protocols import Blob, PreconditionFailed, Reader
from ci_helm.publish.redact import display_url

__all__ = ["GitBranchStore"]

_REJECTED = (
    "non-fast-forward",
    "fetch first",
    "[rejected]",
    "failed to update ref",
    "cannot lock ref",
    "stale info",
)
_USERINFO = re.compile(r"(\w+://)[^/@\s]+@")
Change = Mapping[str, bytes | None]  # path -> new bytes, or None to delete


def split_credentials(remote: str) -> tuple[str, dict[str, str]]:
    """``https://user:token@host/x.git`` -> the bare URL plus an auth header for git's environment.

    A URL with credentials would sit in every git process's argv (``ps`` shows it to the
    whole machine) and in git's error messages; a header in ``GIT_CONFIG_*`` does neither.
    """
    parts = urlsplit(remote)
    if not parts.scheme.startswith("http") or "@" not in parts.netloc:
        return remote, {}
    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    basic = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode()
    env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": "http.extraHeader",
           "GIT_CONFIG_VALUE_0": f"Authorization: Basic {basic}"}  # fmt: skip
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)), env


class GitBranchStore:
    def __init__(
        self, remote: str, branch: str, *, attempts: int = 60, extra_env: Mapping[str, str] | None = None
    ) -> None:
        """``extra_env`` carries credentials as git config variables, never in argv or the URL."""
        self.remote, auth = split_credentials(remote)
        self.extra_env = {**auth, **(extra_env or {})}
        self.branch = branch
        self.attempts = attempts
        self.description = f"git+{display_url(remote)}#{branch}"
        self._dir = tempfile.mkdtemp(prefix="ci-helm-git-")
        weakref.finalize(self, shutil.rmtree, self._dir, True)
        self._git("init", "--quiet", "--bare", self._dir)

    def get(self, key: str) -> Blob | None:
        return self._read_at(self._fetch(), key)

    def _read_at(self, tip: str | None, key: str) -> Blob | None:
        blob_id = self._blob_id(tip, key)
        if blob_id is None:
            return None
        return Blob(self._git_bytes("cat-file", "blob", blob_id), blob_id)

    def transact(
        self, change: Callable[[Reader], Mapping[str, bytes | None]], before_commit: Callable[[], None]
    ) -> None:
        """One commit for a whole release, rebuilt on the new tip whenever the push loses a race."""
        for attempt in range(self.attempts):
            tip = self._fetch()
            files = change(functools.partial(self._read_at, tip))
            if not files:
                return
            commit = self._commit(tip, files, "ci-helm: publish " + ", ".join(sorted(files)))
            before_commit()
            if self._push(commit):
                return
            time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))  # noqa: S311
        raise PublishError(f"branch kept moving; gave up after {self.attempts} pushes", path=self.description)

    def put(self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False) -> None:
        def check(tip: str | None) -> None:
            current = self._blob_id(tip, key)
            if (if_absent and current is not None) or (if_match is not None and current != if_match):
                raise PreconditionFailed(key)

        self._commit_and_push({key: data}, f"ci-helm: update {key}", check)

    def delete(self, key: str) -> None:
        self._commit_and_push({key: None}, f"ci-helm: remove {key}", lambda tip: None)

    def list(self) -> list[str]:
        tip = self._fetch()
        if tip is None:
            return []
        return sorted(self._git("ls-tree", "--name-only", tip).split())

    def _commit_and_push(self, change: Change, message: str, check: object) -> None:
        assert callable(check)
        for attempt in range(self.attempts):
            tip = self._fetch()
            check(tip)
            if self._push(self._commit(tip, change, message)):
                return
            # Full jitter, growing: racers spread out instead of colliding round after round.
            time.sleep(random.uniform(0, min(2.0, 0.05 * 2**attempt)))  # noqa: S311
        raise PublishError(f"branch kept moving; gave up after {self.attempts} pushes", path=self.description)

    def _fetch(self) -> str | None:
        ref = f"refs/remotes/origin/{self.branch}"
        proc = self._run("fetch", "--quiet", "--no-tags", self.remote, f"+refs/heads/{self.branch}:{ref}")
        if proc.returncode != 0:
            if "couldn't find remote ref" in proc.stderr:
                return None
            raise self._error("cannot fetch", proc.stderr)
        return self._git("rev-parse", ref).strip()

    def _blob_id(self, tip: str | None, key: str) -> str | None:
        if tip is None:
            return None
        proc = self._run("rev-parse", "--verify", "--quiet", f"{tip}:{key}")
        return proc.stdout.strip() or None if proc.returncode == 0 else None

    def _commit(self, tip: str | None, change: Change, message: str) -> str:
        env = {"GIT_INDEX_FILE": os.path.join(self._dir, "ci-helm-index")}
        self._git("read-tree", *([tip] if tip else ["--empty"]), env=env)
        for path, data in change.items():
            if data is None:
                # mode 0 removes the entry; unlike --force-remove it needs no work tree
                self._git("update-index", "--index-info", env=env, data=f"0 {'0' * 40}\t{path}\n".encode())
            else:
                blob = self._git("hash-object", "-w", "--stdin", data=data).strip()
                self._git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
        tree = self._git("write-tree", env=env).strip()
        return self._git("commit-tree", tree, *(["-p", tip] if tip else []), "-m", message).strip()

    def _push(self, commit: str) -> bool:
        proc = self._run("push", "--quiet", "--porcelain", self.remote, f"{commit}:refs/heads/{self.branch}")
        if proc.returncode == 0:
            return True
        if any(marker in proc.stdout + proc.stderr for marker in _REJECTED):
            return False
        raise self._error("cannot push", proc.stderr)

    def _error(self, what: str, stderr: str) -> PublishError:
        lines = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
        reason = _USERINFO.sub(r"\1", lines[-1] if lines else "git failed").removeprefix("fatal: ")
        return PublishError(f"{what}: {reason}", path=self.description)

    def _git(self, *args: str, env: Mapping[str, str] | None = None, data: bytes | None = None) -> str:
        return self._git_bytes(*args, env=env, data=data).decode()

    def _git_bytes(
        self, *args: str, env: Mapping[str, str] | None = None, data: bytes | None = None
    ) -> bytes:
        proc = subprocess.run(
            ["git", "--git-dir", self._dir, *args],
            input=data,
            capture_output=True,
            env=self._env(env),
            check=False,
        )
        if proc.returncode != 0:
            raise self._error(f"git {args[0]} failed", proc.stderr.decode(errors="replace"))
        return proc.stdout

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "--git-dir", self._dir, *args],
            capture_output=True,
            text=True,
            env=self._env(None),
            check=False,
        )

    def _env(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", **self.extra_env, **(extra or {})}
        env.setdefault("GIT_AUTHOR_NAME", "ci-helm")
        env.setdefault("GIT_AUTHOR_EMAIL", "ci-helm@localhost")
        env.setdefault("GIT_COMMITTER_NAME", env["GIT_AUTHOR_NAME"])
        env.setdefault("GIT_COMMITTER_EMAIL", env["GIT_AUTHOR_EMAIL"])
        return env
