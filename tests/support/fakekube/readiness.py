"""The status a workload has once its controllers and kubelet are done: what "ready" looks like.

The same dictionaries serve the fake's auto-ready mode (written straight into the store)
and ``make_ready`` against any cluster (sent as a status-subresource merge patch), so a
real cluster without nodes is made ready exactly as the fake is.
"""

from __future__ import annotations

from typing import Any

Obj = dict[str, Any]
LONG_RUNNING = "Always"


def _time() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _condition(kind: str, status: str = "True", reason: str = "") -> Obj:
    cond = {"type": kind, "status": status, "lastTransitionTime": _time(), "lastUpdateTime": _time()}
    if reason:
        cond["reason"] = reason
    return cond


def ready_status(obj: Obj, *, succeed: bool = True) -> Obj | None:
    """The ready (or, for run-to-completion kinds with ``succeed=False``, failed) status."""
    kind = obj.get("kind", "")
    spec = obj.get("spec") or {}
    generation = (obj.get("metadata") or {}).get("generation", 1)
    replicas = spec.get("replicas", 1)
    if kind in ("Deployment", "ReplicaSet"):
        return {
            "observedGeneration": generation,
            "replicas": replicas,
            "updatedReplicas": replicas,
            "readyReplicas": replicas,
            "availableReplicas": replicas,
            "conditions": [
                _condition("Available", reason="MinimumReplicasAvailable"),
                _condition("Progressing", reason="NewReplicaSetAvailable"),
            ],
        }
    if kind == "StatefulSet":
        return {
            "observedGeneration": generation,
            "replicas": replicas,
            "readyReplicas": replicas,
            "currentReplicas": replicas,
            "updatedReplicas": replicas,
            "availableReplicas": replicas,
            "currentRevision": f"{obj['metadata']['name']}-{generation}",
            "updateRevision": f"{obj['metadata']['name']}-{generation}",
        }
    if kind == "DaemonSet":
        return {
            "observedGeneration": generation,
            "desiredNumberScheduled": 1,
            "currentNumberScheduled": 1,
            "updatedNumberScheduled": 1,
            "numberAvailable": 1,
            "numberReady": 1,
            "numberMisscheduled": 0,
        }
    if kind == "Job":
        return _job_status(spec, succeed)
    if kind == "PersistentVolumeClaim":
        return {
            "phase": "Bound",
            "accessModes": spec.get("accessModes", []),
            "capacity": (spec.get("resources") or {}).get("requests", {}),
        }
    if kind == "Service" and spec.get("type") == "LoadBalancer":
        return {"loadBalancer": {"ingress": [{"ip": "192.0.2.10"}]}}
    if kind == "Pod":
        return pod_status(obj, succeed=succeed)
    if kind in ("Service", "ConfigMap", "Secret", "Namespace"):
        return None
    # Custom resources and anything else with conditions: the standard Ready condition.
    return {"observedGeneration": generation, "conditions": [_condition("Ready", reason="Ready")]}


def _job_status(spec: Obj, succeed: bool) -> Obj:
    completions = spec.get("completions", 1)
    if succeed:
        conditions = [
            _condition("SuccessCriteriaMet", reason="CompletionsReached"),
            _condition("Complete", reason="CompletionsReached"),
        ]
        return {
            "succeeded": completions,
            "active": 0,
            "startTime": _time(),
            "completionTime": _time(),
            "conditions": conditions,
        }
    conditions = [
        _condition("FailureTarget", reason="BackoffLimitExceeded"),
        _condition("Failed", reason="BackoffLimitExceeded"),
    ]
    return {"failed": 1, "active": 0, "startTime": _time(), "conditions": conditions}


def pod_status(pod: Obj, *, succeed: bool = True) -> Obj:
    """Running and Ready for long-running pods; Succeeded/Failed for run-to-completion ones."""
    spec = pod.get("spec") or {}
    names = [c.get("name", "main") for c in spec.get("containers") or [{}]]
    if spec.get("restartPolicy", LONG_RUNNING) == LONG_RUNNING and succeed:
        states = [
            {
                "name": n,
                "ready": True,
                "started": True,
                "restartCount": 0,
                "image": "",
                "imageID": "",
                "state": {"running": {"startedAt": _time()}},
            }
            for n in names
        ]
        return {
            "phase": "Running",
            "conditions": [_condition("Ready"), _condition("ContainersReady")],
            "containerStatuses": states,
            "startTime": _time(),
        }
    code = 0 if succeed else 1
    reason = "Completed" if succeed else "Error"
    terminated = {"exitCode": code, "reason": reason, "startedAt": _time(), "finishedAt": _time()}
    states = [
        {
            "name": n,
            "ready": False,
            "restartCount": 0,
            "image": "",
            "imageID": "",
            "state": {"terminated": terminated},
        }
        for n in names
    ]
    return {
        "phase": "Succeeded" if succeed else "Failed",
        "conditions": [_condition("Ready", "False", "PodCompleted")],
        "containerStatuses": states,
        "startTime": _time(),
    }


def workload_kinds() -> set[str]:
    return {"Deployment", "StatefulSet", "DaemonSet", "Job", "PersistentVolumeClaim", "ReplicaSet", "Pod"}
