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
from ci_helm.chart.strvals_base import (
    EOF,
    MAX_INDEX,
    MAX_NESTED_NAME_LEVEL,
    Err,
    NotList,
    PathParser,
    StrvalsError,
    ValueReader,
    go_isspace,
    quote,
    set_index,
    set_key,
)

__all__ = ["MAX_INDEX", "MAX_NESTED_NAME_LEVEL", "StrvalsError", "parse_into", "typed_value"]


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


class _Parser(PathParser):
    """A port of Helm's ``parser`` type; methods return Go-style errors rather than raise.

    The branches follow Go's switch statements one for one (hence many returns), so a
    reader can check them against pkg/strvals/parser.go.
    """

    def __init__(self, text: str, data: dict[str, Any], reader: ValueReader | None, *, json: bool) -> None:
        super().__init__(text, data)
        self.reader = reader
        self.json = json

    def _key(self, data: dict[str, Any], level: int) -> Err:
        k, last = self.sc.until("=[,.")
        if last is None:
            return EOF if not k else StrvalsError(f"key {quote(k)} has no value")
        if last == "[":
            return self.key_list(data, k, level)
        if last == "=":
            return self._key_value(data, k)
        if last == ",":
            set_key(data, k, "")
            return StrvalsError(f"key {quote(k)} has no value (cannot end with ,)")
        return self.key_map(data, k, level)

    def _key_value(self, data: dict[str, Any], k: str) -> Err:
        if self.json:
            value, err = self.json_value()
            if err is not None and err is not EOF:
                return err
            set_key(data, k, value)
            return None if err is EOF else self.skip_separator()
        values, err = self.val_list()
        if err is None:
            set_key(data, k, values)
            return None
        if err is EOF:
            set_key(data, k, "")
            return err
        if not isinstance(err, NotList):
            return err
        raw, _ = self.val()
        value, err = self.read_value(raw)
        set_key(data, k, value)
        return err

    def item_value(self, lst: list[Any], i: int) -> tuple[list[Any], Err]:  # noqa: PLR0911 (mirrors Helm)
        if self.json:
            value, err = self.json_value()
            if err is EOF:
                return set_index(lst, i, None)
            if err is not None:
                return lst, err
            lst, err = set_index(lst, i, value)
            return (lst, err) if err is not None else (lst, self.skip_separator())
        values, err = self.val_list()
        if err is None:
            return set_index(lst, i, values)
        if err is EOF:
            return set_index(lst, i, "")
        if not isinstance(err, NotList):
            return lst, err
        raw, _ = self.val()
        value, err = self.read_value(raw)
        if err is not None:
            return lst, err
        return set_index(lst, i, value)

    def json_value(self) -> tuple[Any, Err]:
        """An empty value is null (signalled as EOF); otherwise one JSON document is consumed."""
        if self.empty_val():
            return None, EOF
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
            if not go_isspace(ch):
                self.sc.unread()
                return False

    def val(self) -> tuple[str, Err]:
        text, last = self.sc.until(",")
        return text, (EOF if last is None else None)

    def val_list(self) -> tuple[list[Any], Err]:
        ch = self.sc.read()
        if ch is None:
            return [], EOF
        if ch != "{":
            self.sc.unread()
            return [], NotList()
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
