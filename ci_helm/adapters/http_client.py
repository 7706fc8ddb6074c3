"""One ``requests`` session per target with auth, timeouts and one-line, secret-free errors."""

from __future__ import annotations

from typing import Any

import requests

from ci_helm.errors import ConfigError, PublishError

__all__ = ["HttpClient"]


class HttpClient:
    def __init__(self, description: str, *, timeout: float, headers: dict[str, str] | None = None) -> None:
        self.description = description
        self.timeout = timeout
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": "ci-helm", **(headers or {})})

    def request(
        self, method: str, url: str, *, ok: tuple[int, ...] = (200,), **kwargs: Any
    ) -> requests.Response:
        """Send; statuses in ``ok`` are returned, 401/403 become a credentials error, others one line."""
        try:
            reply = self.session.request(method, url, timeout=self.timeout, allow_redirects=True, **kwargs)
        except requests.ConnectionError:
            raise PublishError("cannot reach the server", path=self.description) from None
        except requests.Timeout:
            raise PublishError(f"no answer within {self.timeout:g}s", path=self.description) from None
        except requests.RequestException as exc:
            raise PublishError(f"request failed: {type(exc).__name__}", path=self.description) from None
        if reply.status_code in ok:
            return reply
        if reply.status_code in (401, 403):
            raise ConfigError(
                f"authentication failed (HTTP {reply.status_code}); check the credentials",
                path=self.description,
            )
        raise PublishError(
            f"{method} {_path(url)} answered HTTP {reply.status_code}{_reason(reply)}", path=self.description
        )


def _path(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).path or "/"


def _reason(reply: requests.Response) -> str:
    """The server's own one-line reason, when it gives one as JSON ``error``/``message``."""
    try:
        body = reply.json()
    except ValueError:
        return ""
    message = body.get("error") or body.get("message") if isinstance(body, dict) else None
    return f": {' '.join(str(message).split())[:200]}" if message else ""
