"""HTTP downloads (repository indexes and chart archives) with per-host credentials."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests

from ci_helm.errors import CiHelmError

__all__ = ["Credential", "HttpFetcher", "parse_credentials"]

MAX_DOWNLOAD_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Credential:
    username: str | None = None
    password: str | None = None
    token: str | None = None  # bearer


def parse_credentials(items: list[str]) -> dict[str, Credential]:
    """``HOST=USER:PASSWORD`` (basic auth) or ``HOST=TOKEN`` (bearer) per item."""
    out: dict[str, Credential] = {}
    for item in items:
        host, sep, secret = item.partition("=")
        if not sep or not host or not secret:
            raise CiHelmError("repo-auth entries look like HOST=USER:PASSWORD or HOST=TOKEN")
        user, colon, password = secret.partition(":")
        out[host.strip().lower()] = Credential(user, password) if colon else Credential(token=secret)
    return out


class HttpFetcher:
    """GET with a timeout, a size limit and the credentials of the URL's host (never logged)."""

    def __init__(self, credentials: Mapping[str, Credential] | None = None, *, timeout: float = 60.0) -> None:
        self._credentials = dict(credentials or {})
        self._timeout = timeout
        self._session = requests.Session()

    def get(self, url: str) -> bytes:
        parts = urlsplit(url)
        headers: dict[str, str] = {"User-Agent": "ci-helm"}
        auth = None
        cred = self._credentials.get((parts.hostname or "").lower()) or self._credentials.get(
            parts.netloc.lower()
        )
        if cred is not None and cred.token:
            headers["Authorization"] = f"Bearer {cred.token}"
        elif cred is not None:
            auth = (cred.username or "", cred.password or "")
        try:
            with self._session.get(
                url, headers=headers, auth=auth, timeout=self._timeout, stream=True
            ) as resp:
                if resp.status_code != 200:
                    raise CiHelmError(f"GET {_safe(url)}: HTTP {resp.status_code}")
                return _read_limited(resp, url)
        except requests.RequestException as exc:
            raise CiHelmError(f"GET {_safe(url)}: {type(exc).__name__}") from None


def _read_limited(resp: requests.Response, url: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    for chunk in resp.iter_content(1 << 16):
        total += len(chunk)
        if total > MAX_DOWNLOAD_BYTES:
            raise CiHelmError(f"GET {_safe(url)}: response over {MAX_DOWNLOAD_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _safe(url: str) -> str:
    """The URL without userinfo, so credentials never reach a message."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return parts._replace(netloc=host, query="").geturl()
