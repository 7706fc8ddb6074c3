"""Chart.lock / requirements.lock: Helm's digest of the declared and the locked dependencies.

Helm computes ``sha256(json.Marshal([2][]*Dependency{requested, locked}))`` with Go's
struct field order and HTML-safe escaping; a lock whose digest differs is "out of sync".
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ci_helm.package.chartyaml import dump_lock_yaml

__all__ = ["LockedDependency", "lock_digest", "lock_digest_helm2", "render_lock"]

_FIELDS = ("name", "version", "repository", "condition", "tags", "enabled", "import-values", "alias")
_ALWAYS = ("name", "repository")


@dataclass(frozen=True)
class LockedDependency:
    name: str
    version: str
    repository: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "repository": self.repository}


def _go_dependency(dep: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in _FIELDS:
        value = dep.get(key)
        if key in _ALWAYS or value not in (None, "", [], False):
            out[key] = "" if value is None else value
    return out


def lock_digest(requested: Sequence[dict[str, Any]], locked: Sequence[dict[str, Any]]) -> str:
    payload = [[_go_dependency(d) for d in requested], [_go_dependency(d) for d in locked]]
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_lock(
    requested: Sequence[dict[str, Any]], locked: Sequence[LockedDependency], generated: str
) -> bytes:
    """The lock file Helm writes: dependencies, digest, generated (sorted keys)."""
    deps = [d.as_dict() for d in locked]
    return dump_lock_yaml(
        {"dependencies": deps, "digest": lock_digest(requested, deps), "generated": generated}
    )


def lock_digest_helm2(requested: Sequence[dict[str, Any]]) -> str:
    """The digest Helm 2 wrote into requirements.lock (Helm 3 still accepts it for v1 charts)."""
    text = json.dumps({"dependencies": [_go_dependency(d) for d in requested]}, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
