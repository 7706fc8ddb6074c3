"""A stand-in for controllers and kubelet: opt-in, it makes new workloads ready.

Off by default, as on a cluster without nodes. ``auto_ready`` makes every workload
(Deployment, StatefulSet, DaemonSet, Job, PVC, LoadBalancer Service) ready shortly after
each change of its spec, and runs pods: long-running ones become Ready, run-to-completion
ones (test hooks) Succeed - unless a pod rule says they fail, and with the log it gives.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .readiness import ready_status
from .resources import ResourceType
from .store import ApiError, Store

Obj = dict[str, Any]
_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "PersistentVolumeClaim", "ReplicaSet"}


@dataclass
class PodRule:
    """Pods whose name matches ``pattern`` end with ``succeed`` and print ``log``."""

    pattern: str
    succeed: bool = True
    log: str = ""


class Kubelet:
    def __init__(self, store: Store, delay: float = 0.05) -> None:
        self.store = store
        self.delay = delay
        self.auto_ready = False
        self.pod_rules: list[PodRule] = []
        # Objects for which this returns True are left unready (a broken image, say).
        self.hold: Callable[[Obj], bool] = lambda obj: False
        store.listeners.append(self.observe)

    def observe(self, event: str, rtype: ResourceType, obj: Obj) -> None:
        if event == "DELETED" or obj["metadata"].get("deletionTimestamp"):
            return
        if rtype.kind == "Pod":
            if event == "ADDED":
                self._run_pod(rtype, obj)
        elif self.auto_ready and _wants_status(rtype, obj) and not self.hold(obj):
            self._later(rtype, obj, ready_status(obj))

    def _run_pod(self, rtype: ResourceType, pod: Obj) -> None:
        name = pod["metadata"]["name"]
        rule = next((r for r in self.pod_rules if re.search(r.pattern, name)), None)
        if rule is None and not self.auto_ready:
            return
        rule = rule or PodRule(".*")
        self._later(rtype, pod, ready_status(pod, succeed=rule.succeed), rule.log)

    def _later(self, rtype: ResourceType, obj: Obj, status: Obj | None, log: str = "") -> None:
        if status is None:
            return
        ns, name = obj["metadata"].get("namespace", ""), obj["metadata"]["name"]
        timer = threading.Timer(self.delay, self._set_status, (rtype, ns, name, status, log))
        timer.daemon = True
        timer.start()

    def _set_status(self, rtype: ResourceType, ns: str, name: str, status: Obj, log: str) -> None:
        def mutate(current: Obj) -> Obj:
            current["status"] = {**(current.get("status") or {}), **status}
            if "observedGeneration" in status:
                current["status"]["observedGeneration"] = current["metadata"].get("generation", 1)
            return current

        try:
            with self.store.cond:
                if log:
                    self.store.pod_logs[(ns, name)] = log
                self.store.replace(
                    rtype, ns, name, mutate, subresource="status", manager="fakekube-kubelet", check_rv=False
                )
        except ApiError:
            pass  # deleted meanwhile


def _wants_status(rtype: ResourceType, obj: Obj) -> bool:
    status = obj.get("status") or {}
    spec = obj.get("spec") or {}
    if rtype.kind == "Service":
        return spec.get("type") == "LoadBalancer" and not (status.get("loadBalancer") or {}).get("ingress")
    if rtype.kind not in _WORKLOADS:
        return False
    if rtype.kind == "PersistentVolumeClaim":
        return status.get("phase") != "Bound"
    if rtype.kind == "Job":
        return not status.get("conditions")
    return status.get("observedGeneration") != obj["metadata"].get("generation")
