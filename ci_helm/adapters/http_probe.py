"""Small HTTP reads for lint: a URL's status code (maintainer accounts) and a text document (index.yaml)."""

from __future__ import annotations

from pathlib import Path

from ci_helm.errors import UsageError

__all__ = ["fetch_text", "head_status"]

_TIMEOUT = 10.0
_MAX_BYTES = 64 * 1024 * 1024


def head_status(url: str) -> int:
    """The status code of ``HEAD url`` (redirects followed); network errors raise."""
    import requests

    response = requests.head(url, allow_redirects=True, timeout=_TIMEOUT)
    return int(response.status_code)


def fetch_text(location: str) -> str:
    """An http(s) URL's body or a local file's text (an index.yaml), size-limited."""
    if location.startswith(("http://", "https://")):
        import requests

        try:
            response = requests.get(location, timeout=_TIMEOUT * 3)
        except requests.RequestException as exc:
            raise UsageError(f"--index {location}: {type(exc).__name__}: {exc}") from None
        if response.status_code != 200:
            raise UsageError(f"--index {location}: HTTP {response.status_code}")
        if len(response.content) > _MAX_BYTES:
            raise UsageError(f"--index {location}: over {_MAX_BYTES} bytes")
        return response.text
    path = Path(location)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--index {location}: {exc.strerror or exc}") from None
