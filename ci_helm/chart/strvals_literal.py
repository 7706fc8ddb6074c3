"""``--set-literal``: Helm's literal parser (``pkg/strvals/literal_parser.go``).

Keys use the ``--set`` path syntax without escapes; the value is everything after the
first ``=``, verbatim (commas included), always a string.
"""

from __future__ import annotations

from typing import Any

from ci_helm.chart.strvals_base import EOF, Err, PathParser, StrvalsError, quote, set_index, set_key

__all__ = ["parse_literal_into"]


class _LiteralParser(PathParser):
    escapes = False

    def _key(self, data: dict[str, Any], level: int) -> Err:
        k, last = self.sc.until("=[.", escapes=False)
        if last is None:
            return EOF if not k else StrvalsError(f"key {quote(k)} has no value")
        if last == "=":
            set_key(data, k, self.rest())
            return None
        if last == ".":
            return self.key_map(data, k, level)
        return self.key_list(data, k, level)

    def item_value(self, lst: list[Any], i: int) -> tuple[list[Any], Err]:
        return set_index(lst, i, self.rest())

    def rest(self) -> str:
        text = self.sc.rest()
        self.sc.pos = len(self.sc.text)
        return text


def parse_literal_into(expression: str, dest: dict[str, Any]) -> None:
    """Parse one ``--set-literal`` expression into ``dest`` (in place); raises StrvalsError."""
    try:
        _LiteralParser(expression, dest).parse()
    except RecursionError:
        raise StrvalsError("expression nests too deeply") from None
