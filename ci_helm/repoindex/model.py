"""A chart repository index as pure data, and the pure functions the release helper builds on.

``load_index`` / ``serialize_index`` convert bytes; ``add_entry``, ``merge_indexes`` and
``sort_entries`` return new indexes. Entries are plain dicts with Helm's field names
(Go's view: strings stay strings), so entries we did not create survive untouched.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ci_helm.errors import YamlError
from ci_helm.model.semver import Version, parse_version
from ci_helm.repoindex.emit import emit_yaml
from ci_helm.repoindex.fastyaml import load_index_yaml

__all__ = [
    "Entry",
    "IndexFile",
    "add_entry",
    "find_entry",
    "load_index",
    "merge_indexes",
    "serialize_index",
    "serialize_index_json",
    "sort_entries",
]

Entry = dict[str, Any]
_BOOL_FIELDS = ("deprecated", "removed")


@dataclass(frozen=True)
class IndexFile:
    entries: Mapping[str, tuple[Entry, ...]]
    generated: str = ""
    api_version: str = "v1"
    extra: Mapping[str, Any] = field(default_factory=dict)  # serverInfo, annotations, ...

    def versions(self) -> int:
        return sum(len(v) for v in self.entries.values())


def load_index(data: bytes, *, path: str = "index.yaml") -> IndexFile:
    """Parse and shape-check an index; wrong types end with one clear line."""
    raw = load_index_yaml(data, path=path)
    if raw is None:
        return IndexFile(entries={})
    if not isinstance(raw, dict):
        raise YamlError("an index must be a mapping with apiVersion and entries", path=path)
    entries_raw = raw.get("entries") or {}
    if not isinstance(entries_raw, dict):
        raise YamlError("entries must map chart names to lists of versions", path=path)
    entries: dict[str, tuple[Entry, ...]] = {}
    for name, versions in entries_raw.items():
        entries[name] = tuple(_entry(name, v, path) for v in (versions or []) if v is not None)
        if not isinstance(versions, list | None):
            raise YamlError(f"entries.{name} must be a list of chart versions", path=path)
    extra = {k: v for k, v in raw.items() if k not in ("apiVersion", "entries", "generated")}
    return IndexFile(entries, str(raw.get("generated") or ""), str(raw.get("apiVersion") or "v1"), extra)


def _entry(name: str, value: Any, path: str) -> Entry:
    if not isinstance(value, dict):
        raise YamlError(f"entries.{name}: each version must be a mapping", path=path)
    for key in ("name", "version", "digest", "created", "appVersion", "description"):
        if not isinstance(value.get(key, ""), str | None):
            raise YamlError(f"entries.{name}: {key} must be a string", path=path)
    urls = value.get("urls", [])
    if not isinstance(urls, list | None) or not all(isinstance(u, str) for u in urls or []):
        raise YamlError(f"entries.{name}: urls must be a list of strings", path=path)
    for key in _BOOL_FIELDS:
        if isinstance(value.get(key), str):
            value[key] = value[key] in ("true", "True", "TRUE", "yes", "on")
    return value


def _version_key(entry: Entry) -> tuple[int, Version]:
    try:
        return (1, parse_version(str(entry.get("version", ""))))
    except ValueError:
        return (0, Version(0, 0, 0))


def sort_entries(index: IndexFile) -> IndexFile:
    """Helm's ``SortEntries``: names sorted, versions newest first, unparsable versions last."""
    entries = {
        name: tuple(sorted(index.entries[name], key=_version_key, reverse=True))
        for name in sorted(index.entries)
    }
    return replace(index, entries=entries)


def find_entry(index: IndexFile, name: str, version: str) -> Entry | None:
    return next((e for e in index.entries.get(name, ()) if e.get("version") == version), None)


def add_entry(index: IndexFile, entry: Entry, *, replace_existing: bool = True) -> IndexFile:
    """Add ``entry``; an entry with the same name and version is replaced (or kept)."""
    name, version = entry["name"], entry["version"]
    current = index.entries.get(name, ())
    if not replace_existing and any(e.get("version") == version for e in current):
        return index
    kept = tuple(e for e in current if e.get("version") != version)
    return replace(index, entries={**index.entries, name: (entry, *kept)})


def merge_indexes(
    existing: IndexFile, new_entries: Iterable[Entry], *, generated: str
) -> tuple[IndexFile, list[Entry]]:
    """Add the new entries an existing index lacks; existing entries and their ``created`` stay.

    Returns the merged, sorted index and the new entries that clash with an existing one
    (same name and version, other digest): a republished version the caller should report.
    """
    merged = existing
    clashes: list[Entry] = []
    for entry in new_entries:
        known = find_entry(merged, entry["name"], entry["version"])
        if known is None:
            merged = add_entry(merged, entry)
        elif known.get("digest") != entry.get("digest"):
            clashes.append(entry)
    return replace(sort_entries(merged), generated=generated), clashes


def _document(index: IndexFile) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "apiVersion": index.api_version,
        "entries": {k: list(v) for k, v in index.entries.items()},
    }
    if index.generated:  # Helm cannot read an empty time
        doc["generated"] = index.generated
    doc.update(index.extra)
    return doc


def serialize_index(index: IndexFile) -> bytes:
    return emit_yaml(_document(index)).encode("utf-8")


def serialize_index_json(index: IndexFile) -> bytes:
    return json.dumps(_document(index), indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8") + b"\n"
