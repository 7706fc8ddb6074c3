"""GnuPG through python-gnupg: the only module that runs ``gpg``.

Keys come the way CI hands them over — an ASCII-armored secret key in a variable or a
file, a binary keyring, or an existing GNUPGHOME (GnuPG 2 ``.kbx`` included). Unless an
existing home is named, everything happens in a throwaway GNUPGHOME that is removed
(agent stopped) on exit, so the user's own keyring is never touched.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import gnupg

from ci_helm.errors import ConfigError
from ci_helm.provenance import SignatureCheck

__all__ = ["GnupgKeyring", "KeySource"]

# python-gnupg logs the first bytes of imported keys and of gpg's output at DEBUG: with
# --debug that would put private key material into CI logs. Its logger stays at WARNING.
logging.getLogger("gnupg").setLevel(logging.WARNING)


@dataclass(frozen=True)
class KeySource:
    armored_key: str | None = None  # secret: never logged
    key_file: Path | None = None  # armored or binary (legacy .gpg) keyring
    gnupghome: Path | None = None  # an existing home, used in place
    passphrase: str | None = None  # secret
    key_id: str | None = None  # fingerprint, long/short key id, or a uid substring


class GnupgKeyring:
    """A GnuPG home for one signing or verifying session (a context manager)."""

    def __init__(self, gnupghome: Path | None = None, *, passphrase: str | None = None) -> None:
        self._owned = gnupghome is None
        self.home = _throwaway_home() if gnupghome is None else gnupghome
        self.home.chmod(0o700) if self._owned else None
        self._gpg = gnupg.GPG(gnupghome=str(self.home))
        # gpg's status stream is not always UTF-8 (binary key material in debug lines): latin-1 never
        # fails; user ids are re-decoded as UTF-8 where they are shown.
        self._gpg.encoding = "latin-1"
        self._passphrase = passphrase
        self._fingerprint: str | None = None

    def __enter__(self) -> GnupgKeyring:
        return self

    def __exit__(self, *exc: object | TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._owned and self.home.exists():
            subprocess.run(
                ["gpgconf", "--homedir", str(self.home), "--kill", "all"], capture_output=True, check=False
            )
            shutil.rmtree(self.home, ignore_errors=True)

    @classmethod
    def for_signing(cls, source: KeySource) -> GnupgKeyring:
        ring = cls(source.gnupghome, passphrase=source.passphrase)
        try:
            if source.armored_key:
                ring._import(source.armored_key.encode("utf-8"), "the signing key")
            if source.key_file is not None:
                ring._import(_read(source.key_file), str(source.key_file))
            ring._fingerprint = ring._select(source.key_id)
        except BaseException:
            ring.close()
            raise
        return ring

    @classmethod
    def for_verifying(cls, keyring: Path | None, gnupghome: Path | None) -> GnupgKeyring:
        ring = cls(None if keyring is not None else gnupghome)
        if keyring is not None:
            try:
                ring._import(_read(keyring), str(keyring))
            except BaseException:
                ring.close()
                raise
        return ring

    @property
    def fingerprint(self) -> str:
        assert self._fingerprint is not None
        return self._fingerprint

    def _import(self, data: bytes, what: str) -> None:
        result = self._gpg.import_keys(data, passphrase=self._passphrase)
        if not result.count:
            raise ConfigError(f"{what}: no OpenPGP key could be imported ({_reason(result)})")

    def _select(self, wanted: str | None) -> str:
        keys: list[dict[str, Any]] = self._gpg.list_keys(secret=True)
        if not keys:
            raise ConfigError("no secret key available for signing (set --sign-key or --sign-key-file)")
        if wanted is None:
            if len(keys) > 1:
                raise ConfigError(f"{len(keys)} secret keys available: choose one with --sign-key-id")
            return str(keys[0]["fingerprint"])
        matches = [k for k in keys if _key_matches(k, wanted)]
        if len(matches) != 1:
            found = "no" if not matches else f"{len(matches)}"
            raise ConfigError(f"--sign-key-id {wanted!r} matches {found} secret keys")
        return str(matches[0]["fingerprint"])

    def clearsign(self, message: bytes) -> bytes:
        signed = self._gpg.sign(
            message,
            keyid=self.fingerprint,
            passphrase=self._passphrase,
            clearsign=True,
            extra_args=["--digest-algo", "SHA512"],
        )
        if not signed.data:
            raise ConfigError(f"signing with key {self.fingerprint} failed: {_reason(signed)}")
        return bytes(signed.data)

    def verify_clearsigned(self, signed: bytes) -> SignatureCheck:
        result = self._gpg.verify(signed)
        return SignatureCheck(
            valid=bool(result.valid),
            status=_status(result),
            key_id=result.key_id,
            fingerprint=result.pubkey_fingerprint or result.fingerprint,
            signer=_utf8(result.username),
        )

    def export_public(self) -> bytes:
        """The signing key's public part in the legacy binary format Helm's ``--keyring`` wants."""
        return bytes(self._gpg.export_keys(self.fingerprint, armor=False))


def _throwaway_home() -> Path:
    """A temp GNUPGHOME; short enough for gpg-agent's socket path (108 bytes) even on deep TMPDIRs."""
    base = tempfile.gettempdir()
    if len(base) > 60:
        base = "/tmp"  # noqa: S108 - only for the socket-length limit; mkdtemp makes it private (0700)
    return Path(tempfile.mkdtemp(prefix="ci-helm-gnupg-", dir=base))


def _utf8(text: str | None) -> str | None:
    return (
        None if text is None else text.encode("latin-1", errors="replace").decode("utf-8", errors="replace")
    )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read key file: {exc.strerror or exc}", path=path) from None


def _key_matches(key: dict[str, Any], wanted: str) -> bool:
    compact = wanted.replace(" ", "").upper().removeprefix("0X")
    fingerprint = str(key.get("fingerprint", "")).upper()
    if len(compact) >= 8 and all(c in "0123456789ABCDEF" for c in compact) and fingerprint.endswith(compact):
        return True
    return any(wanted.lower() in uid.lower() for uid in key.get("uids", []))


def _status(result: Any) -> str:
    key_status = result.key_status or ""
    if "expired" in key_status:
        return "key-expired"
    if "revoked" in key_status:
        return "key-revoked"
    return {
        "signature valid": "good",
        "signature good": "good",
        "signature bad": "bad",
        "no public key": "unknown-signer",
        "signature expired": "signature-expired",
    }.get(result.status or "", "error")


def _reason(result: Any) -> str:
    lines = [
        line.removeprefix("gpg: ") for line in str(result.stderr).splitlines() if line.startswith("gpg: ")
    ]
    useful = [
        line for line in lines if any(w in line.lower() for w in ("fail", "error", "bad", "no ", "expired"))
    ]
    text = "; ".join((useful or lines)[-2:])
    return text[:300] or str(getattr(result, "status", "")) or "gpg failed"
