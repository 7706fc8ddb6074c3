"""``yamllint.linter.run``, with libyaml doing yamllint's two scans of the text.

Why: yamllint reads every file twice with PyYAML's pure-Python code - ``linter.get_syntax_error`` parses
it with ``yaml.BaseLoader``, and ``parser.token_or_comment_generator`` feeds the rules the tokens of a
pure-Python ``yaml.BaseLoader`` scanner. ``run`` returns the same problems (line, column, level,
message, rule) as ``yamllint.linter.run``, with both scans done by libyaml when that cannot change them:

- Syntax: when libyaml parses the text without error, so does PyYAML (the texts where they disagree are
  left to yamllint, below), so yamllint's syntax check has nothing to report and is skipped.
- Tokens: libyaml's scanner makes the same token classes with the same values, but its marks have no
  buffer, and at the end of the stream they move to a new line. Each mark is rebuilt as PyYAML's reader
  makes it for a ``str`` (yamllint's rules index ``mark.buffer`` with ``mark.pointer``): buffer = text +
  "\\0", pointer = index (libyaml's ``index`` counts characters too), line and column counted from the
  text. A plain scalar's style is ``""`` from libyaml and ``None`` from PyYAML.
- Anything else goes through plain ``yamllint.linter.run``: libyaml finds an error (rare, and yamllint's
  own message and position are wanted), or the text has something the two scanners read differently
  (``_UNSAFE_TEXT``, ``_readable``).

yamllint takes no token source, so this module, when imported (once per process, under the import lock),
swaps ``yamllint.parser.token_or_comment_generator`` and ``yamllint.linter.get_syntax_error`` (both
looked up as module globals at each call) for dispatchers. These use the libyaml scan only for the very
text object that ``run`` is linting in the current context (a ContextVar, so per thread), and call
yamllint's own functions for anything else: other yamllint callers in the process see no change.

tests/test_yamllint_fast.py checks the equivalence on every YAML file of the chart corpus and on
hand-written edge cases; pyproject.toml pins the yamllint versions whose internals this relies on.
"""

from __future__ import annotations

import bisect
import importlib
import re
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from typing import Any

import yaml
from yaml.error import Mark
from yaml.reader import Reader
from yaml.tokens import (
    FlowMappingEndToken,
    FlowMappingStartToken,
    FlowSequenceEndToken,
    FlowSequenceStartToken,
    ScalarToken,
    TagToken,
    Token,
)
from yamllint import linter, parser

__all__ = ["run"]

try:
    _CParser: Any = importlib.import_module("yaml._yaml").CParser
except ImportError:  # PyYAML built without libyaml: yamllint runs as it is
    _CParser = None

# What PyYAML's reader handles apart: a BOM (not counted as a column), NEL/LS/PS and a CR without LF
# (line breaks to PyYAML), non-printable characters (a ReaderError out of yamllint, which must stay).
_UNSAFE_TEXT = re.compile("[\ufeff\x85\u2028\u2029]|\r(?!\n)")
_NON_PRINTABLE: re.Pattern[str] = Reader.NON_PRINTABLE
# Tags both scanners read alike: word handle and suffix (then a space or line break, checked apart).
_PLAIN_TAG = re.compile(r"!(?:[0-9A-Za-z_-]*!)?[0-9A-Za-z_-]*")
_FLOW_START = (FlowSequenceStartToken, FlowMappingStartToken)
_FLOW_END = (FlowSequenceEndToken, FlowMappingEndToken)

# The text ``run`` is linting in this context, and its tokens; None outside ``run``.
_active: ContextVar[tuple[str, list[Token]] | None] = ContextVar("ci_helm_yamllint_scan", default=None)


def run(text: str, config: Any, path: str | None = None) -> list[Any]:
    """``list(yamllint.linter.run(text, config, path))``, faster (``config``: a ``YamlLintConfig``)."""
    tokens = _scan(text) if _ENABLED else None
    if tokens is None:
        return list(linter.run(text, config, path))
    reset = _active.set((text, tokens))
    try:
        return list(linter.run(text, config, path))
    finally:
        _active.reset(reset)


def _scan(text: str) -> list[Token] | None:
    """libyaml's tokens of ``text`` with PyYAML's marks; None when yamllint must read it itself."""
    if _UNSAFE_TEXT.search(text) or _NON_PRINTABLE.search(text):
        return None
    try:
        _CParser(text).raw_parse()  # the full syntax check, without building events
        tokens = list(iter(_CParser(text).get_token, None))
    except yaml.YAMLError:
        return None
    buffer = text + "\0"  # what PyYAML's reader holds for a str
    line_starts = [0, *(m.end() for m in re.finditer("\n", text))]
    marks: dict[int, Mark] = {}  # one per position: nothing changes a mark once made

    def mark(index: int) -> Mark:
        if (found := marks.get(index)) is None:
            line = bisect.bisect_right(line_starts, index) - 1
            column = index - line_starts[line]
            found = marks[index] = Mark("<unicode string>", index, line, column, buffer, index)
        return found

    for token in tokens:
        token.start_mark = mark(token.start_mark.index)
        token.end_mark = mark(token.end_mark.index)
        if isinstance(token, ScalarToken) and token.plain:
            token.style = None
    return tokens if _readable(text, tokens) else None


def _readable(text: str, tokens: list[Token]) -> bool:
    """Whether PyYAML scans ``text`` to these tokens too: False for what PyYAML rejects and libyaml
    reads (found by fuzzing the two scanners against each other)."""
    depth = 0  # of flow collections
    for token in tokens:
        start, end = token.start_mark.index, token.end_mark.index
        if isinstance(token, ScalarToken):
            if token.plain and depth and "?" in text[start:end]:
                return False  # PyYAML ends a plain scalar at "?" in a flow collection
            if token.style in ("|", ">"):
                after = start + 1
                while after < len(text) and text[after] in "+-0123456789":
                    after += 1
                if after < len(text) and text[after] not in " \r\n":
                    return False  # PyYAML wants a space or line break after "|-" ("|-# x")
        elif isinstance(token, _FLOW_START):
            depth += 1
        elif isinstance(token, _FLOW_END):
            depth -= 1
        elif isinstance(token, TagToken) and (
            not _PLAIN_TAG.fullmatch(text, start, end) or (end < len(text) and text[end] not in " \r\n")
        ):
            return False  # handles and URIs the two read differently ("!a.b!c", "[!!str,x]")
    return "\t" not in text or _tabs_readable(text, tokens)


def _tabs_readable(text: str, tokens: list[Token]) -> bool:
    """Tabs in comments, quoted scalars and block scalar bodies read alike; libyaml also takes a tab
    as a separator almost anywhere a space goes ("a:\\tb", "a: b\\t# c"), where PyYAML fails."""
    spans = [t for t in tokens if t.end_mark.index > t.start_mark.index]
    spans.sort(key=lambda t: t.start_mark.index)
    starts = [t.start_mark.index for t in spans]
    tab = text.find("\t")
    while tab != -1:
        at = bisect.bisect_right(starts, tab) - 1
        token = spans[at] if at >= 0 else None
        if token is not None and tab < token.end_mark.index:  # inside a token
            style = getattr(token, "style", None)
            in_body = style in ("|", ">") and "\n" in text[token.start_mark.index : tab]
            if style not in ('"', "'") and not in_body:
                return False
        else:  # between tokens, where there are only spaces, line breaks and comments
            gap = max(token.end_mark.index if token is not None else 0, text.rfind("\n", 0, tab) + 1)
            if "#" not in text[gap:tab]:
                return False
        tab = text.find("\t", tab + 1)
    return True


def _tokens_or_comments(tokens: list[Token]) -> Iterator[Any]:
    """What ``yamllint.parser.token_or_comment_generator`` yields, from scanned tokens."""
    for i, curr in enumerate(tokens):
        prev = tokens[i - 1] if i else None
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        after_next = tokens[i + 2] if i + 2 < len(tokens) else None
        yield parser.Token(curr.start_mark.line + 1, curr, prev, after, after_next)
        # comments_between_tokens finds the "#"s between the two tokens; most pairs have none
        stop = after.start_mark.index if after is not None else None
        if curr.end_mark.buffer.find("#", curr.end_mark.index, stop) != -1:
            yield from parser.comments_between_tokens(curr, after)


def _dispatch(original: Callable[[Any], Any], fast: Callable[[list[Token]], Any]) -> Callable[[Any], Any]:
    """``original``, except for the text ``run`` is linting in this context."""
    original = getattr(original, "__wrapped__", original)  # a reloaded module wraps yamllint's own

    def dispatcher(buffer: Any) -> Any:
        active = _active.get()
        if active is not None and active[0] is buffer:
            return fast(active[1])
        return original(buffer)

    dispatcher.__wrapped__ = original  # type: ignore[attr-defined]
    return dispatcher


def _agrees() -> bool:
    """Whether this PyYAML's libyaml scans a sample as its pure-Python scanner does (a build with
    another libyaml could count ``index`` in bytes, or scan otherwise)."""

    def key(token: Token) -> tuple[Any, ...]:
        start, end = token.start_mark, token.end_mark
        value = getattr(token, "value", None), getattr(token, "style", None)
        return (type(token), *value, start.index, start.line, start.column, end.index, end.line, end.column)

    loader: Any = yaml.BaseLoader(_SAMPLE)  # the scanner yamllint uses
    pure = []
    while loader.check_token():
        pure.append(key(loader.get_token()))
    tokens = _scan(_SAMPLE)
    return tokens is not None and [key(t) for t in tokens] == pure


_SAMPLE = "a: é\r\nb: [1, {c: d}]  # x\n---\nm:\n- |\n  e\n- 'f'\ng: !!str h\ni: >-\n  j\nk: l"


def _install() -> bool:
    """Route yamllint's two scans through the dispatchers; False (yamllint left alone) if it lacks them."""
    names = [(parser, "token_or_comment_generator"), (parser, "comments_between_tokens"), (parser, "Token")]
    names.append((linter, "get_syntax_error"))
    if _CParser is None or not all(callable(getattr(module, name, None)) for module, name in names):
        return False
    if not _agrees():
        return False
    parser.token_or_comment_generator = _dispatch(parser.token_or_comment_generator, _tokens_or_comments)
    linter.get_syntax_error = _dispatch(linter.get_syntax_error, lambda _tokens: None)  # libyaml parsed it
    return True


_ENABLED = _install()  # at import: once per process, under the import lock
