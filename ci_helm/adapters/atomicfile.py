"""Write a whole file (or directory tree) or nothing: a temporary beside the target, then one rename or link.

Without ``overwrite`` the final step is ``os.link``, which fails if the target appeared in the
meantime, so an existing file is never replaced, even by a race.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from ci_helm.errors import CiHelmError, UsageError

__all__ = ["write_text_atomic", "write_tree_atomic"]


def write_text_atomic(path: Path, text: str, *, overwrite: bool = False) -> None:
    if path.is_dir():
        raise UsageError("is a directory; give a file name", path=path)
    if path.exists() and not overwrite:
        raise UsageError("already exists; pass --force to overwrite it", path=path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise CiHelmError(f"cannot write: {exc.strerror or exc}", path=path) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    except FileExistsError:
        raise UsageError("already exists; pass --force to overwrite it", path=path) from None
    except OSError as exc:
        raise CiHelmError(f"cannot write: {exc.strerror or exc}", path=path) from None
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
