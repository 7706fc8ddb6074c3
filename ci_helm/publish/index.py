"""index.yaml as data: build entries, merge them into a document, serialize. Pure functions.

Merging is what makes concurrent releases safe: every retry re-reads the current index and
re-applies only *this run's* changes (add these versions, remove those), so another
pipeline's entries written in between are kept, and a version is never listed twice.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from ci_helm.errors import YamlError
from ci_helm.publish.artifact import Artifact
from ci_helm.yamlio import dump_yaml, load_yaml

__all__ = [
    "IndexChange",
    "apply_change",
    "empty_index",
    "entry_for",
    "find_entry",
    "parse_index",
    "serialize_index",
    "version_key",
]

# Chart.yaml fields Helm copies into an index entry (helm's chart.Metadata).
METADATA_KEYS = (
    "name", "home", "sources", "version", "description", "keywords", "maintainers", "icon",
    "apiVersion", "condition", "tags", "appVersion", "deprecated", "annotations", "kubeVersion",
    "dependencies", "type",
)  # fmt: skip
IndexChange = tuple[
    list[dict[str, Any]], list[tuple[str, str]]
]  # (entries to add, (name, version) to remove)


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def empty_index() -> dict[str, Any]:
    return {"apiVersion": "v1", "entries": {}, "generated": now_rfc3339()}


def parse_index(data: bytes | None, *, where: str = "index.yaml") -> dict[str, Any]:
    """An index document from bytes (``None`` = no index yet)."""
    if data is None:
        return empty_index()
    doc = load_yaml(data, path=where)
    if doc is None:
        return empty_index()
    if not isinstance(doc, dict) or not isinstance(doc.get("entries", {}), dict):
        raise YamlError("not a Helm repository index (no entries mapping)", path=where)
    doc.setdefault("apiVersion", "v1")
    doc["entries"] = doc.get("entries") or {}
    return doc


def serialize_index(doc: Mapping[str, Any]) -> bytes:
    return dump_yaml(dict(doc)).encode()


def entry_for(artifact: Artifact, urls: list[str], created: str | None = None) -> dict[str, Any]:
    """The index entry Helm would write for ``artifact``."""
    entry = {k: copy.deepcopy(artifact.metadata[k]) for k in METADATA_KEYS if k in artifact.metadata}
    entry["name"], entry["version"] = artifact.name, artifact.version
    entry["urls"] = urls
    entry["created"] = created or now_rfc3339()
    entry["digest"] = artifact.digest
    return entry


def find_entry(doc: Mapping[str, Any], name: str, version: str) -> dict[str, Any] | None:
    for entry in doc.get("entries", {}).get(name) or []:
        if isinstance(entry, dict) and str(entry.get("version")) == version:
            return entry
    return None


def apply_change(
    doc: Mapping[str, Any], add: Iterable[Mapping[str, Any]], remove: Iterable[tuple[str, str]] = ()
) -> dict[str, Any]:
    """A new index: ``doc`` with ``remove`` dropped and ``add`` inserted (replacing same versions)."""
    out = copy.deepcopy(dict(doc))
    entries: dict[str, list[dict[str, Any]]] = out.setdefault("entries", {})
    for name, version in remove:
        _drop(entries, name, version)
    for entry in add:
        name, version = str(entry["name"]), str(entry["version"])
        _drop(entries, name, version)
        entries.setdefault(name, []).append(dict(entry))
    for name in list(entries):
        if not entries[name]:
            del entries[name]
        else:
            entries[name].sort(key=lambda e: version_key(str(e.get("version", ""))), reverse=True)
    out["entries"] = dict(sorted(entries.items()))
    out["generated"] = now_rfc3339()
    return out


def _drop(entries: dict[str, list[dict[str, Any]]], name: str, version: str) -> None:
    if name in entries:
        entries[name] = [e for e in entries[name] or [] if str(e.get("version")) != version]


_SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def version_key(version: str) -> tuple[Any, ...]:
    """Sort key in SemVer precedence; non-SemVer versions sort below every SemVer one."""
    m = _SEMVER.match(version)
    if not m:
        return (0, (), 0, (), version)
    nums = tuple(int(g or 0) for g in m.group(1, 2, 3))
    pre = m.group(4)
    pre_key = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")) if pre else ()
    return (1, nums, 0 if pre else 1, pre_key, version)
