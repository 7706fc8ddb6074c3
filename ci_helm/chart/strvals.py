"""Helm's ``--set`` family syntax (``pkg/strvals``), parsed in Python with Helm's exact semantics.

``name1=value1,name2.sub=value2,list[0]=a,arr={a,b}``. Keys split on ``.`` and ``[i]``;
``\\`` escapes the next character; ``{a,b}`` is a list; ``--set`` infers types (int64,
true/false, null) while ``--set-string`` keeps strings; ``--set-json`` values are JSON;
``--set-literal`` takes everything after the first ``=`` verbatim; ``--set-file`` reads
each value from a file. The parser mirrors Helm's control flow on purpose, including
its corner cases (``a.`` sets nothing, ``a[0]`` makes an empty list, ``a={}`` is
``[""]``), because users' existing command lines depend on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ci_helm.chart import gojson

__all__ = ["MAX_INDEX", "MAX_NESTED_NAME_LEVEL", "StrvalsError", "parse_into", "typed_value"]

MAX_INDEX = 65536
MAX_NESTED_NAME_LEVEL = 30

ValueReader = Callable[[str], Any]


class StrvalsError(ValueError):
    """A malformed expression (the caller adds which flag and expression)."""


class _Eof(Exception):
    """End of input: Helm treats it as a clean stop, not an error."""


class _NotList(Exception):
    pass


_EOF = _Eof()
Err = Exception | None  # Go-style error return: None, _EOF or a StrvalsError


class _Panic(Exception):
    """A Go type assertion that would panic (a path crossing a value of another type)."""


class _Scanner:
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


def typed_value(text: str, *, as_string: bool) -> Any:  # noqa: PLR0911 (mirrors Helm)
    """``--set`` type inference: true/false/null (case-folded), int64 without a leading 0."""
    if as_string:
        return text
    folded = _go_fold(text)
    if folded == "true":
        return True
    if folded == "false":
        return False
    if folded == "null":
        return None
    if text == "0":
        return 0
    if text and text[0] != "0":
        parsed = _go_parse_int64(text)
        if parsed is not None:
            return parsed
    return text


def _go_fold(text: str) -> str | None:
    """Go's strings.EqualFold against ASCII words: only U+017F and U+212A fold into ASCII."""
    mapped = text.translate({0x17F: "s", 0x212A: "k"})
    return mapped.lower() if mapped.isascii() else None


def _go_parse_int64(text: str) -> int | None:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(1 << 63) <= value < (1 << 63) else None


def _wrap(context: str, err: Exception) -> Exception:
    """Go's ``fmt.Errorf("%s: %w")``: a wrapped EOF is still EOF to ``errors.Is``."""
    return err if err is _EOF else StrvalsError(f"{context}: {err}")


def _set(data: dict[str, Any], key: str, value: Any) -> None:
    if key:
        data[key] = value


def _set_index(lst: list[Any], index: int, value: Any) -> tuple[list[Any], Err]:
    if index < 0:
        return lst, StrvalsError(f"negative {index} index not allowed")
    if index > MAX_INDEX:
        return lst, StrvalsError(f"index of {index} is greater than maximum supported index of {MAX_INDEX}")
    if len(lst) <= index:
        lst = lst + [None] * (index + 1 - len(lst))
    lst[index] = value
    return lst, None


def _atoi(text: str) -> int | None:
    body = text[1:] if text[:1] in "+-" else text
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = int(text)
    return value if -(1 << 63) <= value < (1 << 63) else None


class _Parser:
    """A port of Helm's ``parser`` type; methods return Go-style errors rather than raise.

    The branches follow Go's switch statements one for one (hence many returns), so a
    reader can check them against pkg/strvals/parser.go.
    """

    def __init__(self, text: str, data: dict[str, Any], reader: ValueReader | None, *, json: bool) -> None:
        self.sc = _Scanner(text)
        self.data = data
        self.reader = reader
        self.json = json

    def parse(self) -> None:
        while True:
            err = self.key(self.data, 0)
            if err is None:
                continue
            if err is _EOF:
                return
            raise err

    def key(self, data: dict[str, Any], level: int) -> Err:
        try:
            return self._key(data, level)
        except _Panic as exc:
            return StrvalsError(f"unable to parse key: {exc}")

    def _key(self, data: dict[str, Any], level: int) -> Err:  # noqa: PLR0911 (mirrors Helm)
        k, last = self.sc.until("=[,.")
        if last is None:
            return _EOF if not k else StrvalsError(f"key {_q(k)} has no value")
        if last == "[":
            return self._key_list(data, k, level)
        if last == "=":
            return self._key_value(data, k)
        if last == ",":
            _set(data, k, "")
            return StrvalsError(f"key {_q(k)} has no value (cannot end with ,)")
        level += 1
        if level > MAX_NESTED_NAME_LEVEL:
            return StrvalsError(
                "value name nested level is greater than maximum supported nested level of "
                f"{MAX_NESTED_NAME_LEVEL}"
            )
        inner = _existing_map(data, k)
        err = self.key(inner, level)
        if err is None and not inner:
            return StrvalsError(f"key map {_q(k)} has no value")
        if inner:
            _set(data, k, inner)
        return err

    def _key_list(self, data: dict[str, Any], k: str, level: int) -> Err:
        index, err = self.key_index()
        if err is not None:
            return _wrap("error parsing index", err)
        lst = _existing_list(data, k)
        lst, err = self.list_item(lst, index, level)
        _set(data, k, lst)
        return err

    def _key_value(self, data: dict[str, Any], k: str) -> Err:
        if self.json:
            value, err = self.json_value()
            if err is not None and err is not _EOF:
                return err
            _set(data, k, value)
            return None if err is _EOF else self.skip_separator()
        values, err = self.val_list()
        if err is None:
            _set(data, k, values)
            return None
        if err is _EOF:
            _set(data, k, "")
            return err
        if not isinstance(err, _NotList):
            return err
        raw, _ = self.val()
        value, err = self.read_value(raw)
        _set(data, k, value)
        return err

    def key_index(self) -> tuple[int, Err]:
        text, last = self.sc.until("]")
        if last is None:
            return 0, _EOF
        index = _atoi(text)
        if index is None:
            return 0, StrvalsError(f'strconv.Atoi: parsing "{text}": invalid syntax')
        return index, None

    def list_item(self, lst: list[Any], i: int, level: int) -> tuple[list[Any], Err]:  # noqa: PLR0911 (mirrors Helm)
        if i < 0:
            return lst, StrvalsError(f"negative {i} index not allowed")
        k, last = self.sc.until("[.=")
        if k:
            return lst, StrvalsError(f"unexpected data at end of array index: {_q(k)}")
        if last is None:
            return lst, _EOF
        if last == "=":
            return self._item_value(lst, i)
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
        return _set_index(lst, i, inner)

    def _item_value(self, lst: list[Any], i: int) -> tuple[list[Any], Err]:  # noqa: PLR0911 (mirrors Helm)
        if self.json:
            value, err = self.json_value()
            if err is _EOF:
                return _set_index(lst, i, None)
            if err is not None:
                return lst, err
            lst, err = _set_index(lst, i, value)
            return (lst, err) if err is not None else (lst, self.skip_separator())
        values, err = self.val_list()
        if err is None:
            return _set_index(lst, i, values)
        if err is _EOF:
            return _set_index(lst, i, "")
        if not isinstance(err, _NotList):
            return lst, err
        raw, _ = self.val()
        value, err = self.read_value(raw)
        if err is not None:
            return lst, err
        return _set_index(lst, i, value)

    def _item_list(self, lst: list[Any], i: int, level: int) -> tuple[list[Any], Err]:
        nxt, err = self.key_index()
        if err is not None:
            return lst, _wrap("error parsing index", err)
        current: list[Any] = []
        if len(lst) > i and lst[i] is not None:
            if not isinstance(lst[i], list):
                raise _Panic(
                    f"interface conversion: interface {{}} is {_go_type(lst[i])}, not []interface {{}}"
                )
            current = lst[i]
        inner, err = self.list_item(current, nxt, level)
        if err is not None:
            return lst, err
        return _set_index(lst, i, inner)

    def json_value(self) -> tuple[Any, Err]:
        """An empty value is null (signalled as _EOF); otherwise one JSON document is consumed."""
        if self.empty_val():
            return None, _EOF
        try:
            value, length = gojson.decode_prefix(self.sc.rest())
        except gojson.GoJsonError as exc:
            return None, StrvalsError(str(exc))
        self.sc.pos += length
        return value, None

    def skip_separator(self) -> Err:
        self.empty_val()
        return None

    def empty_val(self) -> bool:
        while True:
            ch = self.sc.read()
            if ch is None or ch == ",":
                return True
            if not _go_isspace(ch):
                self.sc.unread()
                return False

    def val(self) -> tuple[str, Err]:
        text, last = self.sc.until(",")
        return text, (_EOF if last is None else None)

    def val_list(self) -> tuple[list[Any], Err]:
        ch = self.sc.read()
        if ch is None:
            return [], _EOF
        if ch != "{":
            self.sc.unread()
            return [], _NotList()
        out: list[Any] = []
        while True:
            text, last = self.sc.until(",}")
            if last is None:
                return out, StrvalsError("list must terminate with '}'")
            if last == "}":
                nxt = self.sc.read()
                if nxt is not None and nxt != ",":
                    self.sc.unread()
                value, err = self.read_value(text)
                out.append(value)
                return out, err
            value, err = self.read_value(text)
            if err is not None:
                return out, err
            out.append(value)

    def read_value(self, text: str) -> tuple[Any, Err]:
        assert self.reader is not None
        try:
            return self.reader(text), None
        except StrvalsError as exc:
            return None, exc


def _existing_map(data: dict[str, Any], key: str) -> dict[str, Any]:
    if key not in data:
        return {}
    value = data[key]
    if not isinstance(value, dict):
        raise _Panic(
            f"interface conversion: interface {{}} is {_go_type(value)}, not map[string]interface {{}}"
        )
    return value


def _existing_list(data: dict[str, Any], key: str) -> list[Any]:
    if key not in data:
        return []
    value = data[key]
    if not isinstance(value, list):
        raise _Panic(f"interface conversion: interface {{}} is {_go_type(value)}, not []interface {{}}")
    return value


def _go_type(value: Any) -> str:
    names = {bool: "bool", int: "int64", float: "float64", str: "string", dict: "map[string]interface {}"}
    if value is None:
        return "nil"
    if isinstance(value, list):
        return "[]interface {}"
    return names.get(type(value), type(value).__name__)


def _go_isspace(ch: str) -> bool:
    if ord(ch) < 0x100:
        return ch in "\t\n\v\f\r \x85\xa0"
    return ch.isspace()


def _q(text: str) -> str:
    return gojson.go_quote(text)


def parse_into(
    expression: str,
    dest: dict[str, Any],
    *,
    kind: str = "set",
    read_file: Callable[[str], str] | None = None,
) -> None:
    """Parse one expression into ``dest`` (in place). ``kind``: set, string, json or file.

    Raises :class:`StrvalsError` for a malformed expression; ``dest`` may then hold part of it.
    """
    reader: ValueReader | None
    if kind == "json":
        reader = None
    elif kind == "file":
        if read_file is None:
            raise ValueError("read_file is required for --set-file")
        reader = read_file
    else:
        as_string = kind == "string"

        def reader(text: str) -> Any:
            return typed_value(text, as_string=as_string)

    try:
        _Parser(expression, dest, reader, json=kind == "json").parse()
    except RecursionError:
        raise StrvalsError("expression nests too deeply") from None
