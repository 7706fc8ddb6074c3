"""Throwaway OpenPGP keys made at test time in temporary GNUPGHOMEs (never the user's)."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass
class GpgKey:
    home: Path
    uid: str
    fingerprint: str
    passphrase: str | None

    def gpg(self, *args: str, input: bytes | None = None) -> bytes:
        return gpg(self.home, *args, input=input)

    def secret_armored(self) -> str:
        extra = ["--pinentry-mode", "loopback", "--passphrase", self.passphrase or ""]
        return self.gpg(*extra, "--armor", "--export-secret-keys", self.fingerprint).decode()

    def public_keyring(self, path: Path) -> Path:
        """A legacy binary keyring, the format `helm verify --keyring` reads."""
        path.write_bytes(self.gpg("--export", self.fingerprint))
        return path


def gpg(home: Path, *args: str, input: bytes | None = None) -> bytes:
    env = {**os.environ, "GNUPGHOME": str(home)}
    proc = subprocess.run(
        ["gpg", "--batch", "--yes", "--no-tty", *args], input=input, env=env, capture_output=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"gpg {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
    return proc.stdout


def make_key(
    home: Path, uid: str, *, passphrase: str | None = None, faked_time: str | None = None, expire: str = "1y"
) -> GpgKey:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    args = ["--pinentry-mode", "loopback", "--passphrase", passphrase or ""]
    if faked_time:
        args += ["--faked-system-time", faked_time]
    gpg(home, *args, "--quick-gen-key", uid, "ed25519", "sign", expire)
    listing = gpg(home, "--with-colons", "--list-secret-keys", uid).decode()
    fingerprint = next(line.split(":")[9] for line in listing.splitlines() if line.startswith("fpr:"))
    return GpgKey(home, uid, fingerprint, passphrase)


def revoke(key: GpgKey) -> None:
    """Import the revocation certificate GnuPG wrote at key creation."""
    cert = (key.home / "openpgp-revocs.d" / f"{key.fingerprint}.rev").read_text()
    cert = cert.replace(":-----BEGIN PGP PUBLIC KEY BLOCK-----", "-----BEGIN PGP PUBLIC KEY BLOCK-----")
    key.gpg("--import", input=cert.encode())


def stop_agent(home: Path) -> None:
    subprocess.run(["gpgconf", "--homedir", str(home), "--kill", "all"], capture_output=True, check=False)
