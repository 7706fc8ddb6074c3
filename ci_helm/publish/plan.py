"""Deciding, before touching anything, what a release does to one target. Pure.

Every decision is made from what is *observed* at the target: the digest recorded in its
index and the digest of the package actually stored. That is what makes a rerun after a
part-way failure finish the job (stored but not indexed -> index only) and never redo it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from ci_helm.publish.artifact import Artifact

__all__ = ["Action", "Observed", "Step", "decide", "make_plan"]


class Action(StrEnum):
    PUBLISH = "publish"  # upload the package, then index it
    INDEX = "index"  # already uploaded (an earlier run stopped part-way): index only
    REUPLOAD = "reupload"  # indexed but missing from storage: upload again
    REPLACE = "replace"  # published with other content, replaced because of --force
    SKIP = "skip"  # already published with the same digest
    CONFLICT = "conflict"  # published with other content; refused without --force

    @property
    def uploads(self) -> bool:
        return self in (Action.PUBLISH, Action.REUPLOAD, Action.REPLACE)

    @property
    def indexes(self) -> bool:
        return self in (Action.PUBLISH, Action.INDEX, Action.REUPLOAD, Action.REPLACE)


@dataclass(frozen=True)
class Observed:
    """What a target holds for one chart version (``None`` = absent)."""

    index_digest: str | None = None
    stored_digest: str | None = None


@dataclass(frozen=True)
class Step:
    artifact: Artifact
    action: Action
    detail: str = ""


def decide(artifact: Artifact, seen: Observed, *, force: bool) -> Step:
    ours = artifact.digest
    others = [d for d in (seen.index_digest, seen.stored_digest) if d is not None and d != ours]
    if others:
        if force:
            return Step(artifact, Action.REPLACE, f"replacing digest {others[0][:12]} (--force)")
        return Step(
            artifact,
            Action.CONFLICT,
            f"already published with digest {others[0][:12]}, ours is {ours[:12]}; "
            "bump the version or use --force",
        )
    if seen.index_digest == ours and seen.stored_digest == ours:
        return Step(artifact, Action.SKIP, "already published with the same digest")
    if seen.stored_digest == ours:
        return Step(artifact, Action.INDEX, "package already uploaded, adding it to the index")
    if seen.index_digest == ours:
        return Step(artifact, Action.REUPLOAD, "indexed but missing from storage")
    return Step(artifact, Action.PUBLISH)


def make_plan(
    artifacts: Sequence[Artifact], observed: Mapping[tuple[str, str], Observed], *, force: bool
) -> list[Step]:
    return [decide(a, observed.get(a.key, Observed()), force=force) for a in artifacts]
