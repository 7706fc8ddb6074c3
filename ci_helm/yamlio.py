"""Safe YAML reading for untrusted input: size limits, alias-bomb guard, duplicate keys, line numbers.

PyYAML's safe loader shares aliased nodes, so a "billion laughs" document costs little to
load but explodes when anything walks it (JSON, rendering, merging). We count the
*expanded* size of the node graph before constructing Python objects and refuse past a
limit, so a hostile values.yaml or index.yaml ends with one clear line.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import yaml

from ci_helm.errors import YamlError

__all__ = [
    "MAX_BYTES",
    "MAX_NODES",
    "Duplicates",
    "SafeLoader",
    "dump_yaml",
    "load_yaml",
    "load_yaml_all",
    "read_yaml_file",
]

MAX_BYTES = 64 * 1024 * 1024
MAX_NODES = 2_000_000  # expanded nodes; real charts and indexes stay far below
MAX_DEPTH = 200  # nesting; real charts stay under 40 (and Python's recursion limit is near)
Duplicates = Literal["error", "last"]


def _pyyaml_resolvers() -> dict[Any, list[tuple[str, Any]]]:
    """PyYAML's implicit-resolver table as its module defines it, untouched by other libraries.

    The table on ``yaml.resolver.Resolver`` is shared and mutable: importing yamllint adds
    YAML 1.2 octal ints (``0o17``) to it (its quoted-strings rule), which would change how
    every later load reads such scalars, depending on what was imported first. A private
    copy of PyYAML's resolver module has the table as PyYAML ships it.
    """
    spec = importlib.util.find_spec("yaml.resolver")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table: dict[Any, list[tuple[str, Any]]] = module.Resolver.yaml_implicit_resolvers
    return table


class SafeLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (libyaml when present) with its own, fixed scalar rules."""

    yaml_implicit_resolvers = _pyyaml_resolvers()


def load_yaml(
    text: str | bytes,
    *,
    path: str | Path = "<input>",
    duplicates: Duplicates = "last",
    max_bytes: int = MAX_BYTES,
    max_nodes: int = MAX_NODES,
    loader: type[yaml.SafeLoader] | None = None,
) -> Any:
    """Load one YAML document (an empty document is ``None``)."""
    docs = list(
        load_yaml_all(
            text, path=path, duplicates=duplicates, max_bytes=max_bytes, max_nodes=max_nodes, loader=loader
        )
    )
    if len(docs) > 1:
        raise YamlError("expected one YAML document, found several", path=path)
    return docs[0] if docs else None


def load_yaml_all(
    text: str | bytes,
    *,
    path: str | Path = "<input>",
    duplicates: Duplicates = "last",
    max_bytes: int = MAX_BYTES,
    max_nodes: int = MAX_NODES,
    loader: type[yaml.SafeLoader] | None = None,
) -> Iterator[Any]:
    """Load every document of a multi-document stream, guarding each one.

    ``loader`` swaps in a SafeLoader subclass with other scalar rules (e.g. Helm's
    go-yaml rules in ``ci_helm.chart.goyaml``); the size and alias guards stay the same.
    """
    if len(text) > max_bytes:
        raise YamlError(f"document is {len(text)} bytes, over the {max_bytes}-byte limit", path=path)
    reader = (loader or SafeLoader)(text)
    try:
        while reader.check_node():
            node = reader.get_node()
            if node is None:
                continue
            _check_size(node, max_nodes, path)
            if duplicates == "error":
                _check_duplicates(node, path)
            yield reader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        raise YamlError(_one_line(exc), path=path, line=line) from None
    except yaml.YAMLError as exc:
        raise YamlError(_one_line(exc), path=path) from None
    finally:
        reader.dispose()


def read_yaml_file(path: Path, *, duplicates: Duplicates = "last", max_bytes: int = MAX_BYTES) -> Any:
    """Read and load a YAML file, turning I/O and decoding failures into :class:`YamlError`."""
    try:
        if path.stat().st_size > max_bytes:
            raise YamlError(f"file is over the {max_bytes}-byte limit", path=path)
        data = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror or exc}", path=path) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text (byte {exc.start})", path=path) from None
    return load_yaml(text, path=path, duplicates=duplicates, max_bytes=max_bytes)


def dump_yaml(data: Any) -> str:
    """Block-style YAML with keys in insertion order (for files ci-helm writes)."""
    dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(
        data, Dumper=dumper, sort_keys=False, default_flow_style=False, allow_unicode=True, width=1 << 16
    )


def _check_size(root: yaml.Node, max_nodes: int, path: str | Path) -> None:
    """Expanded node count with memoisation on shared (aliased) nodes; cycles count once."""
    memo: dict[int, int] = {}

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if depth > MAX_DEPTH:
            raise YamlError(
                f"document nests deeper than {MAX_DEPTH} levels", path=path, line=node.start_mark.line + 1
            )
        memo[key] = 1  # a cycle (recursive alias) counts once instead of forever
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        if total > max_nodes:
            raise YamlError(
                f"document expands to more than {max_nodes} nodes (YAML alias bomb?)",
                path=path,
                line=node.start_mark.line + 1,
            )
        memo[key] = total
        return total

    size(root, 0)


def _check_duplicates(root: yaml.Node, path: str | Path) -> None:
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            keys: dict[Any, int] = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value != "<<":
                    if k.value in keys:
                        raise YamlError(
                            f"duplicate key {k.value!r} (first at line {keys[k.value]})",
                            path=path,
                            line=k.start_mark.line + 1,
                        )
                    keys[k.value] = k.start_mark.line + 1
                stack.extend((k, v))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _one_line(exc: yaml.YAMLError) -> str:
    if isinstance(exc, yaml.MarkedYAMLError):
        parts = [p for p in (exc.context, exc.problem) if p]
        return ", ".join(parts) or "invalid YAML"
    return " ".join(str(exc).split())
