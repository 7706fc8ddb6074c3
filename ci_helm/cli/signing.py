"""Signing settings shared by ``package --sign`` and ``sign`` (declared once, here)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ci_helm.cli.context import Context
from ci_helm.errors import UsageError
from ci_helm.settings import Setting, declare

__all__ = ["SIGN_SETTINGS", "VERIFY_SETTINGS", "expand_packages"]

SIGN_SETTINGS = declare(
    Setting("sign-key", "ASCII-armored private key (a CI secret)", secret=True),
    Setting("sign-key-file", "file holding the private key: ASCII-armored or a binary keyring"),
    Setting(
        "sign-gnupghome",
        "use this existing GNUPGHOME (GnuPG 2 .kbx included) instead of a throwaway one",
    ),
    Setting("sign-passphrase", "passphrase of the signing key", secret=True),
    Setting("sign-passphrase-file", "file whose first line is the passphrase of the signing key"),
    Setting("sign-key-id", "signing key to use: fingerprint, key id or a uid substring"),
)

VERIFY_SETTINGS = declare(
    Setting("keyring", "public keyring (binary or ASCII-armored) to verify against"),
    Setting("verify-gnupghome", "GNUPGHOME whose public keys verify when no --keyring is given"),
)


def expand_packages(ctx: Context, given: Sequence[str]) -> list[str]:
    """Package paths as given; a directory stands for the ``*.tgz`` in it (a CI package folder)."""
    out: list[str] = []
    for item in given:
        path = ctx.cwd / item
        if path.is_dir():
            found = sorted(p.name for p in path.glob("*.tgz"))
            if not found:
                raise UsageError(f"{item}: no .tgz packages in this directory")
            out.extend(str(Path(item) / name) for name in found)
        else:
            out.append(item)
    return out
