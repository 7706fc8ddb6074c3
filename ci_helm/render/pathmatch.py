"""Go's ``path/filepath.Match`` (Unix), which ``--show-only`` patterns use.

Unlike :mod:`fnmatch`, ``*`` and ``?`` never match ``/``, ``[^...]`` negates, ``\\`` escapes,
and a malformed pattern matches nothing (Helm ignores ``ErrBadPattern``).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["go_match"]


def go_match(pattern: str, name: str) -> bool:
    compiled = _compile(pattern)
    return compiled is not None and compiled.fullmatch(name) is not None


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str] | None:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 == len(pattern):
                return None
            i += 1
            out.append(re.escape(pattern[i]))
        elif ch == "[":
            end, cls = _char_class(pattern, i + 1)
            if cls is None:
                return None
            out.append(cls)
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out), re.DOTALL)


def _char_class(pattern: str, i: int) -> tuple[int, str | None]:
    """Parse ``[...]`` starting after ``[``; returns (index of ``]``, regex class)."""
    negate = i < len(pattern) and pattern[i] == "^"
    if negate:
        i += 1
    ranges: list[str] = []
    first = True
    while i < len(pattern) and (pattern[i] != "]" or first):
        if pattern[i] == "]" and first:
            return i, None  # Go: an empty class is a bad pattern
        first = False
        lo, i = _class_char(pattern, i)
        if lo is None:
            return i, None
        if i < len(pattern) and pattern[i] == "-":
            hi, i = _class_char(pattern, i + 1)
            if hi is None or hi < lo:
                return i, None
            ranges.append(f"{re.escape(lo)}-{re.escape(hi)}")
        else:
            ranges.append(re.escape(lo))
    if i >= len(pattern):
        return i, None
    body = "".join(ranges)
    return i, (f"[^/{body}]" if negate else f"(?!/)[{body}]")


def _class_char(pattern: str, i: int) -> tuple[str | None, int]:
    if i >= len(pattern) or pattern[i] in "-]":
        return None, i
    if pattern[i] == "\\":
        i += 1
        if i >= len(pattern):
            return None, i
    return pattern[i], i + 1
