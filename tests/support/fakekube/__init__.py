"""A fake Kubernetes API server for the test suite (no kubelet, no controllers).

    fake = FakeKube().start()
    kubeconfig = fake.write_kubeconfig(tmp_path / "kubeconfig")
    ...  # the kubernetes client, helm_python and the helm CLI all talk to it
    fake.stop()

Tests make workloads ready as they would on a cluster without nodes: by writing their
status (``make_ready``), or opt in to ``kubelet.auto_ready``.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import yaml

from .kubelet import Kubelet, PodRule
from .readiness import ready_status
from .server import FakeApiServer, serve
from .store import ApiError, Store
from .tls import self_signed, server_context

__all__ = ["ApiError", "FakeKube", "PodRule", "ready_status"]


class FakeKube:
    def __init__(
        self, *, tokens: set[str] | None = None, tls: bool | None = None, namespace_delete_delay: float = 0.2
    ) -> None:
        """``tokens``: accepted bearer tokens (none = no authentication). ``tls`` defaults to on
        when tokens are set: client-go sends no credentials over plain HTTP."""
        self.store = Store(namespace_delete_delay=namespace_delete_delay)
        self.kubelet = Kubelet(self.store)
        self.tokens: set[str] = set(tokens or ())
        self.tls = bool(tokens) if tls is None else tls
        self.ca_file: Path | None = None
        self._server: FakeApiServer | None = None

    def start(self) -> FakeKube:
        context = None
        if self.tls:
            self.ca_file, key = self_signed()
            context = server_context(self.ca_file, key)
        self._server, _ = serve(self.store, self.tokens, context)
        return self

    def stop(self) -> None:
        self.store.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server.close_connections()
            self._server = None

    def __enter__(self) -> FakeKube:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "FakeKube not started"
        host, port = self._server.server_address[:2]
        return f"{'https' if self.tls else 'http'}://{host}:{port}"

    @property
    def requests(self) -> list[tuple[str, str]]:
        assert self._server is not None
        return self._server.requests

    def kubeconfig(
        self, *, token: str | None = None, namespace: str | None = None, context: str = "fakekube"
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"token": token} if token else {}
        ctx: dict[str, Any] = {"cluster": "fakekube", "user": "tester"}
        if namespace:
            ctx["namespace"] = namespace
        return {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": "fakekube", "cluster": self._cluster_entry()}],
            "users": [{"name": "tester", "user": user}],
            "contexts": [{"name": context, "context": ctx}],
            "current-context": context,
        }

    def _cluster_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"server": self.url}
        if self.ca_file is not None:
            entry["certificate-authority-data"] = base64.b64encode(self.ca_file.read_bytes()).decode()
        return entry

    def write_kubeconfig(self, path: Path, **kwargs: Any) -> Path:
        path.write_text(yaml.safe_dump(self.kubeconfig(**kwargs)))
        path.chmod(0o600)
        return path

    # --- test helpers acting straight on the store ----------------------------------------

    def get(self, group: str, kind: str, ns: str, name: str) -> dict[str, Any]:
        return self.store.get(self.store.type_of(group, kind), ns, name)

    def make_ready(
        self, kind: str, ns: str, name: str, *, group: str | None = None, succeed: bool = True
    ) -> None:
        """Write the ready status of one object (as its controller would)."""
        rtype = self._type(kind, group)
        current = self.store.get(rtype, ns, name)
        status = ready_status(current, succeed=succeed) or {}

        def mutate(obj: dict[str, Any]) -> dict[str, Any]:
            obj["status"] = {**(obj.get("status") or {}), **status}
            return obj

        self.store.replace(
            rtype, ns, name, mutate, subresource="status", manager="fakekube-test", check_rv=False
        )

    def set_pod_log(self, ns: str, name: str, text: str, *, previous: bool = False) -> None:
        with self.store.cond:
            self.store.pod_logs[(ns, name + ("#previous" if previous else ""))] = text

    def _type(self, kind: str, group: str | None) -> Any:
        with self.store.cond:
            if group is not None:
                return self.store.type_of(group, kind)
            found = [t for t in self.store.registry.types.values() if t.kind == kind]
        if not found:
            raise KeyError(kind)
        return found[0]
