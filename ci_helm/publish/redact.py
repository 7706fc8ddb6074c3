"""Keeping secrets out of everything ci-helm prints: URLs lose their userinfo, known secrets vanish."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Redactor", "display_url"]

MASK = "***"


def display_url(url: str) -> str:
    """``url`` without ``user:password@`` and without a query string (signed URLs carry tokens)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, host, parts.path, "", parts.fragment))


class Redactor:
    """Replaces every known secret value (and its URL-quoted form) in a text."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        from urllib.parse import quote

        values = {s for s in secrets if s and len(s) >= 3}
        values |= {quote(s, safe="") for s in values}
        self.secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text
