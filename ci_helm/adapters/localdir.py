"""A directory as a :class:`~ci_helm.publish.protocols.BlobStore` (``file://`` repositories).

Writes are atomic (temp file + rename), and conditional writes hold an exclusive
``flock`` on ``.ci-helm.lock`` while they compare and replace, so concurrent processes
and threads updating index.yaml serialize correctly on a local or NFSv4 file system.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from ci_helm.adapters.atomicfile import atomic_write_bytes
from ci_helm.errors import PublishError
from ci_helm.publish.protocols import Blob, PreconditionFailed

__all__ = ["LocalDirStore"]

LOCK_NAME = ".ci-helm.lock"


class LocalDirStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.description = f"file://{root}"

    def _path(self, key: str) -> Path:
        if key.startswith("/") or ".." in key.split("/"):
            raise PublishError(f"refusing object key outside the repository: {key}", path=self.description)
        return self.root / key

    def get(self, key: str) -> Blob | None:
        try:
            data = self._path(key).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise PublishError(f"cannot read {key}: {exc.strerror}", path=self.description) from None
        return Blob(data, hashlib.sha256(data).hexdigest())

    def put(self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False) -> None:
        with self._locked():
            if if_absent or if_match is not None:
                current = self.get(key)
                if if_absent and current is not None:
                    raise PreconditionFailed(key)
                if if_match is not None and (current is None or current.token != if_match):
                    raise PreconditionFailed(key)
            atomic_write_bytes(self._path(key), data)

    def delete(self, key: str) -> None:
        with self._locked():
            self._path(key).unlink(missing_ok=True)

    def list(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if p.is_file() and not p.name.startswith("."))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise PublishError(f"cannot use the directory: {exc.strerror}", path=self.description) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock
