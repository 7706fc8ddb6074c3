"""The Kubernetes API through the official Python client: the only module importing ``kubernetes``.

Reads what Helm does not give: live objects (readiness), their events, pod logs; and
manages the throw-away namespaces of ``ci-helm test``. Errors become one-line
``ClusterError``s (unreachable, 401, 403); a missing object is ``None``, not an error.
"""

from __future__ import annotations

import time
from typing import Any

from ci_helm.engine.releases import ClusterTarget
from ci_helm.errors import ClusterError

__all__ = ["KubeClient"]

Obj = dict[str, Any]


class KubeClient:
    def __init__(self, target: ClusterTarget) -> None:
        self.target = target
        self._api: Any = None
        self._dynamic: Any = None

    def _client(self) -> Any:
        if self._api is None:
            from kubernetes import config

            loader: Any = config.new_client_from_config  # untyped in the client
            try:
                self._api = loader(config_file=self.target.kubeconfig, context=self.target.context)
            except Exception as exc:  # the loader raises ConfigException, ValueError, OSError...
                where = self.target.kubeconfig or "the default kubeconfig"
                raise ClusterError(f"cannot load kubeconfig {where}: {exc}") from None
        return self._api

    def _resources(self) -> Any:
        if self._dynamic is None:
            from kubernetes.dynamic import DynamicClient

            dynamic: Any = DynamicClient
            self._dynamic = self._call(lambda: dynamic(self._client()))
        return self._dynamic.resources

    def _call(self, action: Any) -> Any:
        from kubernetes.client.exceptions import ApiException
        from urllib3.exceptions import HTTPError

        try:
            return action()
        except ApiException as exc:
            if exc.status == 401:
                raise ClusterError(
                    f"the cluster refused the credentials of {self._where()} (401 Unauthorized)"
                ) from None
            if exc.status == 403:
                raise ClusterError(f"{self._where()}: permission denied: {exc.reason}") from None
            raise
        except HTTPError as exc:
            raise ClusterError(f"the cluster of {self._where()} is unreachable: {exc}") from None

    def _where(self) -> str:
        where = self.target.kubeconfig or "the default kubeconfig"
        return where + (f" (context {self.target.context})" if self.target.context else "")

    def get(self, api_version: str, kind: str, namespace: str, name: str) -> Obj | None:
        """The live object, or None when it (or its kind) does not exist."""
        from kubernetes.client.exceptions import ApiException
        from kubernetes.dynamic.exceptions import NotFoundError, ResourceNotFoundError

        try:
            resource = self._call(lambda: self._resources().get(api_version=api_version, kind=kind))
            found = self._call(lambda: resource.get(name=name, namespace=namespace or None))
        except (NotFoundError, ResourceNotFoundError):
            return None
        except ApiException as exc:
            if exc.status == 404:
                return None
            raise
        return found.to_dict()  # type: ignore[no-any-return]

    def list_objects(
        self, api_version: str, kind: str, namespace: str, label_selector: str | None = None
    ) -> list[Obj]:
        resource = self._call(lambda: self._resources().get(api_version=api_version, kind=kind))
        found = self._call(lambda: resource.get(namespace=namespace or None, label_selector=label_selector))
        return list(found.to_dict().get("items") or [])

    def events(self, namespace: str, kind: str, name: str) -> list[Obj]:
        """The object's events, newest last."""
        selector = f"involvedObject.kind={kind},involvedObject.name={name}"
        resource = self._call(lambda: self._resources().get(api_version="v1", kind="Event"))
        found = self._call(lambda: resource.get(namespace=namespace or None, field_selector=selector))
        items = list(found.to_dict().get("items") or [])
        return sorted(items, key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))

    def namespace_events(self, namespace: str) -> list[Obj]:
        return self.list_objects("v1", "Event", namespace)

    def pod_log(
        self, namespace: str, name: str, *, container: str | None = None, previous: bool = False
    ) -> str:
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        core = client.CoreV1Api(self._client())
        try:
            text = self._call(
                lambda: core.read_namespaced_pod_log(name, namespace, container=container, previous=previous)
            )
        except ApiException as exc:
            return f"(no log: {exc.reason})"
        return str(text or "")

    def check_reachable(self) -> None:
        from kubernetes import client

        self._call(lambda: client.VersionApi(self._client()).get_code())

    def create_namespace(self, name: str, labels: dict[str, str] | None = None) -> None:
        from kubernetes import client

        body: Any = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": name, "labels": labels or {}},
        }
        self._call(lambda: client.CoreV1Api(self._client()).create_namespace(body))

    def delete_namespace(self, name: str, *, wait: float = 0.0) -> bool:
        """Delete a namespace; with ``wait``, until it is gone (True) or the time is up (False)."""
        from kubernetes import client
        from kubernetes.client.exceptions import ApiException

        core = client.CoreV1Api(self._client())
        try:
            self._call(lambda: core.delete_namespace(name))
        except ApiException as exc:
            if exc.status == 404:
                return True
            raise
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.get("v1", "Namespace", "", name) is None:
                return True
            time.sleep(0.2)
        return wait <= 0
