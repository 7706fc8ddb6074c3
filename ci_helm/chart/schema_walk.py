"""Look up what a JSON schema says about one parameter path (``image.tag``), for documentation.

Follows ``properties``, ``patternProperties``, ``additionalProperties``, the branches of
``allOf``/``anyOf``/``oneOf`` and ``$ref``: local (``#/definitions/x``) and to other schema
files inside the chart (``schemas/pod.json#/x``, relative to the referring file, as bjw-s'
common library does). Remote references are not fetched: documentation never touches the network.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SchemaInfo", "SchemaWalker", "schema_type"]

_TYPES = {"string": "string", "integer": "int", "number": "float", "boolean": "bool", "array": "list"}
_TYPES.update({"object": "object", "null": "null"})
_MAX_DEPTH = 32
_BASE = "$ci-helm-base"  # which document a resolved node came from (for its own relative refs)


@dataclass(frozen=True)
class SchemaInfo:
    path: tuple[str, ...]
    type: str | None
    default: Any
    enum: tuple[Any, ...]
    description: str
    required: bool


def schema_type(schema: Mapping[str, Any]) -> str | None:
    declared = schema.get("type")
    if isinstance(declared, str):
        return _TYPES.get(declared, declared)
    if isinstance(declared, list) and declared:
        return "|".join(_TYPES.get(str(t), str(t)) for t in declared)
    return None


class SchemaWalker:
    """``root`` is values.schema.json; ``documents`` maps other chart files (by path) to their JSON."""

    def __init__(self, root: Mapping[str, Any], documents: Mapping[str, Any] | None = None) -> None:
        self.documents = {"values.schema.json": root, **(documents or {})}
        self.root = self.resolve(root, "values.schema.json")

    def resolve(self, schema: Any, base: str, depth: int = 0) -> Mapping[str, Any]:
        """The schema with ``$ref`` followed and ``allOf``/``anyOf``/``oneOf`` properties merged."""
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return {}
        base = str(schema.get(_BASE, base))
        ref = schema.get("$ref")
        if isinstance(ref, str):
            target, target_base = self._follow(ref, base)
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            return {**self.resolve(target, target_base, depth + 1), **rest}
        branches = [b for key in ("allOf", "anyOf", "oneOf") for b in schema.get(key) or []]
        if not branches:
            return {**schema, _BASE: base}
        props: dict[str, Any] = {}
        required: list[str] = list(schema.get("required") or [])
        for branch in branches:
            resolved = self.resolve(branch, base, depth + 1)
            props.update(_based(resolved.get("properties") or {}, str(resolved.get(_BASE, base))))
            if "allOf" in schema:
                required += list(resolved.get("required") or [])
        props.update(_based(schema.get("properties") or {}, base))
        return {**schema, "properties": props, "required": required, _BASE: base}

    def _follow(self, ref: str, base: str) -> tuple[Any, str]:
        location, _, pointer = ref.partition("#")
        if location.startswith(("http://", "https://")) or location.startswith("/"):
            return {}, base
        doc_name = posixpath.normpath(posixpath.join(posixpath.dirname(base), location)) if location else base
        node: Any = self.documents.get(doc_name, {})
        for raw in pointer.strip("/").split("/"):
            if not raw:
                continue
            part = raw.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, Mapping) or part not in node:
                return {}, doc_name
            node = node[part]
        return node, doc_name

    def _child(self, parent: Mapping[str, Any], key: str) -> Any:
        props = parent.get("properties") or {}
        if key in props:
            return props[key]
        for pattern, sub in (parent.get("patternProperties") or {}).items():
            try:
                if re.search(pattern, key):
                    return sub
            except re.error:
                continue
        extra = parent.get("additionalProperties")
        return extra if isinstance(extra, Mapping) else None

    def at(self, parts: tuple[str, ...]) -> SchemaInfo | None:
        node = self.root
        parent: Mapping[str, Any] = {}
        for part in parts:
            child = self._child(node, part)
            if child is None:
                return None
            parent, node = node, self.resolve(child, str(node.get(_BASE)))
        return self._info(parts, node, parent)

    def _info(self, parts: tuple[str, ...], node: Mapping[str, Any], parent: Mapping[str, Any]) -> SchemaInfo:
        enum = node.get("enum")
        return SchemaInfo(
            path=parts,
            type=schema_type(node),
            default=node.get("default"),
            enum=tuple(enum) if isinstance(enum, list) else (),
            description=" ".join(str(node.get("description") or node.get("title") or "").split()),
            required=bool(parts) and parts[-1] in (parent.get("required") or []),
        )

    def leaves(self) -> Iterator[SchemaInfo]:
        """Every declared property that has no declared properties of its own."""
        yield from self._leaves(self.root, (), 0)

    def _leaves(self, node: Mapping[str, Any], parts: tuple[str, ...], depth: int) -> Iterator[SchemaInfo]:
        if depth > _MAX_DEPTH:
            return
        for key, child in (node.get("properties") or {}).items():
            resolved = self.resolve(child, str(node.get(_BASE)))
            sub = (*parts, str(key))
            if resolved.get("properties"):
                yield from self._leaves(resolved, sub, depth + 1)
            else:
                yield self._info(sub, resolved, node)


def _based(props: Mapping[str, Any], base: str) -> dict[str, Any]:
    """Properties merged from another document keep a note of where their refs are relative to."""
    return {k: ({**v, _BASE: v.get(_BASE, base)} if isinstance(v, Mapping) else v) for k, v in props.items()}
