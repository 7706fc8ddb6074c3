"""What the publishing core needs from a target, stated as Protocols; adapters implement them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from ci_helm.publish.artifact import Artifact
from ci_helm.publish.plan import Observed, Step

__all__ = ["AtomicStore", "Blob", "BlobStore", "PreconditionFailed", "Publisher", "Reader", "Removed"]


class PreconditionFailed(Exception):
    """A conditional write lost a race: the object changed (or appeared) since it was read."""


@dataclass(frozen=True)
class Blob:
    """An object's bytes and the version token a conditional write must name (ETag, generation...)."""

    data: bytes
    token: str


class BlobStore(Protocol):
    """A flat key/value store: a directory, an S3 or GCS prefix, a git branch."""

    description: str

    def get(self, key: str) -> Blob | None: ...

    def put(self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False) -> None:
        """Write ``key``; with ``if_match`` only over that version, with ``if_absent`` only if missing.

        Raises :class:`PreconditionFailed` when the condition does not hold.
        """

    def delete(self, key: str) -> None: ...

    def list(self) -> list[str]: ...


Reader = Callable[[str], Blob | None]


@runtime_checkable
class AtomicStore(BlobStore, Protocol):
    """A store that can write several objects as one atomic change (a git commit).

    ``change`` computes the objects to write (``None`` deletes) from the current state,
    read through the given reader; on a lost race the store calls it again on the new
    state. ``before_commit`` runs once the change is built, just before it is published.
    """

    def transact(
        self, change: Callable[[Reader], Mapping[str, bytes | None]], before_commit: Callable[[], None]
    ) -> None: ...


Removed = tuple[str, str]  # (chart name, version)


class Publisher(Protocol):
    """One target of a release: reads what is published, applies a plan, keeps retention."""

    description: str  # the target as shown to users (never with credentials)

    def observe(self, artifacts: Sequence[Artifact]) -> dict[tuple[str, str], Observed]: ...

    def apply(self, steps: Sequence[Step]) -> None: ...

    def reindex(self) -> int:
        """Rebuild the index from storage; returns how many versions it lists."""

    def prune(self, keep: int, chart: str | None) -> list[Removed]: ...
