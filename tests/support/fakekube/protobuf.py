"""Decoding of the Kubernetes protobuf request bodies client-go sends for built-in types.

client-go's typed clients (Helm's release storage: Secrets, ConfigMaps; ``--create-namespace``:
Namespaces; deletes: DeleteOptions) send ``application/vnd.kubernetes.protobuf``: the magic
``k8s\\0`` and a ``runtime.Unknown`` envelope around the object's message. Only these messages
are described here (field numbers from k8s.io/api generated.proto); responses stay JSON,
which client-go accepts.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

MAGIC = b"k8s\x00"
Obj = dict[str, Any]
# Schema: field number -> (json name, kind); kind is "str", "bytes", "int", "bool", "time",
# "map:str", "map:bytes", "rep:str", or a nested schema name; "rep:<schema>" for repeated messages.
SCHEMAS: dict[str, dict[int, tuple[str, str]]] = {
    "Unknown": {
        1: ("typeMeta", "TypeMeta"),
        2: ("raw", "raw"),
        3: ("contentEncoding", "str"),
        4: ("contentType", "str"),
    },
    "TypeMeta": {1: ("apiVersion", "str"), 2: ("kind", "str")},
    "ObjectMeta": {
        1: ("name", "str"),
        2: ("generateName", "str"),
        3: ("namespace", "str"),
        5: ("uid", "str"),
        6: ("resourceVersion", "str"),
        7: ("generation", "int"),
        8: ("creationTimestamp", "time"),
        11: ("labels", "map:str"),
        12: ("annotations", "map:str"),
        13: ("ownerReferences", "rep:OwnerReference"),
        14: ("finalizers", "rep:str"),
    },
    "OwnerReference": {
        1: ("kind", "str"),
        3: ("name", "str"),
        4: ("uid", "str"),
        5: ("apiVersion", "str"),
        6: ("controller", "bool"),
        7: ("blockOwnerDeletion", "bool"),
    },
    "Secret": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map:bytes"),
        3: ("type", "str"),
        4: ("stringData", "map:str"),
        5: ("immutable", "bool"),
    },
    "ConfigMap": {
        1: ("metadata", "ObjectMeta"),
        2: ("data", "map:str"),
        3: ("binaryData", "map:bytes"),
        4: ("immutable", "bool"),
    },
    "Namespace": {1: ("metadata", "ObjectMeta"), 2: ("spec", "NamespaceSpec")},
    "NamespaceSpec": {1: ("finalizers", "rep:str")},
    "DeleteOptions": {
        1: ("gracePeriodSeconds", "int"),
        2: ("preconditions", "Preconditions"),
        3: ("orphanDependents", "bool"),
        4: ("propagationPolicy", "str"),
        5: ("dryRun", "rep:str"),
    },
    "Preconditions": {1: ("uid", "str"), 2: ("resourceVersion", "str")},
    "Time": {1: ("seconds", "int"), 2: ("nanos", "int")},
    "MapEntry": {1: ("key", "raw"), 2: ("value", "raw")},
}


class ProtobufError(ValueError):
    pass


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(data):
            raise ProtobufError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def fields(data: bytes) -> list[tuple[int, int | bytes]]:
    """The (field number, value) pairs of a message: varints as int, length-delimited as bytes."""
    out: list[tuple[int, int | bytes]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, value))
        elif wire == 2:
            length, pos = _varint(data, pos)
            out.append((number, data[pos : pos + length]))
            pos += length
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
        else:
            raise ProtobufError(f"unsupported wire type {wire}")
    return out


def _scalar(kind: str, value: int | bytes) -> Any:
    if kind == "int":
        return value
    if kind == "bool":
        return bool(value)
    assert isinstance(value, bytes)
    if kind == "str":
        return value.decode()
    if kind == "bytes":
        return base64.b64encode(value).decode()
    if kind == "raw":
        return value
    if kind == "time":
        stamp = decode_message("Time", value)
        return dt.datetime.fromtimestamp(stamp.get("seconds", 0), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return decode_message(kind, value)


def decode_message(schema: str, data: bytes) -> Obj:
    spec = SCHEMAS[schema]
    out: Obj = {}
    for number, value in fields(data):
        if number not in spec:
            continue
        name, kind = spec[number]
        if kind.startswith("map:"):
            entry = decode_message("MapEntry", value if isinstance(value, bytes) else b"")
            key = entry.get("key", b"").decode()
            out.setdefault(name, {})[key] = _scalar(kind[4:], entry.get("value", b""))
        elif kind.startswith("rep:"):
            out.setdefault(name, []).append(_scalar(kind[4:], value))
        else:
            out[name] = _scalar(kind, value)
    return out


def decode(body: bytes) -> Obj:
    """A protobuf request body as the JSON object it stands for."""
    if not body.startswith(MAGIC):
        raise ProtobufError("missing the k8s protobuf magic prefix")
    envelope = decode_message("Unknown", body[len(MAGIC) :])
    type_meta = envelope.get("typeMeta") or {}
    kind = type_meta.get("kind", "")
    if kind not in SCHEMAS:
        raise ProtobufError(f"protobuf bodies of kind {kind!r} are not supported by the fake; send JSON")
    obj = decode_message(kind, envelope.get("raw", b""))
    if kind != "DeleteOptions":
        obj = {"apiVersion": type_meta.get("apiVersion", "v1"), "kind": kind, **obj}
    return obj
