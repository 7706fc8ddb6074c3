"""The debug bundle of a failed test: what someone needs to see why, without cluster access.

``events.txt`` (every event in the namespace, oldest first), ``objects.yaml`` (every pod,
workload and service with its status), and ``logs/<pod>.<container>.log`` plus
``.previous.log`` when a container restarted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import yaml

__all__ = ["write_bundle"]

KINDS = (
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("v1", "Service"),
    ("v1", "PersistentVolumeClaim"),
)


class BundleSource(Protocol):
    def list_objects(
        self, api_version: str, kind: str, namespace: str, label_selector: str | None = None
    ) -> list[dict[str, Any]]: ...

    def pod_log(
        self, namespace: str, name: str, *, container: str | None = None, previous: bool = False
    ) -> str: ...


def _event_line(event: dict[str, Any]) -> str:
    involved = event.get("involvedObject") or {}
    when = event.get("lastTimestamp") or event.get("eventTime") or ""
    what = f"{involved.get('kind', '')}/{involved.get('name', '')}"
    return f"{when} {event.get('type', '')} {what} {event.get('reason', '')}: {event.get('message', '')}"


def write_bundle(source: BundleSource, namespace: str, dest: Path) -> None:
    """Best effort: whatever can be read is written; a failing read never hides the test failure."""
    dest.mkdir(parents=True, exist_ok=True)
    try:
        events = source.list_objects("v1", "Event", namespace)
        events.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
        (dest / "events.txt").write_text("".join(_event_line(e) + "\n" for e in events), encoding="utf-8")
        objects = [o for api, kind in KINDS for o in source.list_objects(api, kind, namespace)]
        (dest / "objects.yaml").write_text(yaml.safe_dump_all(objects, sort_keys=False), encoding="utf-8")
        _write_logs(source, namespace, [o for o in objects if o.get("kind") == "Pod"], dest / "logs")
    except Exception as exc:  # the bundle is a diagnostic aid; record why it is incomplete
        (dest / "bundle-error.txt").write_text(f"{type(exc).__name__}: {exc}\n", encoding="utf-8")


def _write_logs(source: BundleSource, namespace: str, pods: list[dict[str, Any]], logs: Path) -> None:
    logs.mkdir(exist_ok=True)
    for pod in pods:
        name = pod["metadata"]["name"]
        restarted = {
            s.get("name"): s.get("restartCount", 0)
            for s in (pod.get("status") or {}).get("containerStatuses") or []
        }
        for container in (pod.get("spec") or {}).get("containers") or []:
            cname = container.get("name", "main")
            (logs / f"{name}.{cname}.log").write_text(
                source.pod_log(namespace, name, container=cname), encoding="utf-8"
            )
            if restarted.get(cname):
                text = source.pod_log(namespace, name, container=cname, previous=True)
                (logs / f"{name}.{cname}.previous.log").write_text(text, encoding="utf-8")
