"""Releases stuck in ``pending-install/upgrade/rollback`` (a killed pipeline) and their way out.

Helm refuses every operation on a release whose latest revision is pending. The way out
is a rollback to the last revision that was deployed, or, when the release never got
deployed, removing it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ci_helm.engine.releases import Release

__all__ = ["last_good", "recovery_advice", "stuck_revision"]

GOOD = ("deployed", "superseded")


def stuck_revision(history: Sequence[Release]) -> Release | None:
    """The latest revision when it is pending, else None."""
    if history and history[-1].pending:
        return history[-1]
    return None


def last_good(history: Sequence[Release]) -> Release | None:
    """The newest revision that was deployed (the rollback target)."""
    return next((r for r in reversed(history) if r.status in GOOD and not r.pending), None)


def recovery_advice(history: Sequence[Release], name: str) -> str:
    stuck = stuck_revision(history)
    if stuck is None:
        return ""
    target = last_good(history[:-1])
    if target:
        how = f"roll back to revision {target.revision} (ci-helm deploy --recover, "
        how += f"or ci-helm rollback {name} {target.revision})"
    else:
        how = "it was never deployed: remove it "
        how += f"(ci-helm deploy --recover, or ci-helm deployment delete {name})"
    return (
        f'release "{name}" is stuck in {stuck.status} at revision {stuck.revision} '
        f"(an earlier deploy was interrupted); {how}"
    )
