"""Hooks apart from manifests, both in Helm's install order: a port of Helm's releaseutil.

From helm/helm v4.2.3 ``pkg/release/v1/util/manifest_sorter.go`` and ``kind_sorter.go``:
files are visited in byte order of their path (partials and blank files skipped), each
file's documents in order; a document whose ``helm.sh/hook`` annotation names only known
events is a hook, one naming an unknown event (e.g. Helm 2's ``crd-install``) is dropped,
everything else is a manifest. Both lists are then stably sorted by kind in
:data:`INSTALL_ORDER`; unknown kinds go last, alphabetically by kind, and equal kinds keep
their order (Helm does not break ties by name).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ci_helm.errors import RenderError, YamlError
from ci_helm.render.split import go_trim_space, split_manifests
from ci_helm.yamlio import load_yaml

__all__ = [
    "HOOK_EVENTS",
    "INSTALL_ORDER",
    "Head",
    "Hook",
    "Manifest",
    "parse_head",
    "sort_by_kind",
    "sort_manifests",
]

INSTALL_ORDER: tuple[str, ...] = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
    "RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
)  # fmt: skip

# Event names Helm accepts in helm.sh/hook ("test-success" is Helm 2's name for "test").
HOOK_EVENTS: dict[str, str] = {
    name: name
    for name in (
        "pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade",
        "pre-rollback", "post-rollback", "test",
    )
} | {"test-success": "test"}  # fmt: skip

HOOK_ANNOTATION = "helm.sh/hook"
_WEIGHT = re.compile(r"[+-]?[0-9]+")  # strconv.Atoi
_RANK = {kind: i for i, kind in enumerate(INSTALL_ORDER)}
T = TypeVar("T")


@dataclass(frozen=True)
class Head:
    """Helm's ``SimpleHead``: the few fields it reads from each document."""

    api_version: str = ""
    kind: str = ""
    name: str = ""
    annotations: Mapping[str, str] = field(default_factory=dict)
    has_metadata: bool = False


@dataclass(frozen=True)
class Manifest:
    path: str  # the template it came from, e.g. "mychart/templates/service.yaml"
    content: str
    head: Head


@dataclass(frozen=True)
class Hook:
    path: str
    content: str
    kind: str
    name: str
    events: tuple[str, ...]
    weight: int = 0
    delete_policies: tuple[str, ...] = ()
    output_log_policies: tuple[str, ...] = ()

    @property
    def is_test(self) -> bool:
        return "test" in self.events


def sort_manifests(files: Mapping[str, str]) -> tuple[list[Hook], list[Manifest]]:
    """Helm's ``SortManifests(files, nil, InstallOrder)``; raises ``RenderError`` on bad YAML."""
    hooks: list[Hook] = []
    generic: list[Manifest] = []
    for path in sorted(files, key=lambda p: p.encode("utf-8")):
        content = files[path]
        if path.rsplit("/", 1)[-1].startswith("_") or go_trim_space(content) == "":
            continue
        for doc in split_manifests(content):
            _classify(path, doc, hooks, generic)
    return sort_by_kind(hooks, lambda h: h.kind), sort_by_kind(generic, lambda m: m.head.kind)


def _classify(path: str, doc: str, hooks: list[Hook], generic: list[Manifest]) -> None:
    head = parse_head(doc, path)
    hook_types = head.annotations.get(HOOK_ANNOTATION) if head.annotations else None
    if hook_types is None:
        generic.append(Manifest(path, doc, head))
        return
    events = [t.strip().lower() for t in hook_types.split(",")]
    if any(e not in HOOK_EVENTS for e in events):
        return  # Helm skips documents with unknown hook types (logged at info level only)
    hooks.append(
        Hook(
            path=path,
            content=doc,
            kind=head.kind,
            name=head.name,
            events=tuple(HOOK_EVENTS[e] for e in events),
            weight=_weight(head.annotations.get("helm.sh/hook-weight", "")),
            delete_policies=_policies(head.annotations.get("helm.sh/hook-delete-policy")),
            output_log_policies=_policies(head.annotations.get("helm.sh/hook-output-log-policy")),
        )
    )


def sort_by_kind(items: list[T], kind_of: Callable[[T], str]) -> list[T]:
    """Stable sort by :data:`INSTALL_ORDER`; unknown kinds last, alphabetically (byte order)."""

    def key(item: T) -> tuple[int, int, bytes]:
        kind = kind_of(item)
        rank = _RANK.get(kind)
        return (0, rank, b"") if rank is not None else (1, 0, kind.encode("utf-8"))

    return sorted(items, key=key)


def parse_head(doc: str, path: str) -> Head:
    """Read apiVersion/kind/metadata like ``yaml.Unmarshal(doc, &SimpleHead{})`` (sigs.k8s.io/yaml)."""
    try:
        data = load_yaml(doc, path=path)
    except YamlError as exc:
        raise RenderError(f"YAML parse error: {exc.message}", path=path, line=exc.line) from None
    if data is None:
        return Head()
    if not isinstance(data, dict):
        raise RenderError(f"YAML parse error: a document is a {_go_type(data)}, not a mapping", path=path)
    metadata = data.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise RenderError(f"YAML parse error: metadata is a {_go_type(metadata)}, not a mapping", path=path)
    meta = metadata or {}
    return Head(
        api_version=_string(data.get("apiVersion"), "apiVersion", path),
        kind=_string(data.get("kind"), "kind", path),
        name=_string(meta.get("name"), "metadata.name", path),
        annotations=_annotations(meta.get("annotations"), path),
        has_metadata=metadata is not None,
    )


def _annotations(raw: Any, path: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise RenderError(f"YAML parse error: metadata.annotations is a {_go_type(raw)}", path=path)
    return {str(k): _string(v, f"metadata.annotations.{k}", path) for k, v in raw.items()}


def _string(value: Any, what: str, path: str) -> str:
    """JSON null leaves a Go string empty; any other non-string is an unmarshal error in Helm."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise RenderError(f"YAML parse error: {what} must be a string, not a {_go_type(value)}", path=path)


def _go_type(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else type(value).__name__


def _weight(text: str) -> int:
    return int(text) if _WEIGHT.fullmatch(text) else 0


def _policies(raw: str | None) -> tuple[str, ...]:
    return () if raw is None else tuple(p.strip().lower() for p in raw.split(","))
