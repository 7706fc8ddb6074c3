"""``--set-literal``: Helm's literal parser (``pkg/strvals/literal_parser.go``).

Keys use the ``--set`` path syntax without escapes; the value is everything after the
first ``=``, verbatim (commas included), always a string.
"""

from __future__ import annotations

from typing import Any

from ci_helm.chart.strvals_base import (
    EOF,
    MAX_NESTED_NAME_LEVEL,
    Err,
    Panic,
    Scanner,
    StrvalsError,
    atoi,
    existing_list,
    existing_map,
    go_type,
    quote,
    set_index,
    set_key,
    wrap,
)

__all__ = ["parse_literal_into"]


class _LiteralParser:
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

    def _key(self, data: dict[str, Any], level: int) -> Err:  # noqa: PLR0911 (mirrors Helm)
        k, last = self.sc.until("=[.", escapes=False)
        if last is None:
            return EOF if not k else StrvalsError(f"key {quote(k)} has no value")
        if last == "=":
            set_key(data, k, self.rest())
            return None
        if last == ".":
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
        index, err = self.key_index()
        if err is not None:
            return wrap("error parsing index", err)
        lst = existing_list(data, k)
        lst, err = self.list_item(lst, index, level)
        set_key(data, k, lst)
        return err

    def rest(self) -> str:
        text = self.sc.rest()
        self.sc.pos = len(self.sc.text)
        return text

    def key_index(self) -> tuple[int, Err]:
        text, last = self.sc.until("]", escapes=False)
        if last is None:
            return 0, EOF
        index = atoi(text)
        if index is None:
            return 0, StrvalsError(f'strconv.Atoi: parsing "{text}": invalid syntax')
        return index, None

    def list_item(self, lst: list[Any], i: int, level: int) -> tuple[list[Any], Err]:  # noqa: PLR0911 (mirrors Helm)
        if i < 0:
            return lst, StrvalsError(f"negative {i} index not allowed")
        k, last = self.sc.until("[.=", escapes=False)
        if k:
            return lst, StrvalsError(f"unexpected data at end of array index: {quote(k)}")
        if last is None:
            return lst, EOF
        if last == "=":
            return set_index(lst, i, self.rest())
        if last == ".":
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
        inner_list, err = self.list_item(current, nxt, level)
        if err is not None:
            return lst, err
        return set_index(lst, i, inner_list)


def parse_literal_into(expression: str, dest: dict[str, Any]) -> None:
    """Parse one ``--set-literal`` expression into ``dest`` (in place); raises StrvalsError."""
    try:
        _LiteralParser(expression, dest).parse()
    except RecursionError:
        raise StrvalsError("expression nests too deeply") from None
