"""The index read-modify-write loop against an in-memory store that loses races on purpose."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ci_helm.errors import PublishError
from ci_helm.publish.artifact import load_artifact
from ci_helm.publish.index import IndexFile, apply_change, entry_for, parse_index, serialize_index
from ci_helm.publish.indexed import IndexedPublisher
from ci_helm.publish.packages import BlobPackages
from ci_helm.publish.plan import Action, Step
from ci_helm.publish.protocols import Blob, PreconditionFailed
from tests.support.chartpkg import make_package


class RacyStore:
    """A BlobStore whose next ``rivals`` index writes are preceded by another pipeline's write."""

    description = "memory://"

    def __init__(self, rivals: list[bytes]) -> None:
        self.objects: dict[str, bytes] = {}
        self.rivals = rivals
        self.index_writes = 0

    def get(self, key: str) -> Blob | None:
        data = self.objects.get(key)
        return None if data is None else Blob(data, hashlib.sha256(data).hexdigest())

    def put(self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False) -> None:
        if key == "index.yaml" and self.rivals:
            self.objects[key] = self.rivals.pop(0)  # someone else wrote the index since we read it
        current = self.get(key)
        if (if_absent and current is not None) or (
            if_match is not None and (current is None or current.token != if_match)
        ):
            raise PreconditionFailed(key)
        self.objects[key] = data
        self.index_writes += key == "index.yaml"

    def delete(self, key: str) -> None:
        self.objects.pop(key, None)

    def list(self) -> list[str]:
        return sorted(self.objects)


def _rival_index(tmp_path: Path, *names: str) -> bytes:
    entries = [
        entry_for(load_artifact(make_package(tmp_path / "rival", n, "9.9.9")), [f"{n}-9.9.9.tgz"])
        for n in names
    ]
    return serialize_index(apply_change(IndexFile(entries={}), entries))


def test_lost_races_are_merged_not_overwritten(tmp_path: Path) -> None:
    store = RacyStore([_rival_index(tmp_path, "a"), _rival_index(tmp_path, "a", "b")])
    ours = load_artifact(make_package(tmp_path, "ours", "1.0.0"))
    IndexedPublisher("memory://", BlobPackages(store), store).apply([Step(ours, Action.PUBLISH)])
    index = parse_index(store.objects["index.yaml"])
    assert sorted(index.entries) == ["a", "b", "ours"]  # both rivals' entries survive our write
    assert store.index_writes == 1 and store.rivals == []


def test_gives_up_with_one_clear_error_when_the_index_never_settles(tmp_path: Path) -> None:
    store = RacyStore([_rival_index(tmp_path, f"r{i}") for i in range(5)])
    ours = load_artifact(make_package(tmp_path, "ours", "1.0.0"))
    publisher = IndexedPublisher("memory://", BlobPackages(store), store, attempts=3)
    with pytest.raises(PublishError, match=r"index\.yaml kept changing; gave up after 3 attempts"):
        publisher.apply([Step(ours, Action.PUBLISH)])
    assert "ours-1.0.0.tgz" in store.objects  # the upload stays; a rerun only indexes it
