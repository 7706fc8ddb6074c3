"""User-supplied values, built exactly as Helm's ``values.Options.MergeValues`` builds them.

Order (pkg/cli/values/options.go): ``-f`` files merged in order, then every ``--set-json``,
then ``--set``, ``--set-string``, ``--set-file`` and ``--set-literal``. Within each
flag, expressions apply in the order given; a later one overwrites an earlier one.
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_helm.chart import gojson
from ci_helm.chart.goyaml import load_values, merge_maps
from ci_helm.chart.strvals import parse_into
from ci_helm.chart.strvals_base import StrvalsError
from ci_helm.chart.strvals_literal import parse_literal_into
from ci_helm.errors import ValuesError
from ci_helm.yamlio import MAX_BYTES

__all__ = ["ReadSource", "ValueOptions", "merge_user_values", "read_local_source"]

ReadSource = Callable[[str], bytes]
"""Reads a ``-f`` / ``--set-file`` source (a path, ``-`` for stdin, or a URL) into bytes."""

MAX_SOURCE_BYTES = MAX_BYTES  # one values file or --set-file source (/dev/zero must not hang us)
_REMOTE = re.compile(r"^(https?|oci)://", re.IGNORECASE)


@dataclass(frozen=True)
class ValueOptions:
    """The value flags of one command line, in the order the user gave them."""

    value_files: tuple[str, ...] = ()
    set: tuple[str, ...] = ()
    set_string: tuple[str, ...] = ()
    set_file: tuple[str, ...] = ()
    set_json: tuple[str, ...] = ()
    set_literal: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not any(
            (self.value_files, self.set, self.set_string, self.set_file, self.set_json, self.set_literal)
        )


def read_local_source(base_dir: Path) -> ReadSource:
    """A reader for local paths (relative to ``base_dir``) and ``-`` (stdin)."""

    def read(source: str) -> bytes:
        if source.strip() == "-":
            return sys.stdin.buffer.read(MAX_SOURCE_BYTES + 1)
        if _REMOTE.match(source):
            raise ValuesError(f"{source}: remote values files are not supported yet; download it first")
        path = Path(source).expanduser()
        path = path if path.is_absolute() else base_dir / path
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_SOURCE_BYTES + 1)
        except OSError as exc:
            raise ValuesError(f"{source}: cannot read: {exc.strerror or exc}") from None
        if len(data) > MAX_SOURCE_BYTES:
            raise ValuesError(f"{source}: larger than the {MAX_SOURCE_BYTES}-byte limit for values")
        return data

    return read


def merge_user_values(
    opts: ValueOptions, *, base_dir: Path, read: ReadSource | None = None
) -> dict[str, Any]:
    """The user's values (not yet coalesced with chart defaults). Raises ValuesError / YamlError."""
    reader = read or read_local_source(base_dir)
    base: dict[str, Any] = {}
    for source in opts.value_files:
        base = merge_maps(base, load_values(_text(reader(source), source), path=source))
    base = copy.deepcopy(base)  # parsing mutates nested maps in place; never alias a caller's data
    for expression in opts.set_json:
        base = _apply_json(expression, base)
    for expression in opts.set:
        _apply(expression, base, "--set", kind="set")
    for expression in opts.set_string:
        _apply(expression, base, "--set-string", kind="string")
    for expression in opts.set_file:
        _apply(expression, base, "--set-file", kind="file", read_file=_file_reader(reader))
    for expression in opts.set_literal:
        try:
            parse_literal_into(expression, base)
        except StrvalsError as exc:
            raise ValuesError(f"--set-literal {expression!r}: {exc}") from None
    return base


def _apply(expression: str, base: dict[str, Any], flag: str, **kwargs: Any) -> None:
    try:
        parse_into(expression, base, **kwargs)
    except StrvalsError as exc:
        raise ValuesError(f"{flag} {expression!r}: {exc}") from None


def _apply_json(expression: str, base: dict[str, Any]) -> dict[str, Any]:
    """``--set-json`` takes ``key=json`` pairs, or one whole JSON object merged like a file."""
    trimmed = expression.strip()
    if trimmed.startswith("{"):
        try:
            document = gojson.decode_document(trimmed)
        except gojson.GoJsonError as exc:
            raise ValuesError(f"--set-json {expression!r}: not a JSON object: {exc}") from None
        return merge_maps(base, document)
    _apply(expression, base, "--set-json", kind="json")
    return base


def _file_reader(reader: ReadSource) -> Callable[[str], str]:
    def read_file(path: str) -> str:
        try:
            return reader(path).decode("utf-8", errors="replace")
        except ValuesError as exc:
            raise StrvalsError(exc.message) from None

    return read_file


def _text(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValuesError(f"{source}: not UTF-8 text (byte {exc.start})") from None
