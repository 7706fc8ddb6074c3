"""Shared helpers for best-practice rules: find pod specs and containers in rendered objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.lint.model import Document, Finding, RuleContext
from ci_helm.model.results import Level

__all__ = [
    "Container",
    "PodSpec",
    "containers",
    "containers_without",
    "finding",
    "is_test_hook",
    "pod_specs",
]

# kind → path from the object root to its pod spec
_POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
LONG_RUNNING = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"})


@dataclass(frozen=True)
class PodSpec:
    doc: Document
    spec: Mapping[str, Any]
    path: str  # JSON path of the pod spec inside the object, e.g. "spec.template.spec"


@dataclass(frozen=True)
class Container:
    pod: PodSpec
    container: Mapping[str, Any]
    field: str  # "containers" | "initContainers" | "ephemeralContainers"
    index: int

    @property
    def name(self) -> str:
        return str(self.container.get("name") or f"#{self.index}")

    @property
    def path(self) -> str:
        return f"{self.pod.path}.{self.field}[{self.index}]"

    def describe(self) -> str:
        kind = "init container" if self.field == "initContainers" else "container"
        return f"{kind} {self.name!r} of {self.pod.doc.describe()}"


def is_test_hook(doc: Document) -> bool:
    meta = doc.obj.get("metadata")
    annotations = meta.get("annotations") if isinstance(meta, Mapping) else None
    hooks = str(annotations.get("helm.sh/hook", "")) if isinstance(annotations, Mapping) else ""
    return any(h.strip() in ("test", "test-success", "test-failure") for h in hooks.split(","))


def pod_specs(ctx: RuleContext, *, include_tests: bool = False) -> Iterator[PodSpec]:
    if ctx.rendered is None:
        return
    for doc in ctx.rendered.documents:
        route = _POD_SPEC_PATHS.get(doc.kind)
        if route is None or (not include_tests and is_test_hook(doc)):
            continue
        node: Any = doc.obj
        for part in route:
            node = node.get(part) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            yield PodSpec(doc, node, ".".join(route))


def containers(pod: PodSpec, *, init: bool = True) -> Iterator[Container]:
    fields = ("containers", "initContainers") if init else ("containers",)
    for field in fields:
        items = pod.spec.get(field)
        if isinstance(items, list):
            for i, c in enumerate(items):
                if isinstance(c, Mapping):
                    yield Container(pod, c, field, i)


def containers_without(
    ctx: RuleContext, setting: str, wanted: bool, *, include_tests: bool
) -> Iterator[Container]:
    """Containers whose ``securityContext`` does not set ``setting`` to ``wanted`` (unset included)."""
    for pod in pod_specs(ctx, include_tests=include_tests):
        for c in containers(pod):
            sc = c.container.get("securityContext")
            if not (isinstance(sc, Mapping) and sc.get(setting) is wanted):
                yield c


def finding(doc: Document, message: str, level: Level | None = None) -> Finding:
    return Finding(message, path=doc.template, level=level)
