"""JSON schemas for custom resources, derived from the CustomResourceDefinitions a chart ships.

A CRD's ``openAPIV3Schema`` is OpenAPI 3.0 with Kubernetes extensions, not JSON Schema:
``nullable``, ``x-kubernetes-int-or-string`` and ``x-kubernetes-preserve-unknown-fields``
change what is valid. We translate those three and leave the rest (JSON Schema keywords
the two dialects share) as they are. Unknown fields are allowed, as the API server
prunes them instead of rejecting them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

__all__ = ["CrdSchemas", "openapi_to_jsonschema"]


@dataclass(frozen=True)
class _Key:
    api_version: str
    kind: str


class CrdSchemas:
    """Validators for the custom resources defined by a set of CRD objects."""

    def __init__(self) -> None:
        self._schemas: dict[_Key, dict[str, Any] | None] = {}
        self._validators: dict[_Key, jsonschema.protocols.Validator | None] = {}

    @classmethod
    def from_objects(cls, objects: Iterable[Mapping[str, Any]]) -> CrdSchemas:
        store = cls()
        for obj in objects:
            if obj.get("kind") == "CustomResourceDefinition":
                store.add(obj)
        return store

    def add(self, crd: Mapping[str, Any]) -> None:
        spec = crd.get("spec")
        if not isinstance(spec, Mapping):
            return
        group = spec.get("group")
        names = spec.get("names")
        if not isinstance(group, str) or not isinstance(names, Mapping) or not names.get("kind"):
            return
        for version, schema in _versions(spec):
            self._schemas[_Key(f"{group}/{version}", str(names["kind"]))] = schema

    def defines(self, api_version: str, kind: str) -> bool:
        return _Key(api_version, kind) in self._schemas

    def kinds(self) -> list[tuple[str, str]]:
        return sorted((k.api_version, k.kind) for k in self._schemas)

    def validator(self, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
        key = _Key(api_version, kind)
        if key not in self._validators:
            schema = self._schemas.get(key)
            self._validators[key] = None if schema is None else _compile(schema)
        return self._validators[key]


def _versions(spec: Mapping[str, Any]) -> Iterable[tuple[str, dict[str, Any] | None]]:
    """(version name, openAPIV3Schema or None) for apiextensions v1 and v1beta1 CRDs."""
    shared = _schema_of(spec.get("validation"))  # v1beta1: one schema for every version
    versions = spec.get("versions")
    if isinstance(versions, list) and versions:
        for v in versions:
            if isinstance(v, Mapping) and isinstance(v.get("name"), str):
                yield v["name"], _schema_of(v.get("schema")) or shared
    elif isinstance(spec.get("version"), str):
        yield spec["version"], shared


def _schema_of(holder: Any) -> dict[str, Any] | None:
    if isinstance(holder, Mapping) and isinstance(holder.get("openAPIV3Schema"), Mapping):
        return dict(holder["openAPIV3Schema"])
    return None


# Compiled validators by schema content: every scenario of a chart that renders its CRDs
# builds a new CrdSchemas, and checking a big CRD schema against the metaschema is slow.
_compiled: dict[str, jsonschema.protocols.Validator | None] = {}
_compiled_lock = threading.Lock()
_MAX_COMPILED = 1024


def _compile(schema: dict[str, Any]) -> jsonschema.protocols.Validator | None:
    digest = hashlib.sha256(json.dumps(schema, sort_keys=True, default=str).encode()).hexdigest()
    with _compiled_lock:
        if digest in _compiled:
            return _compiled[digest]
    validator = _compile_new(schema)
    with _compiled_lock:
        if len(_compiled) >= _MAX_COMPILED:  # a long-lived process (repo serve, the API) stays bounded
            _compiled.clear()
        return _compiled.setdefault(digest, validator)


def _compile_new(schema: dict[str, Any]) -> jsonschema.protocols.Validator | None:
    converted = openapi_to_jsonschema(schema)
    # Not checked against the metaschema here (seconds for big CRDs): a broken schema shows
    # when it is used, and the caller treats that as "no usable schema".
    return jsonschema.validators.Draft7Validator(converted)


def openapi_to_jsonschema(node: Any) -> Any:
    """Translate the OpenAPI/Kubernetes extensions of a structural schema into JSON Schema."""
    if isinstance(node, list):
        return [openapi_to_jsonschema(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in ("properties", "patternProperties", "definitions"):
            out[key] = (
                {k: openapi_to_jsonschema(v) for k, v in value.items()}
                if isinstance(value, Mapping)
                else value
            )
        elif key in ("items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"):
            out[key] = openapi_to_jsonschema(value)
        elif not key.startswith("x-kubernetes-") and key not in ("nullable", "format"):
            out[key] = value
    if node.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}]
    if node.get("x-kubernetes-preserve-unknown-fields") and "type" not in out:
        return {}
    if node.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    return out
