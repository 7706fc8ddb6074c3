"""Load machine-written YAML (rendered manifests, CRDs) fast, with :func:`load_yaml_all`'s result.

PyYAML builds Python objects in Python: the corpus's 6 MB of CRDs cost over half a second,
and lint parses every scenario's manifests. rapidyaml (``ryml``, C++) parses and emits
JSON, which json's C parser reads: 3-4x faster in all. But JSON spells scalars by YAML 1.2's
rules, while PyYAML (like Kubernetes' go-yaml) reads YAML 1.1: a plain ``yes``, ``0644``,
``~``, ``1e3`` or ``80:`` key comes out differently. So the JSON is read with hooks that
give up on any value or key that PyYAML could have read otherwise (a quoted "yes" too: a
false alarm only costs speed), and a text never takes the fast path with anchors, aliases
or tags (the alias-bomb guard lives in the PyYAML path), tab indentation, kept trailing
lines or deep nesting. Everything else, and anything libyaml, ryml or JSON refuse, goes
through :func:`ci_helm.yamlio.load_yaml_all` unchanged, errors and line numbers included.
tests/test_yamlfast.py compares both paths on fuzzed documents and the corpus's CRDs.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import yaml

from ci_helm.yamlio import MAX_BYTES, SafeLoader, load_yaml_all

__all__ = ["has_node_properties", "load_documents", "parse_tree", "ryml"]

try:  # rapidyaml and libyaml are optional: without them the PyYAML path does the job, slower
    import ryml  # type: ignore[import-untyped,import-not-found,unused-ignore]
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - depends on the environment
    ryml = None

# A JSON number ryml emitted, as PyYAML reads the same plain scalar (``1e3`` is a string to it).
_YAML11_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?")
# Strings that may have been plain scalars PyYAML resolves to something else (``yes``, ``0644``,
# ``~``, ``.inf``, dates...). Not listed: the forms ryml itself emits as JSON literals when
# plain (``true``, ``false``, ``null``, ``12``, ``1.5``), so as strings they were quoted.
_JSON_LITERAL = re.compile(r"|true|false|null|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+][0-9]+)?)?")
# Left out: the "yaml" resolver of a lone ``!``, ``&`` or ``*`` (plain, those are not scalars at
# all), and "value": PyYAML refuses a plain ``=`` that Kubernetes' go-yaml reads as the string
# "=" (CRDs list it among operators), so on that one point we side with Kubernetes.
_IGNORED_TAGS = {"tag:yaml.org,2002:yaml", "tag:yaml.org,2002:value"}
_RESOLVERS = {  # per first character, PyYAML's regular expressions joined into one
    first: re.compile("|".join(f"(?{'x' if r.flags & re.VERBOSE else ''}:{r.pattern})" for r in regexps))
    for first, resolvers in SafeLoader.yaml_implicit_resolvers.items()
    if (regexps := [r for tag, r in resolvers if tag not in _IGNORED_TAGS])
}
_TAB_INDENT = re.compile(r"^ *\t", re.MULTILINE)
_MAX_DEPTH = 60
_KEEP_CHOMPING = re.compile(r"[|>](?:[1-9]?\+|\+[1-9])")  # ryml drops kept trailing lines


class _KubeLoader(SafeLoader):
    """PyYAML's safe rules, but a plain ``=`` is the string "=" (as in go-yaml), not an error."""


_KubeLoader.add_constructor("tag:yaml.org,2002:value", SafeLoader.construct_yaml_str)


class _Differs(Exception):
    """The fast result may differ from PyYAML's: take the PyYAML path."""


def load_documents(text: str, *, path: str | Path = "<input>") -> list[Any]:
    """The non-empty documents of ``text``, as :func:`load_yaml_all` reads them (or its error).

    One exception, on purpose: a plain ``=`` is the string "=" (as in Kubernetes), not an error.
    """
    fast = _fast(text)
    if fast is not None:
        return fast
    return [doc for doc in load_yaml_all(text, path=path, loader=_KubeLoader) if doc is not None]


def parse_tree(data: bytes) -> Any:
    """rapidyaml's tree of ``data``, or ``None`` when libyaml (PyYAML's C parser) finds it invalid.

    ryml prints its parse errors on file descriptor 2 before raising, where no caller can
    catch them; libyaml's event parser (no Python objects: ~7 ms per MB) checks first, so
    broken input never reaches ryml and the PyYAML path reports it with its line.
    """
    try:
        _CParser(data).raw_parse()
    except yaml.YAMLError:
        return None
    return ryml.parse_in_arena(data)


def has_node_properties(tree: Any) -> bool:
    """Anchors, aliases or tags anywhere in a ryml tree."""
    mask = ryml.KEYREF | ryml.VALREF | ryml.KEYANCH | ryml.VALANCH | ryml.KEYTAG | ryml.VALTAG
    return any(map(tree.type_has_any, range(tree.size()), itertools.repeat(mask)))


def _too_deep(tree: Any) -> bool:
    """Nested deeper than ryml's emitter goes (it prints an error on fd 2 past 64 levels)."""
    depth = [0] * tree.size()
    late = 0  # nodes whose parent comes after them (ryml moves a first document under its stream)
    for node, parent in enumerate(map(tree.parent, range(1, tree.size())), 1):
        if parent > node:
            late += 1  # its depth (a level or two) is missing below it: allow for it
        else:
            depth[node] = depth[parent] + 1
    return max(depth, default=0) + 4 * late > _MAX_DEPTH


def _fast(text: str) -> list[Any] | None:
    if (
        ryml is None
        or len(text) > MAX_BYTES
        or ("\t" in text and _TAB_INDENT.search(text))  # an error for PyYAML, not always for ryml
        or _KEEP_CHOMPING.search(text)
    ):
        return None
    try:
        tree = parse_tree(text.lstrip("\ufeff").encode("utf-8"))
        if tree is None or has_node_properties(tree) or _too_deep(tree):
            return None
        return _load(tree, text)
    except Exception:  # _Differs; ryml's own exception types; JSON it cannot spell: PyYAML decides
        return None


def _load(tree: Any, text: str) -> list[Any]:
    unterminated = not text.endswith("\n") and _ends_in_block_scalar(tree)
    if unterminated and not _ends_inside_scalar(text):
        raise _Differs
    docs = []
    for node in _documents(tree):
        if tree.is_container(node) or tree.has_val(node):
            doc = _json(ryml.emit_json_malloc(tree, node))
            if doc is not None:
                docs.append(doc)
    if unterminated and docs:  # ryml ends the text's last |/> scalar with a line break it lacks
        docs[-1] = _without_final_break(docs[-1])
    return docs


def _ends_in_block_scalar(tree: Any) -> bool:
    """The text's last scalar is ``|``/``>`` style."""
    node = tree.root_id()
    while tree.has_children(node):
        node = tree.last_child(node)
    return bool(tree.is_val_literal(node) or tree.is_val_folded(node))


def _ends_inside_scalar(text: str) -> bool:
    """The last line is text, so (after a |/> scalar) it is that scalar's last line.

    Not a comment, a document marker or white space, which may follow the scalar instead.
    """
    last = text[text.rfind("\n") + 1 :]
    if not last.strip() or last[-1] in " \t\r":
        return False
    return not last.lstrip().startswith(("#", "---", "..."))


def _without_final_break(value: Any) -> Any:
    """``value`` with one line break taken off the end of its last scalar (in document order)."""
    if isinstance(value, str):
        return value[:-1] if value.endswith("\n") else value
    if isinstance(value, dict) and value:
        last = next(reversed(value))
        value[last] = _without_final_break(value[last])
    elif isinstance(value, list) and value:
        value[-1] = _without_final_break(value[-1])
    return value


def _documents(tree: Any) -> list[int]:
    root = tree.root_id()
    if not tree.is_stream(root):
        return [root]
    nodes, child = [], tree.first_child(root)
    while child != ryml.NONE:
        nodes.append(child)
        child = tree.next_sibling(child)
    return nodes


def _json(text: str) -> Any:
    doc = json.loads(text, parse_float=_float, object_pairs_hook=_mapping)
    if isinstance(doc, str):
        _check_string(doc)
    elif isinstance(doc, list):
        _check_items(doc)
    return doc


def _float(text: str) -> float:
    if not _YAML11_FLOAT.fullmatch(text):
        raise _Differs
    return float(text)


def _mapping(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        raise _Differs  # a duplicate key: its value's place in document order is lost
    for key, value in pairs:
        if _resolves(key):  # ``80:`` is an int key to PyYAML, "80" in JSON, quoted or not
            raise _Differs
        if isinstance(value, str):
            _check_string(value)
        elif isinstance(value, list):
            _check_items(value)
    return mapping


def _check_items(items: list[Any]) -> None:
    for item in items:
        if isinstance(item, str):
            _check_string(item)
        elif isinstance(item, list):
            _check_items(item)


def _check_string(value: str) -> None:
    if _resolves(value) and not _JSON_LITERAL.fullmatch(value):
        raise _Differs


def _resolves(value: str) -> bool:
    """PyYAML would read ``value``, as a plain scalar, as something other than a string."""
    regexp = _RESOLVERS.get(value[:1])
    return regexp is not None and regexp.match(value) is not None
