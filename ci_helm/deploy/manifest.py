"""A release manifest (Helm's rendered YAML stream) as identified Kubernetes objects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["CLUSTER_SCOPED", "KubeObject", "parse_manifest"]

CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PersistentVolume",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "APIService",
    "Node",
    "RuntimeClass",
    "CSIDriver",
}


@dataclass(frozen=True)
class KubeObject:
    api_version: str
    kind: str
    namespace: str  # "" for cluster-scoped kinds
    name: str
    body: dict[str, Any]

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (
            self.api_version.split("/")[0] if "/" in self.api_version else "",
            self.kind,
            self.namespace,
            self.name,
        )

    @property
    def ref(self) -> str:
        """``Deployment/web`` or ``Deployment/web (ns)`` as messages name objects."""
        return f"{self.kind}/{self.name}" + (f" (namespace {self.namespace})" if self.namespace else "")


def parse_manifest(text: str, default_namespace: str) -> list[KubeObject]:
    """The objects of a manifest; documents without kind/name (empty, comments) are skipped."""
    return list(_objects(yaml.safe_load_all(text or ""), default_namespace))


def _objects(documents: Iterable[Any], default_namespace: str) -> Iterable[KubeObject]:
    for doc in documents:
        if not isinstance(doc, dict) or not doc.get("kind"):
            continue
        if doc["kind"].endswith("List") and isinstance(doc.get("items"), list):
            yield from _objects(doc["items"], default_namespace)
            continue
        meta = doc.get("metadata") or {}
        if not meta.get("name"):
            continue
        scoped = doc["kind"] not in CLUSTER_SCOPED
        namespace = (meta.get("namespace") or default_namespace) if scoped else ""
        yield KubeObject(
            str(doc.get("apiVersion", "v1")), str(doc["kind"]), namespace, str(meta["name"]), doc
        )
