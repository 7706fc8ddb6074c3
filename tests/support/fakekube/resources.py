"""The resource types the fake API server serves: built-in kinds plus kinds defined by CRDs.

A resource type is what discovery advertises and what the URL router resolves
(``/apis/apps/v1/namespaces/x/deployments`` -> apps/deployments). Objects are
stored per (group, plural), so every served version of a group sees the same objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class ResourceType:
    group: str
    versions: tuple[str, ...]
    kind: str
    plural: str
    namespaced: bool
    subresources: tuple[str, ...] = ()
    short_names: tuple[str, ...] = ()
    list_kind: str = ""

    @property
    def singular(self) -> str:
        return self.kind.lower()

    def api_version(self, version: str | None = None) -> str:
        version = version or self.versions[0]
        return f"{self.group}/{version}" if self.group else version

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.plural)


def _b(
    group: str,
    versions: str,
    kind: str,
    plural: str,
    namespaced: bool = True,
    sub: tuple[str, ...] = (),
    short: tuple[str, ...] = (),
) -> ResourceType:
    return ResourceType(
        group, tuple(versions.split(",")), kind, plural, namespaced, sub, short, kind + "List"
    )


BUILTIN: tuple[ResourceType, ...] = (
    _b("", "v1", "Namespace", "namespaces", False, ("status",), ("ns",)),
    _b("", "v1", "Pod", "pods", True, ("status", "log"), ("po",)),
    _b("", "v1", "Service", "services", True, ("status",), ("svc",)),
    _b("", "v1", "ConfigMap", "configmaps", short=("cm",)),
    _b("", "v1", "Secret", "secrets"),
    _b("", "v1", "Event", "events", short=("ev",)),
    _b("", "v1", "ServiceAccount", "serviceaccounts", short=("sa",)),
    _b("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", True, ("status",), ("pvc",)),
    _b("", "v1", "PersistentVolume", "persistentvolumes", False, ("status",), ("pv",)),
    _b("", "v1", "Endpoints", "endpoints", short=("ep",)),
    _b("", "v1", "Node", "nodes", False, ("status",), ("no",)),
    _b("", "v1", "ReplicationController", "replicationcontrollers", True, ("status", "scale"), ("rc",)),
    _b("", "v1", "LimitRange", "limitranges", short=("limits",)),
    _b("", "v1", "ResourceQuota", "resourcequotas", True, ("status",), ("quota",)),
    _b("", "v1", "PodTemplate", "podtemplates"),
    _b("apps", "v1", "Deployment", "deployments", True, ("status", "scale"), ("deploy",)),
    _b("apps", "v1", "StatefulSet", "statefulsets", True, ("status", "scale"), ("sts",)),
    _b("apps", "v1", "DaemonSet", "daemonsets", True, ("status",), ("ds",)),
    _b("apps", "v1", "ReplicaSet", "replicasets", True, ("status", "scale"), ("rs",)),
    _b("apps", "v1", "ControllerRevision", "controllerrevisions"),
    _b("batch", "v1", "Job", "jobs", True, ("status",)),
    _b("batch", "v1", "CronJob", "cronjobs", True, ("status",), ("cj",)),
    _b(
        "autoscaling",
        "v2,v1",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        True,
        ("status",),
        ("hpa",),
    ),
    _b("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, ("status",), ("pdb",)),
    _b("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("status",), ("ing",)),
    _b("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", short=("netpol",)),
    _b("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False),
    _b("rbac.authorization.k8s.io", "v1", "Role", "roles"),
    _b("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"),
    _b("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    _b("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    _b("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, short=("sc",)),
    _b("coordination.k8s.io", "v1", "Lease", "leases"),
    _b("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, short=("pc",)),
    _b("events.k8s.io", "v1", "Event", "events", short=("ev",)),
    _b("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices"),
    _b(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        False,
    ),
    _b(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        False,
    ),
    _b(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        False,
        ("status",),
        ("crd",),
    ),
    _b("apiregistration.k8s.io", "v1", "APIService", "apiservices", False, ("status",)),
)

# Kinds whose real API server ignores .status on the main resource (status subresource exists).
SUBRESOURCE_STATUS = "status"


def from_crd(crd: dict[str, Any]) -> ResourceType | None:
    """The resource type a CustomResourceDefinition makes servable (None if it is malformed)."""
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    versions = [v for v in spec.get("versions") or [] if v.get("served", True)]
    if not (spec.get("group") and names.get("kind") and names.get("plural") and versions):
        return None
    # The storage version first: it is the "preferred" version discovery reports.
    versions.sort(key=lambda v: not v.get("storage", False))
    has_status = any("status" in (v.get("subresources") or {}) for v in versions)
    has_scale = any("scale" in (v.get("subresources") or {}) for v in versions)
    subs = tuple(s for s, present in (("status", has_status), ("scale", has_scale)) if present)
    return ResourceType(
        group=spec["group"],
        versions=tuple(v["name"] for v in versions),
        kind=names["kind"],
        plural=names["plural"],
        namespaced=spec.get("scope", "Namespaced") == "Namespaced",
        subresources=subs,
        short_names=tuple(names.get("shortNames") or ()),
        list_kind=names.get("listKind") or names["kind"] + "List",
    )


@dataclass
class Registry:
    """The currently served resource types (built-ins plus established CRDs)."""

    types: dict[tuple[str, str], ResourceType] = field(default_factory=dict)

    @classmethod
    def builtin(cls) -> Registry:
        return cls({t.key: t for t in BUILTIN})

    def lookup(self, group: str, version: str, plural: str) -> ResourceType | None:
        found = self.types.get((group, plural))
        if found is None or version not in found.versions:
            return None
        return found

    def by_kind(self, group: str, kind: str) -> ResourceType | None:
        return next((t for t in self.types.values() if t.group == group and t.kind == kind), None)

    def groups(self) -> dict[str, list[str]]:
        """group -> versions, in a stable order (core group excluded)."""
        out: dict[str, list[str]] = {}
        for t in self.types.values():
            if t.group:
                versions = out.setdefault(t.group, [])
                versions.extend(v for v in t.versions if v not in versions)
        return out

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        return [t for t in self.types.values() if t.group == group and version in t.versions]


class Route:
    """A parsed resource URL."""

    def __init__(self, rtype: ResourceType, version: str, ns: str, name: str, sub: str) -> None:
        self.rtype, self.version, self.ns, self.name, self.sub = rtype, version, ns, name, sub
