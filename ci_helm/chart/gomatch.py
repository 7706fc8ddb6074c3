"""Go's ``path/filepath.Match`` on Unix, ported exactly: the glob of ``.helmignore`` rules
and of ``helm template --show-only``.

Unlike :mod:`fnmatch`, ``*`` and ``?`` never match ``/``, ``[^...]`` negates, ``\\`` escapes,
and a malformed pattern is :class:`BadPattern` (Go's ``ErrBadPattern``), even when the
match fails before reaching the malformed part.
"""

from __future__ import annotations

import functools
import re

__all__ = ["BadPattern", "glob_matches", "go_match"]


class BadPattern(ValueError):
    """Go's filepath.ErrBadPattern."""


def glob_matches(pattern: str, name: str) -> bool:
    """``filepath.Match`` with the error dropped, as Helm's callers do: a bad pattern matches nothing."""
    fast = _simple_regex(pattern)
    if fast is not None:
        return fast.fullmatch(name) is not None
    try:
        return go_match(pattern, name)
    except BadPattern:
        return False


@functools.lru_cache(maxsize=1024)
def _simple_regex(pattern: str) -> re.Pattern[str] | None:
    """A regex for patterns of literals, ``*`` and ``?`` only (the common case), else None.

    Such patterns are fixed-length chunks between stars, for which Go's leftmost matching
    and a regex agree; classes and escapes go through the exact port of ``filepath.Match``.
    """
    if "[" in pattern or "\\" in pattern:
        return None
    parts = ("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch) for ch in pattern)
    return re.compile("".join(parts), re.DOTALL)


def go_match(pattern: str, name: str) -> bool:
    """Go's ``path/filepath.Match`` on Unix (``*`` and ``?`` never match ``/``)."""
    while pattern:
        star, chunk, pattern = _scan_chunk(pattern)
        if star and not chunk:
            return "/" not in name
        rest, ok = _match_chunk(chunk, name)
        if ok and (not rest or pattern):
            name = rest
            continue
        skipped = _match_after_star(chunk, name, pattern) if star else None
        if skipped is not None:
            name = skipped
            continue
        while pattern:  # a failed match still validates the rest of the pattern
            _, chunk, pattern = _scan_chunk(pattern)
            _match_chunk(chunk, "")
        return False
    return not name


def _match_after_star(chunk: str, name: str, pattern: str) -> str | None:
    i = 0
    while i < len(name) and name[i] != "/":
        rest, ok = _match_chunk(chunk, name[i + 1 :])
        if ok and not (not pattern and rest):
            return rest
        i += 1
    return None


def _scan_chunk(pattern: str) -> tuple[bool, str, str]:
    star = False
    while pattern.startswith("*"):
        pattern, star = pattern[1:], True
    in_range, i = False, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 < len(pattern):
                i += 1
        elif ch == "[":
            in_range = True
        elif ch == "]":
            in_range = False
        elif ch == "*" and not in_range:
            break
        i += 1
    return star, pattern[:i], pattern[i:]


def _match_chunk(chunk: str, s: str) -> tuple[str, bool]:
    failed = False
    while chunk:
        if not failed and not s:
            failed = True
        head = chunk[0]
        if head == "[":
            r = ""
            if not failed:
                r, s = s[0], s[1:]
            chunk, matched = _match_class(chunk[1:], r)
            failed = failed or not matched
        elif head == "?":
            if not failed:
                failed = s[0] == "/"
                s = s[1:]
            chunk = chunk[1:]
        else:
            if head == "\\":
                chunk = chunk[1:]
                if not chunk:
                    raise BadPattern("syntax error in pattern")
            if not failed:
                failed = chunk[0] != s[0]
                s = s[1:]
            chunk = chunk[1:]
    return ("", False) if failed else (s, True)


def _match_class(chunk: str, r: str) -> tuple[str, bool]:
    negated = chunk.startswith("^")
    chunk = chunk[1:] if negated else chunk
    matched, count = False, 0
    while True:
        if chunk.startswith("]") and count > 0:
            chunk = chunk[1:]
            break
        lo, chunk = _get_escaped(chunk)
        hi = lo
        if chunk[0] == "-":
            hi, chunk = _get_escaped(chunk[1:])
        if r and lo <= r <= hi:
            matched = True
        count += 1
    return chunk, matched != negated


def _get_escaped(chunk: str) -> tuple[str, str]:
    if not chunk or chunk[0] in "-]":
        raise BadPattern("syntax error in pattern")
    if chunk[0] == "\\":
        chunk = chunk[1:]
        if not chunk:
            raise BadPattern("syntax error in pattern")
    rune, rest = chunk[0], chunk[1:]
    if not rest:
        raise BadPattern("syntax error in pattern")
    return rune, rest
