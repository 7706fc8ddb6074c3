"""The scanner, error values, list/map helpers and key-path walking shared by the ``--set`` parsers.

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
    "PathParser",
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


class PathParser:
    """What Helm's two parsers (``parser.go``, ``literal_parser.go``) do alike, branch for branch:
    the expression loop, ``key.sub`` maps, ``key[i]`` lists, and maps or lists inside lists.

    A subclass reads one key (:meth:`_key`, whose stop runes differ) and what follows an
    ``=`` inside a list (:meth:`item_value`); ``escapes`` says whether ``\\`` escapes.
    """

    escapes = True

    def __init__(self, text: str, data: dict[str, Any]) -> None:
        self.sc = Scanner(text)
        self.data = data

    def parse(self) -> None:
        while True:
            err = self.key(self.data, 0)
            if err is None:
                continue
            if err is EOF:
                return
            raise err

    def key(self, data: dict[str, Any], level: int) -> Err:
        try:
            return self._key(data, level)
        except Panic as exc:
            return StrvalsError(f"unable to parse key: {exc}")

    def _key(self, data: dict[str, Any], level: int) -> Err:
        raise NotImplementedError

    def item_value(self, lst: list[Any], i: int) -> tuple[list[Any], Err]:
        raise NotImplementedError

    def key_map(self, data: dict[str, Any], k: str, level: int) -> Err:
        """``k.``: the rest of the key goes into the map at ``k``."""
        level += 1
        if level > MAX_NESTED_NAME_LEVEL:
            return StrvalsError(
                "value name nested level is greater than maximum supported nested level of "
                f"{MAX_NESTED_NAME_LEVEL}"
            )
        inner = existing_map(data, k)
        err = self.key(inner, level)
        if err is None and not inner:
            return StrvalsError(f"key map {quote(k)} has no value")
        if inner:
            set_key(data, k, inner)
        return err

    def key_list(self, data: dict[str, Any], k: str, level: int) -> Err:
        """``k[``: an index, then the list item it names."""
        index, err = self.key_index()
        if err is not None:
            return wrap("error parsing index", err)
        lst = existing_list(data, k)
        lst, err = self.list_item(lst, index, level)
        set_key(data, k, lst)
        return err

    def key_index(self) -> tuple[int, Err]:
        text, last = self.sc.until("]", escapes=self.escapes)
        if last is None:
            return 0, EOF
        index = atoi(text)
        if index is None:
            return 0, StrvalsError(f'strconv.Atoi: parsing "{text}": invalid syntax')
        return index, None

    def list_item(self, lst: list[Any], i: int, level: int) -> tuple[list[Any], Err]:  # noqa: PLR0911 (mirrors Helm)
        if i < 0:
            return lst, StrvalsError(f"negative {i} index not allowed")
        k, last = self.sc.until("[.=", escapes=self.escapes)
        if k:
            return lst, StrvalsError(f"unexpected data at end of array index: {quote(k)}")
        if last is None:
            return lst, EOF
        if last == "=":
            return self.item_value(lst, i)
        if last == "[":
            return self._item_list(lst, i, level)
        inner: dict[str, Any] = {}
        if len(lst) > i:
            existing = lst[i]
            if not isinstance(existing, dict):
                existing = lst[i] = {}
            inner = existing
        err = self.key(inner, level)
        if err is not None:
            return lst, err
        return set_index(lst, i, inner)

    def _item_list(self, lst: list[Any], i: int, level: int) -> tuple[list[Any], Err]:
        nxt, err = self.key_index()
        if err is not None:
            return lst, wrap("error parsing index", err)
        current: list[Any] = []
        if len(lst) > i and lst[i] is not None:
            if not isinstance(lst[i], list):
                raise Panic(
                    f"interface conversion: interface {{}} is {go_type(lst[i])}, not []interface {{}}"
                )
            current = lst[i]
        inner, err = self.list_item(current, nxt, level)
        if err is not None:
            return lst, err
        return set_index(lst, i, inner)
