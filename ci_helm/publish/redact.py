"""Keeping secrets out of everything ci-helm prints: URLs lose their userinfo, known secrets vanish."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

__all__ = ["RedactingFilter", "Redactor", "display_url", "redacted_logging"]

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


class RedactingFilter(logging.Filter):
    """Masks secrets in log records (botocore's debug log prints request headers, session tokens too)."""

    def __init__(self, redact: Redactor) -> None:
        super().__init__()
        self.redact = redact

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


@contextmanager
def redacted_logging(redact: Redactor) -> Iterator[None]:
    """While active, every handler of the root logger masks the secrets ``redact`` knows."""
    handlers = list(logging.getLogger().handlers)
    log_filter = RedactingFilter(redact)
    for handler in handlers:
        handler.addFilter(log_filter)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(log_filter)
