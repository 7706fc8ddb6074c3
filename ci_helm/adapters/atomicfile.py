"""Write a whole file (or directory tree) or nothing: a temporary beside the target, then one rename or link.

Readers never see half a file, and a failure leaves the old file (or none) and no temporary.
Without ``overwrite`` the final step is ``os.link``, which fails if the target appeared in the
meantime, so an existing file is never replaced, even by a race.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from ci_helm.errors import CiHelmError, UsageError

__all__ = ["atomic_write_bytes", "atomic_write_text", "write_text_atomic", "write_tree_atomic"]


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` (mode 0644, parents created); OSError on failure."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _publish(path, data, os.replace)


def atomic_write_text(path: Path, text: str) -> None:
    """:func:`atomic_write_bytes` of ``text`` in UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_text_atomic(path: Path, text: str, *, overwrite: bool = False) -> None:
    """A file the user named on the command line: refuses a directory, and an existing file
    unless ``overwrite``; failures are one-line errors naming the file."""
    if path.is_dir():
        raise UsageError("is a directory; give a file name", path=path)
    if path.exists() and not overwrite:
        raise UsageError("already exists; pass --force to overwrite it", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CiHelmError(f"cannot write: {exc.strerror or exc}", path=path) from None
    try:
        _publish(path, text.encode("utf-8"), os.replace if overwrite else os.link)
    except FileExistsError:
        raise UsageError("already exists; pass --force to overwrite it", path=path) from None
    except OSError as exc:
        raise CiHelmError(f"cannot write: {exc.strerror or exc}", path=path) from None


def _publish(path: Path, data: bytes, final: Callable[[Path, Path], None]) -> None:
    """Write ``data`` to a temporary beside ``path``, flush it to disk, then ``final(tmp, path)``."""
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; these files are meant to be read by others
        final(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_tree_atomic(destination: Path, files: Mapping[str, bytes]) -> None:
    """Create directory ``destination`` holding ``files`` (relative path -> bytes), or nothing.

    The tree is built in a hidden staging directory beside it and renamed into place; the
    rename fails rather than merging into a directory that appeared meanwhile.
    """
    if destination.exists() or destination.is_symlink():
        raise UsageError("already exists; refusing to overwrite it (choose a new NAME)", path=destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    except OSError as exc:
        raise CiHelmError(f"cannot write: {exc.strerror or exc}", path=destination) from None
    try:
        staging.chmod(0o755)  # mkdtemp makes it private; a chart directory is an ordinary one
        for rel, data in files.items():
            out = staging / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(data)
        os.rename(staging, destination)
    except OSError as exc:
        raise CiHelmError(f"cannot write: {exc.strerror or exc}", path=destination) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
