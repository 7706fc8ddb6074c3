"""Chart.yaml (and v1 requirements.yaml) read the way Helm reads them into its Metadata struct.

Helm decodes Chart.yaml through JSON into a Go struct: unknown keys vanish, keys match
field names case-insensitively, a number or boolean given for a string field becomes
its Go formatting (``version: 1.10`` is ``"1.1"``), and ``Validate`` then strips control
characters and turns whitespace into spaces in most string fields. ``show chart`` prints
that struct, so we keep it (``ChartMetadata.document``) next to the typed fields.
"""

from __future__ import annotations

import re
import struct
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

from ci_helm.chart.model import ChartMetadata, Dependency, Maintainer
from ci_helm.errors import ChartError

__all__ = ["go_format_float32", "go_string", "is_valid_semver", "metadata_from_document"]

_SEMVER = re.compile(
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
_ALIAS = re.compile(r"^[a-zA-Z0-9_-]+$")

# Go struct fields: JSON name -> kind. Order is the struct's (Helm's JSON output order).
_METADATA_FIELDS: dict[str, str] = {
    "name": "str",
    "home": "str",
    "sources": "[str]",
    "version": "str",
    "description": "str",
    "keywords": "[str]",
    "maintainers": "[maintainer]",
    "icon": "str",
    "apiVersion": "str",
    "condition": "str",
    "tags": "str",
    "appVersion": "str",
    "deprecated": "bool",
    "annotations": "{str}",
    "kubeVersion": "str",
    "dependencies": "[dependency]",
    "type": "str",
}
_MAINTAINER_FIELDS = {"name": "str", "email": "str", "url": "str"}
_DEPENDENCY_FIELDS = {
    "name": "str",
    "version": "str",
    "repository": "str",
    "condition": "str",
    "tags": "[str]",
    "enabled": "bool",
    "import-values": "[any]",
    "alias": "str",
}
_NOT_OMITTED = {"dependency": ("name", "repository")}
_SANITIZED = ("name", "description", "home", "icon", "condition", "tags", "appVersion", "kubeVersion")


class _DecodeError(Exception):
    pass


def go_format_float32(value: float) -> str:
    """``strconv.FormatFloat(v, 'g', -1, 32)``: shortest float32 digits; %e below 1e-4 or from 1e6."""
    if value == 0:
        return "0"
    f32 = _f32(value)
    text = f"{f32:.8e}"
    for digits in range(9):
        text = f"{f32:.{digits}e}"
        if _f32(float(text)) == f32:
            break
    mantissa, exponent = text.split("e")
    exp = int(exponent)
    if exp < -4 or exp >= 6:
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return format(Decimal(text).normalize(), "f")


def _f32(value: float) -> float:
    result: float = struct.unpack("f", struct.pack("f", value))[0]
    return result


def go_string(value: Any, where: str) -> str:
    """A YAML value decoded into a Go string field (sigs.k8s.io/yaml's conversions)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_format_float32(value)
    raise _DecodeError(f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type string")


def _json_kind(value: Any) -> str:
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return "string"


def _decode(value: Any, kind: str, where: str) -> Any:
    if kind == "str":
        return go_string(value, where)
    if kind == "bool":
        if value is None or isinstance(value, bool):
            return bool(value)
        raise _DecodeError(f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type bool")
    if kind == "any":
        return value
    if kind[0] in "[{":
        return _decode_container(value, kind, where)
    if value is None:
        return None  # a null element of []*Maintainer / []*Dependency: Validate reports it
    fields = _MAINTAINER_FIELDS if kind == "maintainer" else _DEPENDENCY_FIELDS
    return _decode_struct(value, fields, f"{where}", _NOT_OMITTED.get(kind, ()))


def _decode_container(value: Any, kind: str, where: str) -> Any:
    is_map = kind[0] == "{"
    if value is None:
        return {} if is_map else []
    if not isinstance(value, dict if is_map else list):
        shape = "map" if is_map else "slice"
        raise _DecodeError(
            f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type {shape}"
        )
    if isinstance(value, dict):
        return {str(k): _decode(v, kind[1:-1], where) for k, v in value.items()}
    return [_decode(v, kind[1:-1], where) for v in value]


def _decode_struct(
    value: Any, fields: dict[str, str], where: str, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _DecodeError(
            f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type struct"
        )
    decoded: dict[str, Any] = {}
    for key in sorted(value):  # Go decodes JSON built from a Go map: keys in sorted order
        name = _field_for(key, fields)
        if name is not None:
            decoded[name] = _decode(value[key], fields[name], f"{where}.{name}")
    for name in keep:  # fields without omitempty are always present
        decoded.setdefault(name, "")
    ordered = {name: decoded[name] for name in fields if name in decoded}
    return {k: v for k, v in ordered.items() if k in keep or v not in ("", False, [], {}, None)}


def _field_for(key: str, fields: dict[str, str]) -> str | None:
    if key in fields:
        return key
    folded = key.casefold()
    return next((name for name in fields if name.casefold() == folded), None)


def _sanitize(text: str) -> str:
    out = []
    for ch in text:
        if ch.isspace() and (ord(ch) >= 0x100 or ch in "\t\n\v\f\r \x85\xa0"):
            out.append(" ")
        elif unicodedata.category(ch)[0] not in "CZ" or ch == " ":
            out.append(ch)
    return "".join(out)


def is_valid_semver(version: str) -> bool:
    """Masterminds/semver ``NewVersion`` (lenient: ``v`` prefix, ``1.2``, leading zeros)."""
    match = _SEMVER.fullmatch(version)
    if match is None:
        return False
    numbers = [match.group(1), (match.group(2) or ".0")[1:], (match.group(3) or ".0")[1:]]
    if any(int(n) >= 1 << 64 for n in numbers):
        return False
    prerelease = match.group(5) or ""
    return all(not (p.isdigit() and len(p) > 1 and p.startswith("0")) for p in prerelease.split(".") if p)


def metadata_from_document(
    chart_yaml: Any, *, path: str | Path, requirements: Any = None, requirements_path: str | Path = ""
) -> ChartMetadata:
    """Decode, default and validate Chart.yaml like Helm's loader; ChartError on failure."""
    try:
        document = _decode_struct(_mapping(chart_yaml, path), _METADATA_FIELDS, "Metadata")
    except _DecodeError as exc:
        raise ChartError(f"cannot load Chart.yaml: {exc}", path=path) from None
    if requirements is not None:
        try:
            extra = _decode_struct(_mapping(requirements, requirements_path), _METADATA_FIELDS, "Metadata")
        except _DecodeError as exc:
            raise ChartError(f"cannot load requirements.yaml: {exc}", path=requirements_path) from None
        document = {**document, **extra}
        document = {name: document[name] for name in _METADATA_FIELDS if name in document}
    document.setdefault("apiVersion", "v1")
    _sanitize_document(document)
    _validate(document, path)
    raw = chart_yaml if isinstance(chart_yaml, dict) else {}
    return _typed(document, raw)


def _mapping(value: Any, path: str | Path) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ChartError("must be a YAML mapping", path=path)
    return value


def _sanitize_document(document: dict[str, Any]) -> None:
    for name in _SANITIZED:
        if name in document:
            document[name] = _sanitize(document[name])
    for name in ("sources", "keywords"):
        if name in document:
            document[name] = [_sanitize(s) for s in document[name]]
    for person in document.get("maintainers", []):
        if person is not None:
            person.update({key: _sanitize(text) for key, text in person.items()})
    for dep in document.get("dependencies", []):
        if dep is not None:
            _sanitize_dependency(dep)
    for name in [k for k in document if document[k] in ("", [], {}, False)]:
        del document[name]


def _sanitize_dependency(dep: dict[str, Any]) -> None:
    for key in ("name", "version", "repository", "condition"):
        if key in dep:
            dep[key] = _sanitize(dep[key])
    if "tags" in dep:
        dep["tags"] = [_sanitize(t) for t in dep["tags"]]


def _validate(document: dict[str, Any], path: str | Path) -> None:
    name, version = document.get("name", ""), document.get("version", "")

    def fail(message: str) -> None:
        raise ChartError(f"validation: {message}", path=path)

    if not name:
        fail("chart.metadata.name is required")
    if name in (".", "..") or "/" in name:
        fail(f"chart.metadata.name {name!r} is not allowed")
    if not version:
        fail("chart.metadata.version is required")
    if not is_valid_semver(version):
        fail(f"chart.metadata.version {version!r} is invalid")
    if document.get("type", "") not in ("", "application", "library"):
        fail("chart.metadata.type must be application or library")
    if any(m is None for m in document.get("maintainers", [])):
        fail("maintainers must not contain empty or null nodes")
    seen: set[str] = set()
    for dep in document.get("dependencies", []):
        if dep is None:
            fail("dependencies must not contain empty or null nodes")
        alias = dep.get("alias", "")
        if alias and not _ALIAS.match(alias):
            fail(f"dependency {dep.get('name', '')!r} has disallowed characters in the alias")
        key = alias or dep.get("name", "")
        if key in seen:
            fail(f"more than one dependency with name or alias {key!r}")
        seen.add(key)


def _typed(document: dict[str, Any], raw: dict[str, Any]) -> ChartMetadata:
    def opt(name: str) -> str | None:
        return document.get(name) or None

    return ChartMetadata(
        api_version=document["apiVersion"],
        name=document["name"],
        version=document["version"],
        type=opt("type"),
        app_version=opt("appVersion"),
        kube_version=opt("kubeVersion"),
        description=opt("description"),
        home=opt("home"),
        icon=opt("icon"),
        keywords=tuple(document.get("keywords", ())),
        sources=tuple(document.get("sources", ())),
        maintainers=tuple(
            Maintainer(m.get("name", ""), m.get("email"), m.get("url"))
            for m in document.get("maintainers", ())
        ),
        dependencies=tuple(_dependency(d) for d in document.get("dependencies", ())),
        deprecated=bool(document.get("deprecated", False)),
        annotations=dict(document.get("annotations", {})),
        condition=opt("condition"),
        tags=opt("tags"),
        raw=raw,
        document=document,
    )


def _dependency(dep: dict[str, Any]) -> Dependency:
    return Dependency(
        name=dep.get("name", ""),
        version=dep.get("version") or None,
        repository=dep.get("repository") or None,
        alias=dep.get("alias") or None,
        condition=dep.get("condition") or None,
        tags=tuple(dep.get("tags", ())),
        import_values=tuple(dep.get("import-values", ())),
        enabled=True,
    )
