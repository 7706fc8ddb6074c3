"""What the deploy core reads from the cluster besides Helm's release records."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["ClusterReader"]


class ClusterReader(Protocol):
    """Live objects and their events (``ci_helm.adapters.kube.KubeClient`` in production)."""

    def get(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any] | None: ...

    def events(self, namespace: str, kind: str, name: str) -> list[dict[str, Any]]: ...
