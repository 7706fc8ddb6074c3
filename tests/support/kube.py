"""The ``kube`` fixture: a Kubernetes cluster for integration tests.

By default it is the fake API server (tests/support/fakekube) started on 127.0.0.1 for
each test; with ``CI_HELM_TEST_KUBECONFIG`` naming a kubeconfig, the same tests run
against that real cluster instead (each test in its own fresh namespace). Neither mode
has a kubelet that tests can rely on: ``make_ready`` writes the status a controller
would, through the API, so it works the same in both modes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.fakekube import FakeKube, ready_status

REAL_CLUSTER_ENV = "CI_HELM_TEST_KUBECONFIG"
WORKLOADS = {
    "Deployment": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "PersistentVolumeClaim": "v1",
    "Service": "v1",
    "Pod": "v1",
}


def real_cluster_kubeconfig() -> Path | None:
    value = os.environ.get(REAL_CLUSTER_ENV)
    return Path(value) if value else None


def real_cluster_skip_reason() -> str:
    return (
        f"real-cluster mode is off: {REAL_CLUSTER_ENV} is not set, so the integration tests ran "
        "against the fake API server (tests/support/fakekube) only"
    )


@dataclass
class KubeCluster:
    """A cluster and a namespace of its own for one test."""

    kubeconfig: Path
    namespace: str
    fake: FakeKube | None = None
    _namespaces: list[str] = field(default_factory=list)
    _readier: AutoReadier | None = None
    hold: Callable[[dict[str, Any]], bool] = lambda obj: False

    @property
    def is_fake(self) -> bool:
        return self.fake is not None

    def api_client(self) -> Any:
        from kubernetes import config

        return config.new_client_from_config(config_file=str(self.kubeconfig))

    def dynamic(self) -> Any:
        from kubernetes.dynamic import DynamicClient

        return DynamicClient(self.api_client())

    def new_namespace(self, prefix: str = "t") -> str:
        """A fresh namespace, deleted when the test ends."""
        from kubernetes import client

        name = f"{prefix}-{secrets.token_hex(4)}"
        client.CoreV1Api(self.api_client()).create_namespace({"metadata": {"name": name}})
        self._namespaces.append(name)
        return name

    def make_ready(
        self, kind: str, namespace: str, name: str, *, api_version: str | None = None, succeed: bool = True
    ) -> None:
        """Write the status a controller would write once ``kind/name`` is ready (or failed)."""
        resource = self.dynamic().resources.get(api_version=api_version or WORKLOADS[kind], kind=kind)
        current = resource.get(name=name, namespace=namespace).to_dict()
        status = ready_status(current, succeed=succeed)
        if status is None:
            return
        resource.status.patch(
            body={"status": status},
            name=name,
            namespace=namespace,
            content_type="application/merge-patch+json",
        )

    def auto_ready(self, on: bool = True, *, hold: Callable[[dict[str, Any]], bool] | None = None) -> None:
        """Make every new workload ready (and every pod run) without being asked,
        except objects ``hold`` returns True for (they stay unready, like a broken image)."""
        self.hold = hold or (lambda obj: False)
        if self.fake is not None:
            self.fake.kubelet.auto_ready = on
            self.fake.kubelet.hold = self.hold
            return
        if on and self._readier is None:
            self._readier = AutoReadier(self)
            self._readier.start()
        elif not on and self._readier is not None:
            self._readier.stop()
            self._readier = None

    def cleanup(self) -> None:
        from kubernetes import client

        self.auto_ready(False)
        core = client.CoreV1Api(self.api_client())
        for name in self._namespaces:
            with contextlib.suppress(client.ApiException):
                core.delete_namespace(name)


class AutoReadier(threading.Thread):
    """For real clusters: polls the test's namespaces and marks what it finds ready."""

    def __init__(self, cluster: KubeCluster) -> None:
        super().__init__(daemon=True, name="auto-readier")
        self.cluster = cluster
        self.halt = threading.Event()
        self.done: set[tuple[str, str, str, int]] = set()

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=5)

    def run(self) -> None:
        dynamic = self.cluster.dynamic()
        while not self.halt.wait(0.3):
            for kind, version in WORKLOADS.items():
                resource = dynamic.resources.get(api_version=version, kind=kind)
                for item in resource.get().to_dict().get("items", []):
                    meta = item["metadata"]
                    key = (kind, meta.get("namespace", ""), meta["name"], meta.get("generation", 0))
                    wanted = meta.get("namespace") in self.cluster._namespaces and not self.cluster.hold(item)
                    if wanted and key not in self.done:
                        self.done.add(key)
                        self._ready(kind, version, meta)

    def _ready(self, kind: str, version: str, meta: dict[str, Any]) -> None:
        with contextlib.suppress(Exception):  # the object may be gone already
            self.cluster.make_ready(kind, meta["namespace"], meta["name"], api_version=version)


@pytest.fixture
def fake_kube() -> Iterator[FakeKube]:
    """The fake API server itself (for tests of the fake, or of credentials and outages)."""
    fake = FakeKube(namespace_delete_delay=0.1).start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def kube(tmp_path: Path) -> Iterator[KubeCluster]:
    """A cluster (the fake, or the real one ``CI_HELM_TEST_KUBECONFIG`` names) with a fresh namespace."""
    real = real_cluster_kubeconfig()
    fake = None if real else FakeKube(namespace_delete_delay=0.1).start()
    kubeconfig = real or fake.write_kubeconfig(tmp_path / "kubeconfig")  # type: ignore[union-attr]
    cluster = KubeCluster(kubeconfig=kubeconfig, namespace="", fake=fake)
    try:
        cluster.namespace = cluster.new_namespace("ci-helm-test")
        yield cluster
    finally:
        cluster.cleanup()
        if fake is not None:
            fake.stop()
