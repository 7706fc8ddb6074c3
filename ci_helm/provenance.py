"""Helm provenance (``.prov``): build the signed message and check a signed one.

A ``.prov`` is a clear-signed (SHA512) message: the chart's Chart.yaml, a ``...`` line
(YAML's document end, since ``---`` is not allowed in a clear-signed block), then
``files:`` mapping the archive's base name to ``sha256:<hex>``. GnuPG itself sits
behind :class:`Signer` / :class:`Verifier` (``ci_helm.adapters.gpg``).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from ci_helm.adapters.atomicfile import atomic_write_bytes
from ci_helm.errors import ChartError, CiHelmError
from ci_helm.package.chartfiles import load_chart_archive
from ci_helm.package.chartyaml import dump_chart_yaml
from ci_helm.yamlio import load_yaml

__all__ = [
    "ProvenanceError",
    "SignResult",
    "SignatureCheck",
    "Signer",
    "Verifier",
    "VerifyResult",
    "message_block",
    "parse_clearsigned",
    "sign_package",
    "verify_package",
]

_BEGIN = "-----BEGIN PGP SIGNED MESSAGE-----"
_SIG = "-----BEGIN PGP SIGNATURE-----"
_END = "-----END PGP SIGNATURE-----"


class ProvenanceError(CiHelmError):
    """A package and its ``.prov`` do not check out (exit 1)."""


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool
    status: str  # good | bad | unknown-signer | key-expired | key-revoked | signature-expired | error
    key_id: str | None = None
    fingerprint: str | None = None
    signer: str | None = None


class Verifier(Protocol):
    def verify_clearsigned(self, signed: bytes) -> SignatureCheck: ...


class Signer(Verifier, Protocol):
    @property
    def fingerprint(self) -> str: ...

    def clearsign(self, message: bytes) -> bytes: ...


@dataclass(frozen=True)
class SignResult:
    package: Path
    provenance: Path
    digest: str
    fingerprint: str


@dataclass(frozen=True)
class VerifyResult:
    package: Path
    provenance: Path
    digest: str
    signer: str | None
    fingerprint: str | None


def message_block(package: Path, data: bytes) -> bytes:
    """Helm's ``messageBlock``: Chart.yaml, ``...``, then the archive's sha256."""
    chart = load_chart_archive(data, source=str(package))
    sums = yaml.safe_dump({"files": {package.name: "sha256:" + hashlib.sha256(data).hexdigest()}})
    return dump_chart_yaml(chart.metadata) + b"\n...\n" + sums.encode("utf-8")


def sign_package(package: Path, signer: Signer) -> SignResult:
    """Write ``PACKAGE.prov`` and verify it straight away with the same key."""
    data = _read(package)
    signed = signer.clearsign(message_block(package, data))
    check = signer.verify_clearsigned(signed)
    if not check.valid:
        raise ProvenanceError(f"the signature just made does not verify ({check.status})", path=package)
    provenance = package.with_name(package.name + ".prov")
    atomic_write_bytes(provenance, signed)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    return SignResult(package, provenance, digest, signer.fingerprint)


def verify_package(package: Path, verifier: Verifier, provenance: Path | None = None) -> VerifyResult:
    """Check the signature, then that the ``.prov`` names this archive with this exact hash."""
    provenance = provenance or package.with_name(package.name + ".prov")
    data = _read(package)
    if not provenance.is_file():
        raise ProvenanceError(f"no provenance file {provenance.name} beside the package", path=package)
    signed = with_armor_checksum(provenance.read_bytes())
    plaintext = parse_clearsigned(signed, path=provenance)
    check = verifier.verify_clearsigned(signed)
    if not check.valid:
        raise ProvenanceError(_explain(check), path=provenance)
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    files = _files_section(plaintext, provenance)
    named = files.get(package.name)
    if named is None:
        others = ", ".join(sorted(files)) or "no file"
        raise ProvenanceError(f"provenance names {others}, not {package.name}", path=provenance)
    if named != digest:
        raise ProvenanceError(
            f"archive hash mismatch: {package.name} is {digest}, the provenance signed {named}", path=package
        )
    return VerifyResult(package, provenance, digest, check.signer, check.fingerprint)


def with_armor_checksum(signed: bytes) -> bytes:
    """Add the CRC-24 line that RFC 9580 writers (Helm 4) omit and GnuPG 2.2 needs to end the armor."""
    text = signed.decode("utf-8", errors="surrogateescape").replace("\r\n", "\n").rstrip("\n") + "\n"
    start = text.find(_SIG)
    end = text.find(_END, start)
    if start < 0 or end < 0:
        return text.encode("utf-8", errors="surrogateescape")
    head, _, body = text[start:end].partition("\n\n")
    lines = [line for line in body.split("\n") if line.strip()]
    if lines and not lines[-1].startswith("="):
        try:
            packet = base64.b64decode("".join(lines), validate=False)
        except ValueError:
            packet = b""
        lines.append("=" + base64.b64encode(_crc24(packet).to_bytes(3, "big")).decode("ascii"))
    armor = head + "\n\n" + "\n".join(lines) + "\n"
    return (text[:start] + armor + text[end:]).encode("utf-8", errors="surrogateescape")


def _crc24(data: bytes) -> int:
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def _explain(check: SignatureCheck) -> str:
    who = (
        f"key {check.key_id}" + (f" ({check.signer})" if check.signer else "") if check.key_id else "its key"
    )
    return {
        "bad": f"bad signature: the provenance was altered after {who} signed it",
        "unknown-signer": f"unknown signer: {who} is not in the keyring",
        "key-expired": f"signed by {who}, which has expired",
        "key-revoked": f"signed by {who}, which has been revoked",
        "signature-expired": f"the signature by {who} has expired",
    }.get(check.status, f"the signature cannot be checked ({check.status})")


def parse_clearsigned(signed: bytes, *, path: Path) -> str:
    """The signed text of a clear-signed message (dash-escaping undone)."""
    text = signed.decode("utf-8", errors="replace").replace("\r\n", "\n")
    start = text.find(_BEGIN)
    end = text.find(_SIG)
    if start < 0 or end < 0 or end < start:
        raise ProvenanceError("not a clear-signed provenance file", path=path)
    _head, sep, body = text[start + len(_BEGIN) : end].partition("\n\n")
    if not sep:
        raise ProvenanceError("clear-signed block has no body", path=path)
    lines = [line[2:] if line.startswith("- ") else line for line in body.split("\n")]
    return "\n".join(lines)


def _files_section(plaintext: str, path: Path) -> dict[str, Any]:
    _, sep, sums = plaintext.partition("\n...\n")
    if not sep:
        raise ProvenanceError("provenance has no '...' line before its files section", path=path)
    try:
        data = load_yaml(sums, path=path, max_bytes=1 << 20)
    except CiHelmError as exc:
        raise ProvenanceError(f"unreadable files section: {exc.message}", path=path) from None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, dict):
        raise ProvenanceError("provenance has no files: mapping", path=path)
    return {str(k): str(v) for k, v in files.items()}


def _read(package: Path) -> bytes:
    try:
        return package.read_bytes()
    except OSError as exc:
        raise ChartError(f"cannot read package: {exc.strerror or exc}", path=package) from None
