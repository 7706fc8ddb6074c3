"""Decoding YAML into Helm's Go structs the way sigs.k8s.io/yaml does (YAML -> JSON -> struct).

Keys match field names case-insensitively (exact match preferred) and are applied in sorted
order; unknown keys vanish; a number or boolean given for a string field becomes Go's
formatting of it (``1.10`` -> ``"1.1"``, ``1234567.0`` -> ``"1.234567e+06"``); ``omitempty``
drops empty fields. Shapes that Go cannot decode raise :class:`DecodeError`.
"""

from __future__ import annotations

import struct
from decimal import Decimal
from typing import Any

__all__ = [
    "DEPENDENCY_FIELDS",
    "MAINTAINER_FIELDS",
    "METADATA_FIELDS",
    "NOT_OMITTED",
    "DecodeError",
    "decode_struct",
    "go_format_float32",
    "go_string",
]

# Go struct fields: JSON name -> kind. Order is the struct's (Helm's JSON output order).
METADATA_FIELDS: dict[str, str] = {
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
MAINTAINER_FIELDS = {"name": "str", "email": "str", "url": "str"}
DEPENDENCY_FIELDS = {
    "name": "str",
    "version": "str",
    "repository": "str",
    "condition": "str",
    "tags": "[str]",
    "enabled": "bool",
    "import-values": "[any]",
    "alias": "str",
}
NOT_OMITTED = {"dependency": ("name", "repository")}


class DecodeError(Exception):
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
    raise DecodeError(f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type string")


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
        raise DecodeError(f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type bool")
    if kind == "any":
        return value
    if kind[0] in "[{":
        return _decode_container(value, kind, where)
    if value is None:
        return None  # a null element of []*Maintainer / []*Dependency: Validate reports it
    fields = MAINTAINER_FIELDS if kind == "maintainer" else DEPENDENCY_FIELDS
    return decode_struct(value, fields, f"{where}", NOT_OMITTED.get(kind, ()))


def _decode_container(value: Any, kind: str, where: str) -> Any:
    is_map = kind[0] == "{"
    if value is None:
        return {} if is_map else []
    if not isinstance(value, dict if is_map else list):
        shape = "map" if is_map else "slice"
        raise DecodeError(
            f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type {shape}"
        )
    if isinstance(value, dict):
        return {str(k): _decode(v, kind[1:-1], where) for k, v in value.items()}
    return [_decode(v, kind[1:-1], where) for v in value]


def decode_struct(
    value: Any, fields: dict[str, str], where: str, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DecodeError(f"cannot unmarshal {_json_kind(value)} into Go struct field {where} of type struct")
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
