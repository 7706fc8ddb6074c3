"""A chart's parameters: every value in values.yaml, documented from its comments and the schema.

Descriptions come, first match wins, from

1. helm-docs comments: ``# -- text`` directly above the key (continuation lines follow; ``# --
   (type) text`` overrides the type, ``# @default -- text`` the shown default, ``# @ignored`` hides
   the key and its children) or ``# path.to.key -- text`` anywhere;
2. Bitnami readme-generator comments anywhere: ``## @param path.to.key text``;
3. plain comments directly above the key at the key's own indentation (commented-out YAML
   examples are skipped), or an inline comment after the value;
4. ``values.schema.json``: ``description``.

``values.schema.json`` also gives ``type``, ``enum``, ``required`` and ``default``, and
parameters that only the schema declares are listed after the others. Types use helm-docs'
words: string, int, float, bool, list, object, null.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from ci_helm.chart.jinja.schema import parameter_path
from ci_helm.chart.schema_walk import SchemaWalker
from ci_helm.errors import YamlError
from ci_helm.yamlio import load_yaml

__all__ = ["Parameter", "chart_parameters", "type_name"]

_HELM_DOCS = re.compile(r"^#\s*--\s?(.*)$")
_HELM_DOCS_TYPE = re.compile(r"^\((\w[\w/ ]*)\)\s*(.*)$")
_HELM_DOCS_OLD = re.compile(r"^\s*#\s*([A-Za-z0-9_.\-\[\]]+)\s+--\s+(.*)$")
_BITNAMI = re.compile(r"^\s*##\s*@param\s+(\S+)\s+(.*)$")
# helm create's header, on top of many values.yaml files: not a description of the first key.
_BOILERPLATE = re.compile(
    r"^(Default values for |This is a YAML-formatted file|Declare variables to be passed)"
)
_YAMLISH = re.compile(r"^\s*(-\s|[\w.\"'/-]+:(\s|$))")


@dataclass(frozen=True)
class Parameter:
    path: str
    type: str
    default: Any = None
    description: str = ""
    enum: tuple[Any, ...] = ()
    required: bool = False
    line: int | None = None  # in values.yaml
    in_values: bool = True
    in_schema: bool = False
    default_text: str | None = None  # helm-docs @default override, shown instead of the value
    parts: tuple[str, ...] = ()  # the path as keys (a key may itself contain dots)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "type": self.type,
            "default": self.default,
            "description": self.description,
            "enum": list(self.enum),
            "required": self.required,
            "line": self.line,
            "source": "both"
            if self.in_values and self.in_schema
            else ("values" if self.in_values else "schema"),
        }


@dataclass
class _Doc:
    text: str = ""
    type: str | None = None
    default: str | None = None
    ignored: bool = False
    extra: dict[str, str] = field(default_factory=dict)


_PY_TYPES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (bool, "bool"),
    (int, "int"),
    (float, "float"),
    ((list, tuple), "list"),
    (Mapping, "object"),
    (type(None), "null"),
)


def type_name(value: Any) -> str:
    for py_type, name in _PY_TYPES:
        if isinstance(value, py_type):
            return name
    return "string"


def chart_parameters(
    values_text: str,
    schema: Mapping[str, Any] | None = None,
    *,
    path: str = "values.yaml",
    schema_documents: Mapping[str, Any] | None = None,
) -> list[Parameter]:
    """Every parameter of a chart, in values.yaml order, then the schema-only ones."""
    values = load_yaml(values_text, path=path) if values_text.strip() else {}
    if values is None:
        values = {}
    if not isinstance(values, Mapping):
        raise YamlError("values must be a mapping at the top level", path=path)
    lines = values_text.splitlines()
    anywhere = _docs_anywhere(lines)
    root = yaml.compose(values_text, Loader=yaml.SafeLoader) if values else None
    params = list(_walk(root, values, (), lines, anywhere)) if root is not None else []
    if schema:
        params = _with_schema(params, SchemaWalker(schema, schema_documents))
    return params


def _walk(
    node: yaml.Node | None, value: Any, parts: tuple[str, ...], lines: list[str], anywhere: Mapping[str, str]
) -> Iterator[Parameter]:
    """Keys in the order of the loaded values; comments where the key has a node of its own.

    Keys merged in with ``<<: *anchor`` (or with a non-string spelling) have no node here, so
    they are listed without line and comments.
    """
    if not isinstance(value, Mapping):
        return
    nodes = {}
    if isinstance(node, yaml.MappingNode):
        nodes = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value != "<<"}
    for key, sub in value.items():
        sub_parts = (*parts, str(key))
        key_node, value_node = nodes.get(str(key), (None, None))
        doc = (
            _Doc()
            if key_node is None
            else _doc_above(lines, key_node.start_mark.line, key_node.start_mark.column)
        )
        if doc.ignored:
            continue
        dotted = parameter_path(sub_parts)
        nested = isinstance(sub, Mapping) and bool(sub)
        if not nested or doc.text:
            yield Parameter(
                path=dotted,
                type=doc.type or type_name(sub),
                default=sub,
                description=doc.text or anywhere.get(dotted, "") or _inline(lines, value_node),
                line=None if key_node is None else key_node.start_mark.line + 1,
                default_text=doc.default,
                parts=sub_parts,
            )
        if nested:
            yield from _walk(value_node, sub, sub_parts, lines, anywhere)


def _comment_block(lines: list[str], line: int) -> list[str]:
    """The comment lines directly above ``line`` (0-based), top first; a blank line ends it."""
    block: list[str] = []
    i = line - 1
    while i >= 0 and lines[i].strip().startswith("#"):
        block.insert(0, lines[i])
        i -= 1
    return block


def _doc_above(lines: list[str], line: int, column: int) -> _Doc:
    block = _comment_block(lines, line)
    doc = _Doc()
    starts = [i for i, raw in enumerate(block) if _HELM_DOCS.match(raw.strip())]
    if starts:
        return _helm_docs(block[starts[-1] :], block)
    plain = [raw for raw in block if len(raw) - len(raw.lstrip()) == column]
    texts = [raw.strip().lstrip("#").strip() for raw in plain]
    keep = [t for t in texts if t and not _YAMLISH.match(t) and not _BOILERPLATE.match(t)]
    doc.text = " ".join(t for t in keep if not t.startswith("@"))
    return doc


def _helm_docs(block: list[str], whole: list[str]) -> _Doc:
    doc = _Doc(ignored=any(raw.strip().lstrip("#").strip() == "@ignored" for raw in whole))
    first = _HELM_DOCS.match(block[0].strip())
    assert first is not None
    text = first.group(1).strip()
    typed = _HELM_DOCS_TYPE.match(text)
    if typed:
        doc.type, text = typed.group(1), typed.group(2)
    parts = [text]
    for raw in block[1:]:
        body = raw.strip().lstrip("#").strip()
        if body.startswith("@default --"):
            doc.default = body.removeprefix("@default --").strip()
        elif body and not body.startswith("@"):
            parts.append(body)
    doc.text = " ".join(p for p in parts if p)
    return doc


def _docs_anywhere(lines: list[str]) -> dict[str, str]:
    """``# path -- text`` (old helm-docs) and ``## @param path text`` (Bitnami) lines."""
    found: dict[str, str] = {}
    for raw in lines:
        match = _BITNAMI.match(raw) or _HELM_DOCS_OLD.match(raw)
        if match:
            found.setdefault(match.group(1), match.group(2).strip())
    return found


def _inline(lines: list[str], node: yaml.Node | None) -> str:
    if not isinstance(node, yaml.ScalarNode) or node.end_mark.line != node.start_mark.line:
        return ""
    rest = lines[node.end_mark.line][node.end_mark.column :].strip()
    return rest.lstrip("#").strip() if rest.startswith("#") else ""


def _with_schema(params: list[Parameter], walker: SchemaWalker) -> list[Parameter]:
    out = []
    for p in params:
        info = walker.at(p.parts)
        if info is None:
            out.append(p)
            continue
        out.append(
            replace(
                p,
                in_schema=True,
                description=p.description or info.description,
                enum=info.enum,
                required=info.required,
                type=info.type or p.type,
            )
        )
    known = {p.parts for p in params}
    for info in walker.leaves():
        # Known already, or a detail of a parameter values.yaml documents as a whole (affinity: {}).
        if any(k[: len(info.path)] == info.path or info.path[: len(k)] == k for k in known):
            continue
        out.append(
            Parameter(
                path=parameter_path(info.path),
                parts=info.path,
                type=info.type or "object",
                default=info.default,
                description=info.description,
                enum=info.enum,
                required=info.required,
                in_values=False,
                in_schema=True,
            )
        )
    return out
