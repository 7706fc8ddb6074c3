"""The one composition module: real adapters built from resolved settings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ci_helm.adapters.gpg import GnupgKeyring, KeySource
from ci_helm.errors import ConfigError
from ci_helm.settings import Settings

if TYPE_CHECKING:
    from ci_helm.publish.indexed import Hooks
    from ci_helm.publish.protocols import Publisher
    from ci_helm.publish.targets import TargetOptions

__all__ = ["key_source", "publisher", "signing_keyring", "target_options", "verifying_keyring"]

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


# --- release / repo serve|reindex|prune (helper "release") -----------------------------------


def publisher(url: str, settings: Settings, hooks: Hooks | None = None) -> Publisher:
    """The publisher for one target URL (``file://``, ``s3://``, ``oci://``...), adapters built lazily."""
    from ci_helm.publish.targets import build_publisher

    return build_publisher(url, target_options(settings), hooks)


def target_options(settings: Settings) -> TargetOptions:
    from ci_helm.publish.targets import TargetOptions

    get = settings.get
    return TargetOptions(
        base_url=get("url"),
        endpoint_url=get("endpoint-url"),
        region=get("region"),
        path_style=bool(get("path-style")),
        aws_access_key_id=get("aws-access-key-id"),
        aws_secret_access_key=get("aws-secret-access-key"),
        aws_session_token=get("aws-session-token"),
        gcs_token=get("gcs-token"),
        gcs_endpoint=get("gcs-endpoint") or "https://storage.googleapis.com",
        username=get("username"),
        password=get("password"),
        token=get("token"),
        plain_http=bool(get("plain-http")),
        github_token=get("github-token"),
        api_url=get("api-url") or "https://api.github.com",
        release_name_template=get("release-name-template") or "{name}-{version}",
        pages_branch=get("pages-branch") or "gh-pages",
        pages_remote=get("pages-remote"),
        commitish=get("commitish"),
        timeout=float(get("request-timeout") or 60.0),
    )
