"""Pods mount no hostPath volumes.

A hostPath volume exposes the node's filesystem: writable mounts of ``/``, ``/var/run``
(the container runtime socket) or ``/etc`` are a node takeover. Log shippers and node
agents need some paths: list them in ``allowed-paths`` (prefixes).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import finding, pod_specs
from ci_helm.model.results import Level

ID = "host-path"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    allowed_paths: tuple[str, ...] = ()


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx, include_tests=True):
        volumes = pod.spec.get("volumes")
        for v in volumes if isinstance(volumes, list) else []:
            host = v.get("hostPath") if isinstance(v, Mapping) else None
            if not isinstance(host, Mapping):
                continue
            path = str(host.get("path", ""))
            if any(path == p or path.startswith(p.rstrip("/") + "/") for p in options.allowed_paths):
                continue
            yield finding(
                pod.doc,
                f"{pod.doc.describe()} mounts hostPath {path!r} (volume {v.get('name')!r}): use a "
                "PVC, emptyDir or ConfigMap",
            )
