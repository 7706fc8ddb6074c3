"""What lint needs from a Helm engine: render + Helm's linter + coalesced values, per scenario.

One job does all three for one (chart, values, Kubernetes version), so a worker loads the
chart once per scenario. Implementations run jobs in parallel and must survive a template
that never finishes (the job ends with ``error`` set, the run goes on).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["RenderJob", "RenderOutcome", "ScenarioEngine"]


@dataclass(frozen=True)
class RenderJob:
    key: int  # the caller's handle for the job
    chart_dir: str
    values: Mapping[str, Any]
    kube_version: str  # "v1.31.0"
    helm_lint: bool = True
    release_name: str = "release-name"
    namespace: str = "lint-release-ns"


@dataclass
class RenderOutcome:
    manifests: dict[str, str] = field(default_factory=dict)  # "<chart>/templates/x.yaml" -> text
    merged_values: dict[str, Any] | None = None
    lint_messages: list[tuple[int, str, str]] | None = None  # (severity 1..3, path, message)
    error: str | None = None
    timed_out: bool = False


class ScenarioEngine(Protocol):
    def run(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        """Run every job, yielding each outcome as it completes (any order)."""
        ...

    def close(self) -> None: ...
