"""Where packages live, for targets whose index.yaml is separate from the packages' API.

:class:`BlobPackages` keeps ``name-version.tgz`` and its ``.prov`` as objects of a
:class:`BlobStore` (a directory, a bucket prefix, a git branch); the GitHub adapter
provides the same interface over release assets.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Protocol

from ci_helm.errors import PublishConflict
from ci_helm.publish.artifact import Artifact
from ci_helm.publish.protocols import BlobStore, PreconditionFailed

__all__ = ["BlobPackages", "PackageStore", "StoredPackage"]

StoredPackage = tuple[bytes, bytes | None, str]  # package, prov, URL for the index


class PackageStore(Protocol):
    def stored_digest(self, artifact: Artifact) -> str | None: ...

    def upload(self, artifact: Artifact, *, overwrite: bool) -> None: ...

    def delete(self, name: str, version: str) -> None: ...

    def stored(self) -> Iterator[StoredPackage]: ...

    def url_for(self, artifact: Artifact) -> str: ...


class BlobPackages:
    """Packages as ``<name>-<version>.tgz`` (+ ``.prov``) beside index.yaml."""

    def __init__(self, blobs: BlobStore, base_url: str | None = None) -> None:
        self.blobs = blobs
        self.base_url = base_url.rstrip("/") if base_url else None

    def url_for(self, artifact: Artifact) -> str:
        return f"{self.base_url}/{artifact.filename}" if self.base_url else artifact.filename

    def stored_digest(self, artifact: Artifact) -> str | None:
        blob = self.blobs.get(artifact.filename)
        return None if blob is None else hashlib.sha256(blob.data).hexdigest()

    def upload(self, artifact: Artifact, *, overwrite: bool) -> None:
        """Provenance first, package last: a stored package always has its ``.prov`` beside it."""
        if artifact.prov is not None:
            self.blobs.put(artifact.filename + ".prov", artifact.prov)
        try:
            self.blobs.put(artifact.filename, artifact.package, if_absent=not overwrite)
        except PreconditionFailed:
            # Another run stored this version since we planned: fine if it is the same bytes.
            if self.stored_digest(artifact) != artifact.digest:
                raise PublishConflict(
                    f"{artifact.filename}: another release stored different content meanwhile",
                    path=self.blobs.description,
                ) from None

    def delete(self, name: str, version: str) -> None:
        filename = f"{name}-{version}.tgz"
        self.blobs.delete(filename)
        self.blobs.delete(filename + ".prov")

    def stored(self) -> Iterator[StoredPackage]:
        keys = set(self.blobs.list())
        for key in sorted(k for k in keys if k.endswith(".tgz") and "/" not in k):
            blob = self.blobs.get(key)
            if blob is None:
                continue
            prov = self.blobs.get(key + ".prov") if key + ".prov" in keys else None
            url = f"{self.base_url}/{key}" if self.base_url else key
            yield blob.data, None if prov is None else prov.data, url
