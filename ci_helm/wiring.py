"""The one composition module: real adapters built from resolved settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from ci_helm.adapters.gpg import GnupgKeyring, KeySource
from ci_helm.errors import ConfigError
from ci_helm.settings import Settings

__all__ = ["key_source", "signing_keyring", "verifying_keyring"]

# --- package / sign / verify (helper "package") ---------------------------------------------


def key_source(settings: Settings) -> KeySource:
    """Where the signing key and its passphrase come from (env, file or an existing GNUPGHOME)."""
    passphrase = settings.get("sign-passphrase")
    passphrase_file = settings.get("sign-passphrase-file")
    if passphrase is None and passphrase_file:
        passphrase = _first_line(Path(passphrase_file))
    key_file = settings.get("sign-key-file")
    home = settings.get("sign-gnupghome")
    source = KeySource(
        armored_key=settings.get("sign-key") or None,
        key_file=Path(key_file) if key_file else None,
        gnupghome=Path(home) if home else None,
        passphrase=passphrase,
        key_id=settings.get("sign-key-id") or None,
    )
    if not (source.armored_key or source.key_file or source.gnupghome):
        raise ConfigError(
            "signing needs a key: set CI_HELM_SIGN_KEY (armored key), --sign-key-file or --sign-gnupghome"
        )
    return source


def signing_keyring(settings: Settings) -> GnupgKeyring:
    return GnupgKeyring.for_signing(key_source(settings))


def verifying_keyring(settings: Settings, environ: Mapping[str, str]) -> GnupgKeyring:
    """The keyring named by --keyring, else GNUPGHOME (as helm verify uses ~/.gnupg)."""
    keyring = settings.get("keyring")
    if keyring:
        return GnupgKeyring.for_verifying(Path(keyring), None)
    home = settings.get("verify-gnupghome") or environ.get("GNUPGHOME")
    default = Path(environ.get("HOME", "~")).expanduser() / ".gnupg"
    return GnupgKeyring.for_verifying(None, Path(home) if home else default)


def _first_line(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").splitlines()[0] if path.stat().st_size else ""
    except OSError as exc:
        raise ConfigError(f"cannot read passphrase file: {exc.strerror or exc}", path=path) from None
