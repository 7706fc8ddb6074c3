"""Release operations (install, upgrade, rollback, uninstall, list, status, history, get, test).

They go through Helm itself, so hooks, ordering, apply semantics and release records are
Helm's own: a release ci-helm makes is listed, upgraded and rolled back by ``helm`` and
the other way round. :class:`ReleaseEngine` is what the deploy core needs;
:mod:`ci_helm.engine.helm_python_releases` implements it with the embedded SDK and
:mod:`ci_helm.engine.helm_cli_releases` with a ``helm`` binary.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

__all__ = ["ApplyOptions", "ClusterTarget", "Release", "ReleaseEngine", "TestRun"]


@dataclass(frozen=True)
class ClusterTarget:
    """Which cluster and namespace: ``--kubeconfig``, ``--kube-context``, ``--namespace``."""

    kubeconfig: str | None = None
    context: str | None = None
    namespace: str = "default"


@dataclass(frozen=True)
class Release:
    """One revision of a release, as Helm stores it."""

    name: str
    namespace: str
    revision: int
    status: str
    chart_name: str = ""
    chart_version: str = ""
    app_version: str = ""
    updated: str = ""
    description: str = ""
    notes: str = ""
    manifest: str = ""

    @property
    def chart(self) -> str:
        return f"{self.chart_name}-{self.chart_version}"

    @property
    def pending(self) -> bool:
        return self.status.startswith("pending-")

    def summary(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("manifest", "notes")}
        data["chart"] = self.chart
        return data

    @classmethod
    def from_helm(cls, data: Mapping[str, Any]) -> Release:
        return cls(
            name=str(data.get("name", "")),
            namespace=str(data.get("namespace", "")),
            revision=int(data.get("revision", 0)),
            status=str(data.get("status", "")),
            chart_name=str(data.get("chart_name", "")),
            chart_version=str(data.get("chart_version", "")),
            app_version=str(data.get("app_version", "")),
            updated=str(data.get("deployed_at", "")),
            description=str(data.get("description", "")),
            notes=str(data.get("notes", "")),
            manifest=str(data.get("manifest", "")),
        )


@dataclass(frozen=True)
class ApplyOptions:
    """How to install or upgrade. Helm waits for readiness itself (kstatus) when ``wait``."""

    wait: bool = True
    timeout: float = 300.0
    dry_run: bool = False
    create_namespace: bool = False
    reuse_values: bool = False
    reset_values: bool = False
    description: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class TestRun:
    """The outcome of a release's test hooks, with their pods' logs."""

    __test__ = False  # a result, not a pytest test class

    passed: bool
    logs: str
    message: str = ""


class ReleaseEngine(Protocol):
    """What the deploy core needs from Helm. Errors are ``ci_helm.errors`` (one line)."""

    target: ClusterTarget

    def check_reachable(self) -> None: ...

    def install(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release: ...

    def upgrade(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release: ...

    def rollback(self, name: str, revision: int | None, *, wait: bool, timeout: float) -> None: ...

    def uninstall(self, name: str, *, wait: bool, timeout: float) -> None: ...

    def list_releases(
        self, *, all_namespaces: bool = False, name_filter: str | None = None
    ) -> list[Release]: ...

    def status(self, name: str, revision: int | None = None) -> Release: ...

    def history(self, name: str) -> list[Release]: ...

    def get_values(
        self, name: str, *, all_values: bool = False, revision: int | None = None
    ) -> dict[str, Any]: ...

    def test(self, name: str, *, timeout: float) -> TestRun: ...

    def cancel(self) -> None:
        """Abort the install/upgrade operations in flight (from another thread); they raise."""
        ...
