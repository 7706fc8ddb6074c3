"""Load a repository index fast, with Helm's (Go's) view of scalars, refusing hostile input.

Real indexes reach megabytes (grafana's is 4 MB: PyYAML's C loader needs seconds). We
parse with rapidyaml (``ryml``, C++) and walk its tree once; scalars stay text, as Go
reads them into string fields. Documents using anchors, aliases or tags — which no
index generator writes — go through the guarded PyYAML path instead, whose expansion
budget stops alias bombs.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ci_helm.errors import YamlError
from ci_helm.package.chartyaml import go_float_text, load_plain_yaml
from ci_helm.yamlfast import has_node_properties, parse_tree, ryml

__all__ = ["MAX_INDEX_BYTES", "load_index_yaml"]

MAX_INDEX_BYTES = 128 * 1024 * 1024
_NULLS = {"", "~", "null", "Null", "NULL"}
_TILDE_END = re.compile(rb"(?m)~[ \t]*(?:$|[,\]}#])")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$")


def load_index_yaml(data: bytes, *, path: str) -> Any:
    if len(data) > MAX_INDEX_BYTES:
        raise YamlError(f"index is {len(data)} bytes, over the {MAX_INDEX_BYTES}-byte limit", path=path)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if ryml is None:
        return _guarded(data, path)
    try:
        tree = parse_tree(data)
    except Exception as exc:  # ryml raises its own exception types
        raise YamlError(f"invalid YAML: {' '.join(str(exc).split())[:200]}", path=path) from None
    if tree is None or has_node_properties(tree):  # invalid: PyYAML's error names the line
        return _guarded(data, path)
    if tree.is_stream(tree.root_id()) and tree.num_children(tree.root_id()) > 1:
        raise YamlError("expected one YAML document, found several", path=path)
    if not _has_plain_tilde(data):  # (JSON spells a plain ~ null like the string "~")
        try:  # ryml's C++ JSON emitter + json's C parser: ~4x faster than walking the tree in Python
            return _json_as_text(ryml.emit_json_malloc(tree, tree.root_id()))
        except ValueError:  # numbers JSON cannot spell (+1, 1_000 ...): walk the tree instead
            pass
    return _walk(tree, path)


def _json_as_text(text: str) -> Any:
    """JSON with scalars as Go reads them into string fields: ``12``, ``1.1`` and ``true`` stay text."""
    return json.loads(
        text, strict=False, parse_int=str, parse_float=go_float_text, object_hook=_bools_as_text
    )


def _bools_as_text(mapping: dict[str, Any]) -> dict[str, Any]:
    for key, value in mapping.items():
        if value is True or value is False:
            mapping[key] = "true" if value else "false"
    return mapping


def _has_plain_tilde(data: bytes) -> bool:
    """A plain ``~`` (null) value anywhere; found by its ``~`` first (fast), then its context."""
    for match in _TILDE_END.finditer(data):
        start = data.rfind(b"\n", 0, match.start()) + 1
        before = data[start : match.start()].rstrip(b" \t")
        if not before or before[-1:] in b":-[,{?":
            return True
    return False


def _guarded(data: bytes, path: str) -> Any:
    from ci_helm.errors import ChartError
    from ci_helm.yamlio import load_yaml

    load_yaml(data, path=path, max_nodes=5_000_000)  # counts aliased nodes once: bombs end here, fast
    try:
        return load_plain_yaml(data, path=path, max_nodes=5_000_000)
    except ChartError as exc:
        raise YamlError(exc.message, path=path, line=exc.line) from None


def _walk(tree: Any, path: str) -> Any:
    none = ryml.NONE
    is_map, is_seq, first, after = tree.is_map, tree.is_seq, tree.first_child, tree.next_sibling
    key_of, val_of, quoted, has_val = tree.key, tree.val, tree.is_val_quoted, tree.has_val

    def scalar(node: int) -> Any:
        if not has_val(node):
            return None
        text = bytes(val_of(node)).decode("utf-8", errors="surrogateescape")
        if quoted(node):
            return text
        if text in _NULLS:
            return None
        if _FLOAT.match(text):
            return go_float_text(text)
        return text

    def node_value(node: int) -> Any:
        if is_map(node):
            out: dict[str, Any] = {}
            child = first(node)
            while child != none:
                out[bytes(key_of(child)).decode("utf-8", errors="surrogateescape")] = node_value(child)
                child = after(child)
            return out
        if is_seq(node):
            items: list[Any] = []
            child = first(node)
            while child != none:
                items.append(node_value(child))
                child = after(child)
            return items
        return scalar(node)

    root = tree.root_id()
    if tree.is_stream(root):
        docs = tree.num_children(root)
        if docs > 1:
            raise YamlError("expected one YAML document, found several", path=path)
        root = first(root) if docs else none
    return None if root == none else node_value(root)
