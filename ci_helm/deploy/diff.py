"""What a deploy would change: objects added, changed and removed between two manifests.

Secret ``data``/``stringData`` values are masked (a changed value shows as changed, never
its content), like helm-diff's default.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

from ci_helm.deploy.manifest import KubeObject, parse_manifest

__all__ = ["ManifestDiff", "ObjectChange", "diff_manifests"]

MASK = "***"


@dataclass(frozen=True)
class ObjectChange:
    action: str  # "added", "changed", "removed"
    obj: KubeObject
    diff: str = ""  # unified diff of the (masked) YAML, for changed objects and as the full text otherwise

    def as_dict(self) -> dict[str, str]:
        return {
            "action": self.action,
            "kind": self.obj.kind,
            "name": self.obj.name,
            "namespace": self.obj.namespace,
            "diff": self.diff,
        }


@dataclass(frozen=True)
class ManifestDiff:
    changes: list[ObjectChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def count(self, action: str) -> int:
        return sum(1 for c in self.changes if c.action == action)

    def summary(self) -> str:
        added, changed, removed = self.count("added"), self.count("changed"), self.count("removed")
        return f"{added} to add, {changed} to change, {removed} to remove"


def _secret_values(obj: KubeObject) -> dict[str, str]:
    """A Secret's values by key (``stringData`` as the API server does: merged over ``data``)."""
    body = obj.body
    values = {k: f"b64:{v}" for k, v in (body.get("data") or {}).items()}
    values.update({k: f"str:{v}" for k, v in (body.get("stringData") or {}).items()})
    return values


def _masked(obj: KubeObject, other: KubeObject | None = None) -> str:
    """The object as YAML; a Secret's values masked, marking those that differ from ``other``'s."""
    body = dict(obj.body)
    if obj.kind == "Secret":
        mine = _secret_values(obj)
        theirs = _secret_values(other) if other is not None else mine
        body.pop("stringData", None)
        body["data"] = {k: MASK if theirs.get(k) == v else f"{MASK} (value changed)" for k, v in mine.items()}
    return yaml.safe_dump(body, sort_keys=True, default_flow_style=False)


def _unified(old: str, new: str, label: str) -> str:
    lines = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), f"live {label}", f"new {label}"
    )
    return "".join(lines)


def diff_manifests(live: str, desired: str, namespace: str) -> ManifestDiff:
    """Changes from the ``live`` manifest (empty for a new release) to the ``desired`` one."""
    before = {o.key: o for o in parse_manifest(live, namespace)}
    after = {o.key: o for o in parse_manifest(desired, namespace)}
    changes: list[ObjectChange] = []
    for key, obj in after.items():
        if key not in before:
            changes.append(ObjectChange("added", obj, _unified("", _masked(obj), obj.ref)))
            continue
        old_text, new_text = _masked(before[key]), _masked(obj, before[key])
        if old_text != new_text:
            changes.append(ObjectChange("changed", obj, _unified(old_text, new_text, obj.ref)))
    for key, obj in before.items():
        if key not in after:
            changes.append(ObjectChange("removed", obj, _unified(_masked(obj), "", obj.ref)))
    return ManifestDiff(changes)
