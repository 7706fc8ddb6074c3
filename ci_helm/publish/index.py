"""index.yaml changes for publishing, on top of :mod:`ci_helm.repoindex` (helper "package"'s
index library: loading, Helm-faithful emitting, sorting). Pure functions.

Merging is what makes concurrent releases safe: every retry re-reads the current index and
re-applies only *this run's* change (add these versions, remove those), so another
pipeline's entries written in between are kept, and a version is never listed twice
because adding replaces by version.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from ci_helm.model.semver import Version, parse_version
from ci_helm.publish.artifact import Artifact
from ci_helm.repoindex import Entry, IndexFile, find_entry, load_index, rfc3339, serialize_index, sort_entries

__all__ = [
    "Entry",
    "IndexFile",
    "apply_change",
    "entry_for",
    "find_entry",
    "normal_digest",
    "now_rfc3339",
    "parse_index",
    "serialize_index",
    "version_key",
]


def now_rfc3339() -> str:
    return rfc3339(datetime.now(UTC))


def parse_index(data: bytes | None, *, where: str = "index.yaml") -> IndexFile:
    """An index from bytes; ``None`` (no index yet) is an empty one."""
    return IndexFile(entries={}) if data is None else load_index(data, path=where)


def entry_for(artifact: Artifact, urls: list[str], created: str | None = None) -> Entry:
    """The index entry Helm would write: the chart's metadata, urls, created, sha256 digest."""
    entry: Entry = copy.deepcopy(dict(artifact.metadata))
    entry.update(urls=urls, created=created or now_rfc3339(), digest=artifact.digest)
    return entry


def apply_change(index: IndexFile, add: Iterable[Entry], remove: Iterable[tuple[str, str]] = ()) -> IndexFile:
    """A new index: ``remove`` dropped, ``add`` inserted (replacing the same versions), sorted."""
    entries: dict[str, list[Entry]] = {name: list(versions) for name, versions in index.entries.items()}
    for name, version in [*remove, *((str(e["name"]), str(e["version"])) for e in add)]:
        if name in entries:
            entries[name] = [e for e in entries[name] if str(e.get("version")) != version]
    for entry in add:
        entries.setdefault(str(entry["name"]), []).append(dict(entry))
    kept = {name: tuple(versions) for name, versions in entries.items() if versions}
    return sort_entries(replace(index, entries=kept, generated=now_rfc3339()))


def normal_digest(digest: Any) -> str | None:
    """Index digests are hex; tolerate the ``sha256:`` prefix some tools write."""
    return None if digest in (None, "") else str(digest).removeprefix("sha256:")


def version_key(version: str) -> tuple[int, Version]:
    """SemVer precedence; versions that are not SemVer sort below all others (as Helm does)."""
    try:
        return (1, parse_version(version))
    except ValueError:
        return (0, Version(0, 0, 0))
