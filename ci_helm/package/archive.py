"""Reproducible chart archives: the same members give the same bytes, on any machine.

Every member is a regular file, mode 0644, uid/gid 0 with empty owner names and one
fixed mtime; members come in the order given (the packager fixes it); the gzip header
carries no timestamp and no file name, but Helm's own extra field and comment, so the
archive looks like one ``helm package`` wrote.
"""

from __future__ import annotations

import hashlib
import io
import struct
import tarfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from ci_helm.errors import ArchiveError

__all__ = ["Member", "build_archive", "read_archive", "sha256_digest"]

# Helm writes this gzip extra field and comment on every package (pkg/chart/v2/util/save.go).
_HELM_EXTRA = b"+aHR0cHM6Ly95b3V0dS5iZS96OVV6MWljandyTQo="
_HELM_COMMENT = b"Helm"
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # Helm's limit for one decompressed file
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024


@dataclass(frozen=True)
class Member:
    name: str  # slash-separated, including the ``chartname/`` prefix
    data: bytes


def build_archive(members: Iterable[Member], *, mtime: int) -> bytes:
    """The gzip-compressed tar of ``members``, byte-for-byte stable."""
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for member in members:
            info = tarfile.TarInfo(member.name)
            info.size = len(member.data)
            info.mode = 0o644
            info.mtime = mtime
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            info.type = tarfile.REGTYPE
            tar.addfile(info, io.BytesIO(member.data))
    return _gzip(raw.getvalue())


def _gzip(data: bytes) -> bytes:
    flags = 0x04 | 0x10  # FEXTRA | FCOMMENT
    header = struct.pack("<BBBBIBB", 0x1F, 0x8B, 8, flags, 0, 0, 0xFF)
    header += struct.pack("<H", len(_HELM_EXTRA)) + _HELM_EXTRA + _HELM_COMMENT + b"\x00"
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS, 9)  # Go's default level
    body = compressor.compress(data) + compressor.flush()
    trailer = struct.pack("<II", zlib.crc32(data) & 0xFFFFFFFF, len(data) & 0xFFFFFFFF)
    return header + body + trailer


def sha256_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_archive(data: bytes, *, path: str) -> list[Member]:
    """Members of a chart archive, refusing links, traversal and oversized files."""
    members: list[Member] = []
    total = 0
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as tar:
            for info in tar:
                if info.isdir():
                    continue
                if not info.isreg():
                    raise ArchiveError(f"member {info.name!r} is not a regular file", path=path)
                name = info.name.replace("\\", "/")
                while name.startswith("./"):
                    name = name[2:]
                if name.startswith("/") or ".." in name.split("/"):
                    raise ArchiveError(f"member {info.name!r} escapes the archive", path=path)
                if info.size > MAX_MEMBER_BYTES:
                    raise ArchiveError(f"member {name!r} is over {MAX_MEMBER_BYTES} bytes", path=path)
                total += info.size
                if total > MAX_ARCHIVE_BYTES:
                    raise ArchiveError(f"archive expands past {MAX_ARCHIVE_BYTES} bytes", path=path)
                handle = tar.extractfile(info)
                members.append(Member(name, handle.read() if handle else b""))
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise ArchiveError(f"not a valid chart archive: {exc}", path=path) from None
    return members
