"""Chart.yaml as Helm reads and re-writes it when packaging.

Helm unmarshals Chart.yaml into its ``Metadata`` struct (string fields keep the scalar's
text: ``appVersion: 1.10`` stays ``"1.10"``), validates it, and writes it back into the
archive as sorted-key YAML with empty fields dropped. We do the same so a package holds
the Chart.yaml Helm itself would have written, and ``--version`` / ``--app-version``
overrides land there.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from ci_helm.errors import ChartError
from ci_helm.model.semver import parse_version

__all__ = [
    "dump_chart_yaml",
    "dump_lock_yaml",
    "go_float_text",
    "load_plain_yaml",
    "normalise_metadata",
    "validate_metadata",
]

_BaseLoader: type[yaml.BaseLoader] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y"}
_FALSE = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N"}
_MAX_NODES = 200_000
# YAML 1.1 floats: Go's YAML-to-JSON step turns ``version: 1.10`` into the number 1.1.
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*(?:[eE][-+][0-9]+)?$")
_ALIAS = re.compile(r"^[a-zA-Z0-9_-]+$")
# Helm's Metadata / Dependency / Maintainer JSON names: (name, kind, always written)
_METADATA_FIELDS = {
    "name": "str",
    "home": "str",
    "sources": "strlist",
    "version": "str",
    "description": "str",
    "keywords": "strlist",
    "maintainers": "maintainers",
    "icon": "str",
    "apiVersion": "str",
    "condition": "str",
    "tags": "str",
    "appVersion": "str",
    "deprecated": "bool",
    "annotations": "strmap",
    "kubeVersion": "str",
    "dependencies": "dependencies",
    "type": "str",
}
_DEPENDENCY_FIELDS = {
    "name": "str",
    "version": "str",
    "repository": "str",
    "condition": "str",
    "tags": "strlist",
    "enabled": "bool",
    "import-values": "any",
    "alias": "str",
}
_ALWAYS = {"dependency": ("name", "repository")}


def load_plain_yaml(text: str | bytes, *, path: str, max_nodes: int = _MAX_NODES) -> Any:
    """YAML with every scalar kept as its text (Go's view for string fields), alias-bomb safe."""
    loader = _BaseLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise ChartError(
            f"invalid YAML: {exc.problem}", path=path, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise ChartError(f"invalid YAML: {exc}", path=path) from None
    finally:
        loader.dispose()
    budget = [max_nodes]
    return None if node is None else _plain(node, path, budget, 0)


def _plain(node: yaml.Node, path: str, budget: list[int], depth: int) -> Any:
    budget[0] -= 1
    if budget[0] < 0 or depth > 100:
        raise ChartError("document too large or too deep (YAML alias bomb?)", path=path)
    if isinstance(node, yaml.ScalarNode):
        plain = not node.style  # the C composer marks plain scalars "", the Python one None
        if plain and node.value in _NULLS:
            return None
        if plain and _FLOAT.match(node.value):
            return go_float_text(node.value)
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_plain(child, path, budget, depth + 1) for child in node.value]
    assert isinstance(node, yaml.MappingNode)
    out: dict[str, Any] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise ChartError("mapping keys must be strings", path=path, line=key.start_mark.line + 1)
        out[key.value] = _plain(value, path, budget, depth + 1)
    return out


def go_float_text(text: str) -> str:
    """A YAML float as Go's YAML-to-JSON step writes it (``1.10`` -> ``1.1``, ``2.0`` -> ``2``)."""
    try:
        number = float(text.replace("_", ""))
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() and abs(number) < 1e21 else repr(number)


def normalise_metadata(raw: Any, *, path: str) -> dict[str, Any]:
    """Helm's ``Metadata`` as a dict: known fields only, typed, empty ones dropped."""
    if not isinstance(raw, dict):
        raise ChartError("Chart.yaml must be a mapping", path=path)
    out = _typed(raw, _METADATA_FIELDS, path, "chart")
    out.setdefault("apiVersion", "v1")  # Helm's loader treats a missing apiVersion as v1
    return out


def _typed(raw: dict[str, Any], fields: dict[str, str], path: str, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, kind in fields.items():
        value = _coerce(raw.get(key), kind, f"{what}.{key}", path)
        if value not in (None, "", [], {}, False) or key in _ALWAYS.get(what, ()):
            out[key] = "" if value is None else value
    return out


def _coerce(value: Any, kind: str, field: str, path: str) -> Any:
    if value is None or kind == "any":
        return value
    if kind == "str":
        _expect(isinstance(value, str), field, "a string", path)
        return value
    if kind == "bool":
        _expect(isinstance(value, str) and (value in _TRUE or value in _FALSE), field, "true or false", path)
        return value in _TRUE
    if kind == "strmap":
        _expect(isinstance(value, dict), field, "a mapping", path)
        return {k: _coerce(v, "str", f"{field}.{k}", path) or "" for k, v in value.items()}
    _expect(isinstance(value, list), field, "a list", path)
    if kind == "strlist":
        return [_coerce(v, "str", field, path) for v in value if v is not None]
    sub = _DEPENDENCY_FIELDS if kind == "dependencies" else {"name": "str", "email": "str", "url": "str"}
    what = "dependency" if kind == "dependencies" else "maintainer"
    items = []
    for item in value:
        _expect(isinstance(item, dict), field, "a list of mappings", path)
        items.append(_typed(item, sub, path, what))
    return items


def _expect(ok: bool, field: str, what: str, path: str) -> None:
    if not ok:
        raise ChartError(f"{field} must be {what}", path=path)


def validate_metadata(md: dict[str, Any], *, path: str) -> None:
    """Helm's ``Metadata.Validate``: the refusals ``helm package`` makes, with the same wording."""
    name = md.get("name", "")
    if not name:
        raise ChartError("chart.metadata.name is required", path=path)
    if "/" in name or "\\" in name or name in (".", ".."):
        raise ChartError(f"chart.metadata.name {name!r} is invalid", path=path)
    if not md.get("version"):
        raise ChartError("chart.metadata.version is required", path=path)
    try:
        parse_version(md["version"])
    except ValueError:
        raise ChartError(f"chart.metadata.version {md['version']!r} is invalid", path=path) from None
    if md.get("apiVersion") not in ("v1", "v2"):
        raise ChartError("invalid chart apiVersion", path=path)
    if md.get("type", "application") not in ("application", "library"):
        raise ChartError("chart.metadata.type must be application or library", path=path)
    seen: set[str] = set()
    for dep in md.get("dependencies", []):
        alias = dep.get("alias", "")
        if alias and not _ALIAS.match(alias):
            raise ChartError(f"dependency {dep['name']!r} has disallowed characters in the alias", path=path)
        key = alias or dep["name"]
        if key in seen:
            raise ChartError(f"more than one dependency with name or alias {key!r}", path=path)
        seen.add(key)


def dump_chart_yaml(md: dict[str, Any]) -> bytes:
    """Chart.yaml as Helm writes it into a package (sorted keys; v1 dependencies stay out)."""
    data = dict(md)
    if data.get("apiVersion") == "v1":
        data.pop("dependencies", None)
    return _dump(data)


def dump_lock_yaml(lock: Any) -> bytes:
    return _dump(lock)


def _dump(data: Any) -> bytes:
    text = yaml.dump(
        data, Dumper=yaml.SafeDumper, sort_keys=True, default_flow_style=False, allow_unicode=True
    )
    return text.encode("utf-8")
