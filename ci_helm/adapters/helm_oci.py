"""OCI chart registries through helm_python (imported lazily: it is not fork-safe).

Credentials come by registry host from ci-helm's settings and are used through a
throwaway Helm registry config, never the user's. Registries on a loopback address
are spoken to over plain HTTP (local test and CI-service registries); all others over TLS.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ci_helm.adapters.http import Credential
from ci_helm.errors import CiHelmError

__all__ = ["HelmOciClient"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


class HelmOciClient:
    def __init__(self, credentials: Mapping[str, Credential] | None = None) -> None:
        self._credentials = dict(credentials or {})

    def _client(self, ref: str, config_dir: str) -> Any:
        from helm_python import registry

        parts = urlsplit(ref)
        host = parts.netloc
        plain = _loopback(ref)
        client = registry.RegistryClient(plain_http=plain, credentials_file=f"{config_dir}/config.json")
        cred = self._credentials.get((parts.hostname or "").lower()) or self._credentials.get(host.lower())
        if cred is not None:
            password = cred.token if cred.token else cred.password
            client.login(host, cred.username or "token", password or "", plain_http=plain)
        return client

    def tags(self, ref: str) -> list[str]:
        with tempfile.TemporaryDirectory(prefix="ci-helm-oci-") as tmp:
            try:
                return list(self._client(ref, tmp).tags(ref))
            except CiHelmError:
                raise
            except Exception as exc:  # helm_python raises its own error types
                raise CiHelmError(f"{ref}: cannot list tags: {_short(exc)}") from None

    def pull(self, ref: str, version: str) -> bytes:
        with tempfile.TemporaryDirectory(prefix="ci-helm-oci-") as tmp:
            try:
                self._client(ref, tmp).pull(ref, destination=tmp, version=version, plain_http=_loopback(ref))
            except Exception as exc:
                raise CiHelmError(f"{ref}:{version}: cannot pull: {_short(exc)}") from None
            archives = sorted(Path(tmp).glob("*.tgz"))
            if len(archives) != 1:
                raise CiHelmError(f"{ref}:{version}: the registry returned no chart archive")
            return archives[0].read_bytes()


def _loopback(ref: str) -> bool:
    return (urlsplit(ref).hostname or "") in _LOOPBACK


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
