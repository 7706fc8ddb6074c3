"""Why is a release not ready? Each unready object with its reason, conditions and latest events.

"timed out waiting for the condition" tells a pipeline's reader nothing; this names the
object, says what its status shows, and quotes the events that usually explain it
(image pull errors, failed scheduling, failed mounts).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ci_helm.deploy.cluster import ClusterReader
from ci_helm.deploy.manifest import KubeObject, parse_manifest
from ci_helm.deploy.readiness import conditions_text, judge

__all__ = ["ObjectState", "inspect_release"]

LATEST_EVENTS = 3


@dataclass(frozen=True)
class ObjectState:
    obj: KubeObject
    exists: bool
    ready: bool
    reason: str = ""
    conditions: str = ""
    events: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line: ``Deployment/web not ready: 0/1 replicas available; conditions: ...; events: ...``."""
        if not self.exists:
            return f"{self.obj.kind}/{self.obj.name} does not exist"
        parts = [f"{self.obj.kind}/{self.obj.name} not ready: {self.reason}"]
        if self.conditions:
            parts.append(f"conditions: {self.conditions}")
        if self.events:
            parts.append("events: " + " | ".join(self.events))
        return "; ".join(parts)

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.obj.kind,
            "name": self.obj.name,
            "namespace": self.obj.namespace,
            "exists": self.exists,
            "ready": self.ready,
            "reason": self.reason,
            "conditions": self.conditions,
            "events": self.events,
        }


def _event_line(event: dict[str, object]) -> str:
    count = event.get("count")
    times = f" (x{count})" if isinstance(count, int) and count > 1 else ""
    return f"{event.get('type', '')} {event.get('reason', '')}: {event.get('message', '')}{times}".strip()


def inspect_object(cluster: ClusterReader, obj: KubeObject, *, with_events: bool = True) -> ObjectState:
    live = cluster.get(obj.api_version, obj.kind, obj.namespace, obj.name)
    if live is None:
        return ObjectState(obj, exists=False, ready=False, reason="not found")
    verdict = judge(live)
    if verdict.ready:
        return ObjectState(obj, exists=True, ready=True)
    events = cluster.events(obj.namespace, obj.kind, obj.name) if with_events else []
    lines = [_event_line(e) for e in events[-LATEST_EVENTS:]]
    return ObjectState(obj, True, False, verdict.reason, conditions_text(live), lines)


def inspect_release(cluster: ClusterReader, manifest: str, namespace: str) -> list[ObjectState]:
    """The state of every object of a release manifest, in manifest order."""
    return [inspect_object(cluster, obj) for obj in parse_manifest(manifest, namespace)]
