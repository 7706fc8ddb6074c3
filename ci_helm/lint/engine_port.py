"""Run lint's per-scenario engine work in parallel: Helm's linter + one render per scenario.

The :class:`~ci_helm.engine.base.Engine` does the Helm work (the isolated engine in killable
``spawn`` workers, so a template that loops forever ends with a timeout); this module
only fans jobs out over threads, one per engine worker, and turns errors into outcomes so
one broken scenario never stops the run. Jinja2 charts render in-process with their own
cooperative deadline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.engine.base import Engine, LintOptions, ReleaseOptions, Severity
from ci_helm.errors import CiHelmError, RenderTimeout

__all__ = ["JinjaRender", "RenderJob", "RenderOutcome", "ScenarioRunner"]

_SEVERITY = {Severity.INFO: 1, Severity.WARNING: 2, Severity.ERROR: 3}
# Helm lists these from a Go map, in an order that changes from run to run.
_UNORDERED_LIST = re.compile(r"(missing these dependencies: )([^ ]+)$")
JinjaRender = Callable[[Path, Mapping[str, Any], ReleaseOptions], dict[str, str]]


@dataclass(frozen=True)
class RenderJob:
    key: int  # the caller's handle for the job
    chart_dir: str
    values: Mapping[str, Any]
    kube_version: str  # "v1.31.0"
    helm_lint: bool = True
    release_name: str = "release-name"
    namespace: str = "lint-release-ns"
    jinja: bool = False


@dataclass
class RenderOutcome:
    manifests: dict[str, str] = field(default_factory=dict)  # "<chart>/templates/x.yaml" -> text
    lint_messages: list[tuple[int, str, str]] | None = None  # (severity 1..3, path, message)
    error: str | None = None
    error_path: str | None = None  # the template the engine blamed, as it named it
    error_line: int | None = None
    timed_out: bool = False


class ScenarioRunner:
    """Runs :class:`RenderJob` objects on an engine, ``workers`` at a time."""

    def __init__(
        self,
        engine: Engine,
        *,
        workers: int = 2,
        jinja: JinjaRender | None = None,
        api_versions: tuple[str, ...] = (),
    ) -> None:
        self._engine = engine
        self._workers = max(1, workers)
        self._jinja = jinja
        self._api_versions = api_versions  # --api-versions: extra Capabilities.APIVersions

    def run(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        """Every job's outcome, as each completes (any order)."""
        with ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="render") as pool:
            futures = {pool.submit(self.execute, job): job for job in jobs}
            for future in as_completed(futures):
                yield futures[future], future.result()

    def close(self) -> None:
        self._engine.close()

    def execute(self, job: RenderJob) -> RenderOutcome:
        outcome = RenderOutcome()
        chart = Path(job.chart_dir)
        release = ReleaseOptions(
            name=job.release_name,
            namespace=job.namespace,
            kube_version=job.kube_version,
            api_versions=self._api_versions,
        )
        try:
            if job.jinja:
                if self._jinja is None:
                    raise CiHelmError("no Jinja2 renderer configured")
                outcome.manifests = self._jinja(chart, job.values, release)
                return outcome
            if job.helm_lint:
                options = LintOptions(namespace=job.namespace, kube_version=job.kube_version)
                messages = self._engine.lint(chart, job.values, options)
                outcome.lint_messages = [
                    (_SEVERITY.get(m.severity, 1), m.path, _stable(" ".join(m.message.split())))
                    for m in messages
                    if not m.extra.get("log")
                ]
            outcome.manifests = self._engine.render(chart, job.values, release).manifests
        except RenderTimeout as exc:
            outcome.error, outcome.timed_out = exc.message, True
        except CiHelmError as exc:
            outcome.error = exc.message if exc.path else str(exc)
            outcome.error_path, outcome.error_line = exc.path, exc.line
        return outcome


def _stable(message: str) -> str:
    """Helm's message with its run-to-run ordered lists sorted, so reports do not vary."""
    return _UNORDERED_LIST.sub(lambda m: m[1] + ",".join(sorted(m[2].split(","))), message)
