"""Splitting a rendered template into YAML documents, exactly as Helm v4.2 does.

Port of ``SplitManifests`` (helm/helm ``pkg/release/v1/util/manifest.go`` at v4.2.3). Two
details matter for byte-identical output:

- the separator is the regular expression ``(?:^|\\s*\\n)---\\s*`` (Go's ``\\s`` is
  ``[\\t\\n\\f\\r ]``), so ``---apiVersion: v1`` splits too, and ``----`` leaves a ``-``;
- since Helm v4.2 (helm/helm#31952) documents are trimmed on the *left* only, so the last
  document of a file keeps its trailing newline (Helm 4.1 trimmed both sides).

Whitespace is Go's ``unicode.IsSpace``, which differs from ``str.isspace`` (Python also
counts the ASCII separators U+001C..U+001F).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["go_is_space", "go_trim_left", "go_trim_space", "split_manifests"]

_SEPARATOR = re.compile(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*")
_LATIN1_SPACE = frozenset("\t\n\v\f\r \x85\xa0")


def go_is_space(ch: str) -> bool:
    """Go's ``unicode.IsSpace``."""
    if ch < "\u0100":
        return ch in _LATIN1_SPACE
    return unicodedata.category(ch) in ("Zs", "Zl", "Zp")


def go_trim_left(text: str) -> str:
    i = 0
    while i < len(text) and go_is_space(text[i]):
        i += 1
    return text[i:]


def go_trim_space(text: str) -> str:
    end = len(text)
    while end > 0 and go_is_space(text[end - 1]):
        end -= 1
    return go_trim_left(text[:end])


def split_manifests(big_file: str) -> list[str]:
    """The YAML documents of one rendered file, in order, blank documents dropped."""
    docs = _SEPARATOR.split(go_trim_left(big_file))
    return [go_trim_left(d) for d in docs if go_trim_space(d) != ""]
