"""JSON decoding with Go's ``encoding/json`` semantics, as Helm applies them to values.

Go decodes every number into a float64 (so integers past 2**53 lose precision), rejects
NaN/Infinity, and its streaming decoder stops after one value where Python's regex-based
scanner would silently back off (``1.`` is an error in Go, ``1`` then ``.`` in Python).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["GoJsonError", "decode_document", "decode_prefix", "go_number", "go_quote"]

_WHITESPACE = " \t\r\n"
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?")
_FLOAT_EXACT = 1 << 53


class GoJsonError(ValueError):
    pass


def go_number(text: str) -> int | float:
    """A JSON number as Go's float64 holds it, kept an int when that is exact."""
    value = float(text)
    if not math.isfinite(value):
        raise GoJsonError(f"json: cannot unmarshal number {text} into Go value of type float64")
    if value.is_integer() and abs(value) < _FLOAT_EXACT:
        return int(value)
    return value


def _reject_constant(name: str) -> Any:
    raise GoJsonError(f"invalid character {go_quote(name[0])[1:-1]!r} looking for beginning of value")


_DECODER = json.JSONDecoder(parse_float=go_number, parse_int=go_number, parse_constant=_reject_constant)


def decode_prefix(text: str) -> tuple[Any, int]:
    """Decode the first JSON value of ``text``; returns it and how many characters it used."""
    start = len(text) - len(text.lstrip(_WHITESPACE))
    if start == len(text):
        raise GoJsonError("unexpected end of JSON input")
    try:
        value, end = _DECODER.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise GoJsonError(_message(exc)) from None
    if text[start] in "-0123456789":
        _check_number_end(text, start, end)
    return value, end


def decode_document(text: str) -> Any:
    """``json.Unmarshal`` of a whole document: one value, nothing but whitespace after it."""
    value, end = decode_prefix(text)
    if text[end:].strip(_WHITESPACE):
        raise GoJsonError(f"invalid character {text[end:].lstrip(_WHITESPACE)[0]!r} after top-level value")
    return value


def _check_number_end(text: str, start: int, end: int) -> None:
    """Go's scanner commits to a fraction or exponent as soon as it sees ``.`` or ``e``."""
    match = _NUMBER.match(text, start)
    assert match is not None and match.end() == end
    nxt = text[end : end + 1]
    has_fraction, has_exponent = match.group(1) is not None, match.group(2) is not None
    if (not has_fraction and not has_exponent and nxt and nxt in ".eE") or (
        has_fraction and not has_exponent and nxt and nxt in "eE"
    ):
        raise GoJsonError(f"invalid character after {text[start : end + 1]!r} in numeric literal")


def _message(exc: json.JSONDecodeError) -> str:
    return f"{exc.msg} at offset {exc.pos}"


def go_quote(text: str) -> str:
    """Go's ``%q`` for a string (error messages name keys the way Helm does)."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif not ch.isprintable():
            code = ord(ch)
            out.append(
                f"\\x{code:02x}"
                if code < 0x80
                else (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
            )
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)
