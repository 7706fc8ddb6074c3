"""Write a whole file or nothing: a temporary file beside the target, then one rename or link.

Without ``overwrite`` the final step is ``os.link``, which fails if the target appeared in the
meantime, so an existing file is never replaced, even by a race.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from ci_helm.errors import CiHelmError, UsageError

__all__ = ["write_text_atomic"]


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
