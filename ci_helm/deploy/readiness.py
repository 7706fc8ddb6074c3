"""Is a live object ready? Judged from its status the way controllers report it.

Deployments, StatefulSets, DaemonSets, Jobs, PVCs, LoadBalancer Services, Pods and any
resource with standard conditions (Ready / Available). Kinds without a notion of
readiness (ConfigMap, Secret, ClusterIP Service, RBAC ...) are ready once they exist.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Readiness", "conditions_text", "judge"]

Obj = dict[str, Any]


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str = ""
    failed: bool = False  # will not become ready by waiting (Job failed, deadline exceeded)


READY = Readiness(True)


def _conditions(obj: Obj) -> dict[str, Obj]:
    return {c.get("type", ""): c for c in (obj.get("status") or {}).get("conditions") or []}


def _is_true(obj: Obj, kind: str) -> bool:
    return _conditions(obj).get(kind, {}).get("status") == "True"


def conditions_text(obj: Obj) -> str:
    """``Available=False (MinimumReplicasUnavailable: ...)``, one per condition."""
    parts = []
    for cond in (obj.get("status") or {}).get("conditions") or []:
        why = ": ".join(p for p in (cond.get("reason"), cond.get("message")) if p)
        parts.append(f"{cond.get('type')}={cond.get('status')}" + (f" ({why})" if why else ""))
    return ", ".join(parts)


def _stale(obj: Obj) -> Readiness | None:
    status, meta = obj.get("status") or {}, obj.get("metadata") or {}
    observed, generation = status.get("observedGeneration"), meta.get("generation")
    if generation is not None and (observed is None or observed < generation):
        return Readiness(False, f"its controller has not seen generation {generation} yet")
    return None


def _deployment(obj: Obj) -> Readiness:
    progressing = _conditions(obj).get("Progressing", {})
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return Readiness(False, "progress deadline exceeded", failed=True)
    stale = _stale(obj)
    if stale:
        return stale
    status, want = obj.get("status") or {}, (obj.get("spec") or {}).get("replicas", 1)
    updated, available = status.get("updatedReplicas", 0), status.get("availableReplicas", 0)
    if updated < want:
        return Readiness(False, f"{updated}/{want} replicas updated")
    if available < want or status.get("replicas", 0) > want:
        return Readiness(False, f"{available}/{want} replicas available")
    return READY


def _statefulset(obj: Obj) -> Readiness:
    stale = _stale(obj)
    if stale:
        return stale
    status, want = obj.get("status") or {}, (obj.get("spec") or {}).get("replicas", 1)
    ready = status.get("readyReplicas", 0)
    if ready < want:
        return Readiness(False, f"{ready}/{want} replicas ready")
    if status.get("updateRevision") and status.get("currentRevision") != status.get("updateRevision"):
        return Readiness(False, "rolling update in progress")
    return READY


def _daemonset(obj: Obj) -> Readiness:
    stale = _stale(obj)
    if stale:
        return stale
    status = obj.get("status") or {}
    want = status.get("desiredNumberScheduled", 0)
    updated, available = status.get("updatedNumberScheduled", 0), status.get("numberAvailable", 0)
    if "desiredNumberScheduled" not in status:
        return Readiness(False, "no status yet")
    if updated < want or available < want:
        return Readiness(False, f"{available}/{want} pods available, {updated}/{want} updated")
    return READY


def _job(obj: Obj) -> Readiness:
    if _is_true(obj, "Failed"):
        return Readiness(False, "the job failed", failed=True)
    if _is_true(obj, "Complete"):
        return READY
    status = obj.get("status") or {}
    return Readiness(
        False, f"not complete ({status.get('succeeded', 0)} succeeded, {status.get('failed', 0)} failed)"
    )


def _pvc(obj: Obj) -> Readiness:
    phase = (obj.get("status") or {}).get("phase", "Pending")
    return READY if phase == "Bound" else Readiness(False, f"phase {phase}, not Bound")


def _service(obj: Obj) -> Readiness:
    if (obj.get("spec") or {}).get("type") != "LoadBalancer":
        return READY
    ingress = ((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress")
    return READY if ingress else Readiness(False, "no load balancer address assigned yet")


def _pod(obj: Obj) -> Readiness:
    phase = (obj.get("status") or {}).get("phase", "Pending")
    if phase == "Succeeded" or (phase == "Running" and _is_true(obj, "Ready")):
        return READY
    return Readiness(False, f"phase {phase}", failed=phase == "Failed")


def _generic(obj: Obj) -> Readiness:
    conditions = _conditions(obj)
    for kind in ("Ready", "Available"):
        if kind in conditions:
            if conditions[kind].get("status") == "True":
                tracked = "observedGeneration" in (obj.get("status") or {})
                return (_stale(obj) if tracked else None) or READY
            return Readiness(False, f"{kind}={conditions[kind].get('status')}")
    return READY


JUDGES: dict[str, Callable[[Obj], Readiness]] = {
    "Deployment": _deployment,
    "StatefulSet": _statefulset,
    "DaemonSet": _daemonset,
    "Job": _job,
    "PersistentVolumeClaim": _pvc,
    "Service": _service,
    "Pod": _pod,
}
_NO_READINESS = {
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
}


def judge(obj: Obj) -> Readiness:
    kind = obj.get("kind", "")
    if kind in _NO_READINESS:
        return READY
    judge_kind = JUDGES.get(kind, _generic)
    return judge_kind(obj)
