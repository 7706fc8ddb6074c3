"""Publishing to any repository that keeps index.yaml beside (or apart from) its packages.

The index is updated by optimistic concurrency: read it with its version token, apply
this run's change to *that* document, write it back conditionally, and on a lost race
re-read and re-apply. N pipelines releasing different charts at once all end up in the
index; a version is never listed twice because applying a change replaces by version.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ci_helm.errors import ChartError, PublishConflict, PublishError
from ci_helm.publish.artifact import Artifact, artifact_from_bytes
from ci_helm.publish.index import (
    Entry,
    IndexFile,
    apply_change,
    entry_for,
    find_entry,
    normal_digest,
    parse_index,
    serialize_index,
    version_key,
)
from ci_helm.publish.packages import PackageStore
from ci_helm.publish.plan import Action, Observed, Step
from ci_helm.publish.protocols import AtomicStore, BlobStore, PreconditionFailed, Reader, Removed

__all__ = ["Hooks", "IndexedPublisher"]

log = logging.getLogger(__name__)
INDEX_KEY = "index.yaml"


@dataclass(frozen=True)
class Hooks:
    """Fault injection for tests of resumability: called after uploads, before the index write."""

    after_upload: Callable[[], None] = field(default=lambda: None)


class IndexedPublisher:
    def __init__(
        self,
        description: str,
        packages: PackageStore,
        index: BlobStore,
        *,
        hooks: Hooks | None = None,
        attempts: int = 60,
    ) -> None:
        self.description = description
        self.packages = packages
        self.index = index
        self.hooks = hooks or Hooks()
        self.attempts = attempts
        self._parsed: tuple[bytes, IndexFile] | None = None  # big indexes (MBs) take seconds to parse

    def _read_index(self) -> tuple[IndexFile, str | None]:
        """The current index and its version token; unchanged bytes are not parsed twice."""
        blob = self.index.get(INDEX_KEY)
        if blob is None:
            return parse_index(None), None
        if self._parsed is None or self._parsed[0] != blob.data:
            self._parsed = (blob.data, parse_index(blob.data, where=f"{self.description}/{INDEX_KEY}"))
        return self._parsed[1], blob.token

    def observe(self, artifacts: Sequence[Artifact]) -> dict[tuple[str, str], Observed]:
        doc, _ = self._read_index()
        seen: dict[tuple[str, str], Observed] = {}
        for a in artifacts:
            entry = find_entry(doc, a.name, a.version)
            indexed = None if entry is None else normal_digest(entry.get("digest")) or "unknown"
            seen[a.key] = Observed(indexed, self.packages.stored_digest(a))
        return seen

    def apply(self, steps: Sequence[Step]) -> None:
        atomic = self._atomic_store()
        if atomic is not None:
            # Packages and index in one commit: the branch never lists what it lacks, or the reverse.
            atomic.transact(lambda read: self._changes(read, steps), self.hooks.after_upload)
            return
        for step in steps:
            if step.action.uploads:
                self.packages.upload(step.artifact, overwrite=step.action is Action.REPLACE)
        self.hooks.after_upload()
        indexed = [s.artifact for s in steps if s.action.indexes]
        if indexed:
            self.update_index(lambda doc: (self._entries(doc, indexed), []))

    def _changes(self, read: Reader, steps: Sequence[Step]) -> dict[str, bytes | None]:
        """Every object one atomic release writes, computed from the store's current state."""
        files: dict[str, bytes | None] = {}
        for step in (s for s in steps if s.action.uploads):
            a = step.artifact
            current = read(a.filename)
            if current is not None and step.action is not Action.REPLACE and sha256(current.data) != a.digest:
                raise PublishConflict(f"{a.filename}: another release stored different content meanwhile",
                                      path=self.description)  # fmt: skip
            files[a.filename] = a.package
            if a.prov is not None:
                files[a.filename + ".prov"] = a.prov
        indexed = [s.artifact for s in steps if s.action.indexes]
        if indexed:
            blob = read(INDEX_KEY)
            doc = parse_index(None if blob is None else blob.data, where=f"{self.description}/{INDEX_KEY}")
            files[INDEX_KEY] = serialize_index(apply_change(doc, self._entries(doc, indexed)))
        return files

    def _entries(self, doc: IndexFile, artifacts: Sequence[Artifact]) -> list[Entry]:
        entries = []
        for a in artifacts:
            old = find_entry(doc, a.name, a.version)
            keep = (
                old.get("created")
                if old is not None and normal_digest(old.get("digest")) == a.digest
                else None
            )
            entries.append(entry_for(a, [self.packages.url_for(a)], str(keep) if keep else None))
        return entries

    def update_index(self, change: Callable[[IndexFile], tuple[list[Entry], list[Removed]]]) -> IndexFile:
        """Read-modify-write the index until a conditional write wins."""
        for attempt in range(self.attempts):
            doc, token = self._read_index()
            add, remove = change(doc)
            new = apply_change(doc, add, remove)
            try:
                self.index.put(INDEX_KEY, serialize_index(new), if_match=token, if_absent=token is None)
                return new
            except PreconditionFailed:
                log.debug(
                    "%s: index changed meanwhile (attempt %d), merging again", self.description, attempt
                )
                time.sleep(random.uniform(0, min(1.0, 0.02 * 2**attempt)))  # noqa: S311 - jitter, not crypto
        raise PublishError(
            f"index.yaml kept changing; gave up after {self.attempts} attempts", path=self.description
        )

    def reindex(self) -> int:
        """Rebuild the index from the stored packages, keeping ``created`` of unchanged entries."""
        found = []
        for pkg, prov, url in self.packages.stored():
            try:
                found.append((artifact_from_bytes(pkg, prov, source=url), url))
            except ChartError as exc:  # as `helm repo index` does: skip what is not a chart, say so
                log.warning("%s: skipped %s", self.description, exc)

        def rebuild(doc: IndexFile) -> tuple[list[Entry], list[Removed]]:
            stale = [(n, str(e.get("version"))) for n, es in doc.entries.items() for e in es]
            add = []
            for a, url in found:
                old = find_entry(doc, a.name, a.version)
                created = (
                    old.get("created")
                    if old is not None and normal_digest(old.get("digest")) == a.digest
                    else None
                )
                add.append(entry_for(a, [url], str(created) if created else None))
            return add, stale

        self.update_index(rebuild)
        return len(found)

    def prune(self, keep: int, chart: str | None) -> list[Removed]:
        """Drop all but the ``keep`` newest versions: from the index first, then from storage."""
        doomed: list[Removed] = []

        def drop(doc: IndexFile) -> tuple[list[Entry], list[Removed]]:
            doomed[:] = select_old(doc, keep, chart)
            return [], list(doomed)

        atomic = self._atomic_store()
        if atomic is not None:
            atomic.transact(lambda read: self._prune_changes(read, drop), lambda: None)
            return doomed
        self.update_index(drop)
        for name, version in doomed:
            self.packages.delete(name, version)
        return doomed

    def _prune_changes(
        self, read: Reader, drop: Callable[[IndexFile], tuple[list[Entry], list[Removed]]]
    ) -> dict[str, bytes | None]:
        """Index rewrite plus package deletions as one change (one commit on a git branch)."""
        blob = read(INDEX_KEY)
        doc = parse_index(None if blob is None else blob.data, where=f"{self.description}/{INDEX_KEY}")
        _, removed = drop(doc)
        if not removed:
            return {}
        files: dict[str, bytes | None] = {INDEX_KEY: serialize_index(apply_change(doc, [], removed))}
        for name, version in removed:
            for key in (f"{name}-{version}.tgz", f"{name}-{version}.tgz.prov"):
                if read(key) is not None:
                    files[key] = None
        return files

    def _atomic_store(self) -> AtomicStore | None:
        """The store, when it holds packages and index and commits several objects at once (git)."""
        shared = getattr(self.packages, "blobs", None) is self.index
        store = self.index
        return store if shared and isinstance(store, AtomicStore) else None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def select_old(doc: IndexFile, keep: int, chart: str | None) -> list[Removed]:
    """Versions beyond the ``keep`` newest of each chart (or of ``chart`` only)."""
    old: list[Removed] = []
    for name, entries in doc.entries.items():
        if chart is not None and name != chart:
            continue
        versions = sorted({str(e.get("version")) for e in entries}, key=version_key, reverse=True)
        old.extend((name, v) for v in versions[keep:])
    return old
