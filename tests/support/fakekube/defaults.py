"""What the API server does to objects on the way in: defaults clients rely on, and the
fields it refuses to change (the usual cause of a chart upgrade that cannot be applied)."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from . import patching
from .api_errors import ApiError
from .resources import ResourceType

Obj = dict[str, Any]


# Fields the real API server refuses to change (the usual cause of a "breaking" chart upgrade).
IMMUTABLE = {
    "Deployment": (("spec", "selector"),),
    "StatefulSet": (("spec", "selector"), ("spec", "serviceName"), ("spec", "volumeClaimTemplates")),
    "DaemonSet": (("spec", "selector"),),
    "ReplicaSet": (("spec", "selector"),),
    "Job": (("spec", "selector"), ("spec", "template"), ("spec", "completions")),
    "PersistentVolumeClaim": (("spec", "storageClassName"), ("spec", "accessModes")),
}


def check_immutable(rtype: ResourceType, current: Obj, new: Obj) -> None:
    for path in IMMUTABLE.get(rtype.kind, ()):
        before, after = patching.get_path(current, path), patching.get_path(new, path)
        if before[0] and before != after:
            name = current["metadata"]["name"]
            raise ApiError(
                422,
                "Invalid",
                f'{rtype.kind}.{rtype.group or "core"} "{name}" is invalid: {".".join(path)}: '
                f"Invalid value: {json.dumps(after[1])}: field is immutable",
            )


def spec_of(obj: Obj) -> Obj:
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def apply_defaults(rtype: ResourceType, obj: Obj) -> None:
    """The few defaults clients rely on (the real server sets many more)."""
    if rtype.kind == "Secret":
        string_data = obj.pop("stringData", None) or {}
        data = obj.setdefault("data", {}) if string_data else obj.get("data")
        for key, value in string_data.items():
            data[key] = base64.b64encode(str(value).encode()).decode()  # type: ignore[index]
        obj.setdefault("type", "Opaque")
    elif rtype.kind == "Service":
        spec = obj.setdefault("spec", {})
        spec.setdefault("type", "ClusterIP")
        if spec["type"] != "ExternalName" and not spec.get("clusterIP"):
            spec["clusterIP"] = f"10.96.{secrets.randbelow(250) + 1}.{secrets.randbelow(250) + 1}"
    elif rtype.kind == "Pod":
        obj.setdefault("status", {}).setdefault("phase", "Pending")
    elif rtype.kind == "Namespace":
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj.setdefault("status", {"phase": "Active"})
    elif rtype.kind in ("Deployment", "StatefulSet", "ReplicaSet") and "replicas" not in obj.get("spec", {}):
        obj.setdefault("spec", {})["replicas"] = 1
