"""A release across targets: plan every target first, then apply, then report.

Planning reads every target before anything is written, so a conflict anywhere stops the
whole release before it starts (no half-released version), and ``--dry-run`` is simply
"plan and stop".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ci_helm.errors import CiHelmError
from ci_helm.publish.artifact import Artifact
from ci_helm.publish.plan import Action, Step, make_plan
from ci_helm.publish.protocols import Publisher

__all__ = ["ReleaseReport", "TargetReport", "execute", "plan_release"]


@dataclass
class TargetReport:
    target: str
    steps: list[Step] = field(default_factory=list)
    error: str | None = None
    error_code: int = 0
    applied: bool = False

    @property
    def conflicts(self) -> list[Step]:
        return [s for s in self.steps if s.action is Action.CONFLICT]

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "applied": self.applied,
            "error": self.error,
            "steps": [
                {
                    "chart": s.artifact.name,
                    "version": s.artifact.version,
                    "digest": s.artifact.digest,
                    "action": str(s.action),
                    "detail": s.detail,
                }
                for s in self.steps
            ],
        }


@dataclass
class ReleaseReport:
    targets: list[TargetReport]
    dry_run: bool = False

    @property
    def failed(self) -> bool:
        return any(t.error or t.conflicts for t in self.targets)

    @property
    def exit_code(self) -> int:
        """The highest exit code of any target error; 1 for conflicts; 0 when all went well."""
        codes = [t.error_code for t in self.targets if t.error] + [1 for t in self.targets if t.conflicts]
        return max(codes, default=0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "failed": self.failed,
            "targets": [t.as_dict() for t in self.targets],
        }


def plan_release(
    artifacts: Sequence[Artifact], publishers: Sequence[Publisher], *, force: bool
) -> ReleaseReport:
    """Observe every target and decide each step; errors reading a target are reported, not raised."""
    reports = []
    for pub in publishers:
        report = TargetReport(pub.description)
        try:
            report.steps = make_plan(artifacts, pub.observe(artifacts), force=force)
        except CiHelmError as exc:
            report.error, report.error_code = str(exc), int(exc.exit_code)
        reports.append(report)
    return ReleaseReport(reports)


def execute(report: ReleaseReport, publishers: Sequence[Publisher]) -> ReleaseReport:
    """Apply a plan that has no conflicts and no unreadable target; otherwise change nothing."""
    if report.failed:
        return report
    for pub, target in zip(publishers, report.targets, strict=True):
        try:
            pub.apply(target.steps)
            target.applied = True
        except CiHelmError as exc:
            target.error, target.error_code = str(exc), int(exc.exit_code)
    return report
