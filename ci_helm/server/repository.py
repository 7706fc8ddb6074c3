"""The served repository's behaviour, free of HTTP: read files, upload and delete charts.

Uploads go through the same plan and optimistic index update as ``ci-helm release`` to
``file://``, so a server and a release writing the same directory stay consistent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ci_helm.adapters.localdir import LocalDirStore
from ci_helm.errors import CiHelmError
from ci_helm.publish.artifact import artifact_from_bytes
from ci_helm.publish.index import IndexFile, find_entry, parse_index, serialize_index
from ci_helm.publish.indexed import IndexedPublisher
from ci_helm.publish.packages import BlobPackages
from ci_helm.publish.plan import Action, decide

__all__ = ["Reply", "ServedRepository"]

Reply = tuple[int, Any]  # HTTP status, JSON-able body


class ServedRepository:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.store = LocalDirStore(root)
        self.publisher = IndexedPublisher(self.store.description, BlobPackages(self.store), self.store)

    def file(self, name: str) -> bytes | None:
        """A top-level file (index.yaml, a package, a .prov); hidden files and paths are never served."""
        if not name or "/" in name or name.startswith(".") or name == ".." or "\\" in name:
            return None
        blob = self.store.get(name)
        if blob is None and name == "index.yaml":
            return serialize_index(IndexFile(entries={}))
        return None if blob is None else blob.data

    def index(self) -> IndexFile:
        blob = self.store.get("index.yaml")
        return parse_index(None if blob is None else blob.data)

    def chart_versions(self, name: str | None = None, version: str | None = None) -> Reply:
        entries = {name: list(versions) for name, versions in self.index().entries.items()}
        if name is None:
            return 200, entries
        if version is None:
            return (200, entries[name]) if name in entries else (404, {"error": "chart not found"})
        entry = find_entry(self.index(), name, version)
        return (200, entry) if entry is not None else (404, {"error": "chart version not found"})

    def upload(self, package: bytes, prov: bytes | None, *, force: bool) -> Reply:
        try:
            artifact = artifact_from_bytes(package, prov, source="upload")
            seen = self.publisher.observe([artifact])[artifact.key]
            step = decide(artifact, seen, force=force)
            if step.action is Action.CONFLICT:
                return 409, {"error": f"{artifact.name}-{artifact.version}: {step.detail}"}
            self.publisher.apply([step])
        except CiHelmError as exc:
            return 400, {"error": str(exc)}
        return (200 if step.action is Action.SKIP else 201), {"saved": step.action is not Action.SKIP}

    def delete(self, name: str, version: str) -> Reply:
        if find_entry(self.index(), name, version) is None:
            return 404, {"error": "chart version not found"}
        self.publisher.update_index(lambda doc: ([], [(name, version)]))
        self.publisher.packages.delete(name, version)
        return 200, {"deleted": True}
