"""Reading and extracting chart archives (``.tgz``) that may be hostile.

Helm's own rules (``pkg/chart/loader/archive``) plus stricter ones, because a chart from a
pull request or a public repository is untrusted input:

- members are regular files (directories and pax headers skipped); symlinks, hard links,
  devices and FIFOs are refused rather than silently emptied;
- every member lives under one top-level directory (the chart's); absolute paths, ``..``,
  Windows drive paths and duplicates are refused;
- limits: 5 MiB per file and 100 MiB in total (Helm's), and at most 20,000 members, so a
  decompression bomb ends with an error and bounded memory;
- extraction writes into a fresh temporary directory beside the destination and renames
  it into place only when everything succeeded: nothing partial, nothing outside.
"""

from __future__ import annotations

import gzip
import io
import os
import posixpath
import re
import shutil
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_helm.errors import ArchiveError

__all__ = [
    "MAX_CHART_BYTES",
    "MAX_FILE_BYTES",
    "MAX_MEMBERS",
    "ArchiveFile",
    "ChartArchive",
    "Limits",
    "extract_archive",
    "read_archive",
    "read_archive_bytes",
]

MAX_CHART_BYTES = 100 * 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 20_000
_DRIVE = re.compile(r"^[a-zA-Z]:/")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class ArchiveFile:
    name: str  # slash-separated, relative to the chart root
    data: bytes


@dataclass(frozen=True)
class ChartArchive:
    top: str  # the single top-level directory (normally the chart name)
    files: tuple[ArchiveFile, ...]


@dataclass(frozen=True)
class Limits:
    chart_bytes: int = MAX_CHART_BYTES
    file_bytes: int = MAX_FILE_BYTES
    members: int = MAX_MEMBERS


def read_archive(path: Path, *, limits: Limits = Limits()) -> ChartArchive:
    """Read a chart archive from disk into memory, validating every member."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArchiveError(f"cannot read: {exc.strerror or exc}", path=path) from None
    return read_archive_bytes(data, source=str(path), limits=limits)


def read_archive_bytes(data: bytes, *, source: str, limits: Limits = Limits()) -> ChartArchive:
    if not data.startswith(b"\x1f\x8b"):
        hint = " (it looks like YAML)" if source.endswith((".yaml", ".yml")) else ""
        raise ArchiveError(f"not a gzipped chart archive{hint}", path=source)
    try:
        # gzip.GzipFile, not tarfile's own "r|gz": Python 3.11's stream reader mis-parses the
        # FEXTRA header Helm writes into every chart archive it packages.
        stream = _Bounded(gzip.GzipFile(fileobj=io.BytesIO(data)), _stream_cap(limits), source)
        with tarfile.open(fileobj=stream, mode="r|") as tar:
            return _read_members(tar, source, limits)
    except (tarfile.TarError, EOFError, OSError, zlib.error, gzip.BadGzipFile) as exc:
        raise ArchiveError(f"corrupt chart archive: {exc}", path=source) from None


def _stream_cap(limits: Limits) -> int:
    """Decompressed bytes allowed: the content plus tar headers and padding for every member."""
    return limits.chart_bytes + 1536 * (limits.members + 2) + 20 * 512


class _Bounded(io.RawIOBase):
    """A read-only stream that refuses to decompress past ``cap`` bytes (gzip bombs)."""

    def __init__(self, inner: gzip.GzipFile, cap: int, source: str) -> None:
        self.inner, self.left, self.source = inner, cap, source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer)
        chunk = self.inner.read(min(len(view), self.left + 1))
        if len(chunk) > self.left:
            raise ArchiveError("archive expands past its size limit (decompression bomb?)", path=self.source)
        self.left -= len(chunk)
        view[: len(chunk)] = chunk
        return len(chunk)


def _read_members(tar: tarfile.TarFile, source: str, limits: Limits) -> ChartArchive:
    files: list[ArchiveFile] = []
    seen: set[str] = set()
    top: str | None = None
    remaining = limits.chart_bytes
    for count, member in enumerate(tar, start=1):
        if count > limits.members:
            raise ArchiveError(f"archive has more than {limits.members} members", path=source)
        if member.isdir():
            continue
        first, name = _member_name(member, source)
        if top is None:
            top = first
        elif first != top:
            raise ArchiveError(f"member {member.name!r} is outside the chart directory {top!r}", path=source)
        _check_kind(member, source)
        if member.size > limits.file_bytes:
            raise ArchiveError(
                f"member {member.name!r} is {member.size} bytes, over the {limits.file_bytes}-byte limit",
                path=source,
            )
        if member.size > remaining:
            raise ArchiveError(f"archive expands past the {limits.chart_bytes}-byte limit", path=source)
        content = _read_member(tar, member, source)
        remaining -= len(content)
        if name in seen:
            raise ArchiveError(f"member {member.name!r} appears twice", path=source)
        seen.add(name)
        files.append(ArchiveFile(name, content.removeprefix(_BOM)))
    if top is None or not files:
        raise ArchiveError("no files in chart archive", path=source)
    return ChartArchive(top, tuple(files))


def _member_name(member: tarfile.TarInfo, source: str) -> tuple[str, str]:
    """Helm's path checks: split off the top directory, normalise, refuse escapes."""
    raw = member.name
    delimiter = "\\" if "\\" in raw else "/"
    parts = raw.split(delimiter)
    rest = "/".join(parts[1:])
    if raw.startswith(("/", "\\")) or posixpath.isabs(rest) or _DRIVE.match(raw):
        raise ArchiveError(f"member {raw!r} has an absolute path", path=source)
    if ".." in parts or ".." in rest.split("/"):
        raise ArchiveError(f"member {raw!r} refers to a parent directory", path=source)
    if parts[0] == "Chart.yaml":
        raise ArchiveError("Chart.yaml is not inside the chart's top-level directory", path=source)
    clean = posixpath.normpath(rest) if rest else "."
    if clean == "." or _DRIVE.match(clean) or clean.startswith(".."):
        raise ArchiveError(f"member {raw!r} is outside the chart directory", path=source)
    return parts[0], clean


def _check_kind(member: tarfile.TarInfo, source: str) -> None:
    if member.issym() or member.islnk():
        raise ArchiveError(
            f"member {member.name!r} is a link; chart archives may not contain links", path=source
        )
    if not member.isreg():
        raise ArchiveError(f"member {member.name!r} is not a regular file", path=source)


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo, source: str) -> bytes:
    handle = tar.extractfile(member)
    if handle is None:
        raise ArchiveError(f"member {member.name!r} cannot be read", path=source)
    content = handle.read(member.size + 1)
    if len(content) != member.size:
        raise ArchiveError(f"member {member.name!r} is truncated", path=source)
    return content


def extract_archive(archive: Path, dest: Path, *, limits: Limits = Limits()) -> Path:
    """Extract a chart archive to ``dest/<chart-dir>``; returns that directory.

    The chart directory must not exist yet. Files are written into a temporary sibling and
    renamed into place at the end, so a failure leaves nothing behind.
    """
    contents = read_archive(archive, limits=limits)
    target = dest / contents.top
    if target.exists():
        raise ArchiveError(f"{target} already exists; refusing to overwrite it", path=archive)
    dest.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".ci-helm-extract-", dir=dest))
    try:
        root = staging / contents.top
        root.mkdir()
        for item in contents.files:
            _write_file(root, item)
        os.replace(root, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _write_file(root: Path, item: ArchiveFile) -> None:
    path = root.joinpath(*item.name.split("/"))
    resolved_root = root.resolve()
    if resolved_root not in path.resolve().parents:
        raise ArchiveError(f"refusing to write {item.name!r} outside the chart directory")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    with os.fdopen(fd, "wb") as handle:
        handle.write(item.data)
