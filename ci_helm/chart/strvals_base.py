"""The scanner, error values and list/map helpers shared by the ``--set`` parsers.

Go-style control flow: functions return ``None``, :data:`EOF` (a clean end of input, which
Helm treats as success even when wrapped) or a :class:`StrvalsError`; :class:`Panic` stands
for a Go type assertion that would panic (Helm turns it into an error).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ci_helm.chart import gojson

__all__ = [
    "EOF",
    "MAX_INDEX",
    "MAX_NESTED_NAME_LEVEL",
    "Eof",
    "Err",
    "NotList",
    "Panic",
    "Scanner",
    "StrvalsError",
    "ValueReader",
    "atoi",
    "existing_list",
    "existing_map",
    "go_isspace",
    "go_type",
    "quote",
    "set_index",
    "set_key",
    "wrap",
]

MAX_INDEX = 65536
MAX_NESTED_NAME_LEVEL = 30

ValueReader = Callable[[str], Any]


class StrvalsError(ValueError):
    """A malformed expression (the caller adds which flag and expression)."""


class Eof(Exception):
    """End of input: Helm treats it as a clean stop, not an error."""


class NotList(Exception):
    pass


EOF = Eof()
Err = Exception | None  # Go-style error return: None, EOF or a StrvalsError


class Panic(Exception):
    """A Go type assertion that would panic (a path crossing a value of another type)."""


class Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def read(self) -> str | None:
        if self.pos >= len(self.text):
            return None
        ch = self.text[self.pos]
        self.pos += 1
        return ch

    def unread(self) -> None:
        self.pos -= 1

    def rest(self) -> str:
        return self.text[self.pos :]

    def until(self, stop: str, *, escapes: bool = True) -> tuple[str, str | None]:
        """Runes up to a stop rune (consumed); ``None`` as the stop means end of input."""
        out: list[str] = []
        while True:
            ch = self.read()
            if ch is None or ch in stop:
                return "".join(out), ch
            if escapes and ch == "\\":
                nxt = self.read()
                if nxt is None:
                    return "".join(out), None
                out.append(nxt)
            else:
                out.append(ch)


def wrap(context: str, err: Exception) -> Exception:
    """Go's ``fmt.Errorf("%s: %w")``: a wrapped EOF is still EOF to ``errors.Is``."""
    return err if err is EOF else StrvalsError(f"{context}: {err}")


def set_key(data: dict[str, Any], key: str, value: Any) -> None:
    if key:
        data[key] = value


def set_index(lst: list[Any], index: int, value: Any) -> tuple[list[Any], Err]:
    if index < 0:
        return lst, StrvalsError(f"negative {index} index not allowed")
    if index > MAX_INDEX:
        return lst, StrvalsError(f"index of {index} is greater than maximum supported index of {MAX_INDEX}")
    if len(lst) <= index:
        lst = lst + [None] * (index + 1 - len(lst))
    lst[index] = value
    return lst, None


def atoi(text: str) -> int | None:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(1 << 63) <= value < (1 << 63) else None


def existing_map(data: dict[str, Any], key: str) -> dict[str, Any]:
    if key not in data:
        return {}
    value = data[key]
    if not isinstance(value, dict):
        raise Panic(
            f"interface conversion: interface {{}} is {go_type(value)}, not map[string]interface {{}}"
        )
    return value


def existing_list(data: dict[str, Any], key: str) -> list[Any]:
    if key not in data:
        return []
    value = data[key]
    if not isinstance(value, list):
        raise Panic(f"interface conversion: interface {{}} is {go_type(value)}, not []interface {{}}")
    return value


def go_type(value: Any) -> str:
    names = {bool: "bool", int: "int64", float: "float64", str: "string", dict: "map[string]interface {}"}
    if value is None:
        return "nil"
    if isinstance(value, list):
        return "[]interface {}"
    return names.get(type(value), type(value).__name__)


def go_isspace(ch: str) -> bool:
    if ord(ch) < 0x100:
        return ch in "\t\n\v\f\r \x85\xa0"
    return ch.isspace()


def quote(text: str) -> str:
    return gojson.go_quote(text)
