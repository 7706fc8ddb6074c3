"""A pool of ``spawn`` worker processes running lint jobs through the embedded Helm SDK.

helm_python is not fork-safe, so workers are *spawned* and import it themselves. Each
worker handles one job at a time; a job past the timeout gets its worker killed and
replaced, and ends with an error outcome, so a template that loops forever costs one
timeout and nothing else.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.connection
import os
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from ci_helm.lint.engine_port import RenderJob, RenderOutcome

__all__ = ["HelmPool", "default_workers"]


def default_workers() -> int:
    return max(
        1, min(8, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)
    )


@dataclass
class _Worker:
    process: BaseProcess
    conn: Connection
    job: RenderJob | None = None
    started: float = 0.0


class HelmPool:
    """Runs :class:`RenderJob` objects in spawned workers; see :class:`ScenarioEngine`."""

    def __init__(self, *, workers: int | None = None, timeout: float = 120.0) -> None:
        self._size = workers or default_workers()
        self._timeout = timeout
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def run(self, jobs: Sequence[RenderJob]) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        pending = deque(jobs)
        while len(self._workers) < min(self._size, len(pending)):
            self._workers.append(self._spawn())
        while pending or any(w.job for w in self._workers):
            self._dispatch(pending)
            yield from self._collect()

    def close(self) -> None:
        for w in self._workers:
            self._stop(w, kill=w.job is not None)
        self._workers.clear()

    def __enter__(self) -> HelmPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(target=_worker_main, args=(child,), daemon=True, name="ci-helm-render")
        process.start()
        child.close()
        return _Worker(process, parent)

    def _dispatch(self, pending: deque[RenderJob]) -> None:
        for w in self._workers:
            if w.job is None and pending:
                w.job, w.started = pending.popleft(), time.monotonic()
                w.conn.send(w.job)

    def _collect(self) -> Iterator[tuple[RenderJob, RenderOutcome]]:
        busy = [w for w in self._workers if w.job is not None]
        deadline = min(w.started for w in busy) + self._timeout
        ready = multiprocessing.connection.wait(
            [w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic())
        )
        for w in busy:
            job = w.job
            assert job is not None
            if w.conn in ready:
                yield job, self._receive(w)
            elif time.monotonic() - w.started >= self._timeout:
                yield job, RenderOutcome(error=f"render timed out after {self._timeout:g}s", timed_out=True)
                self._replace(w)

    def _receive(self, w: _Worker) -> RenderOutcome:
        try:
            outcome: RenderOutcome = w.conn.recv()
        except (EOFError, OSError):
            self._replace(w)
            return RenderOutcome(error="the render worker died (out of memory or crashed)")
        w.job = None
        return outcome

    def _replace(self, w: _Worker) -> None:
        self._stop(w, kill=True)
        fresh = self._spawn()
        w.process, w.conn, w.job = fresh.process, fresh.conn, None

    @staticmethod
    def _stop(w: _Worker, *, kill: bool) -> None:
        try:
            if not kill:
                w.conn.send(None)
        except OSError:
            kill = True
        if kill:
            w.process.kill()
        w.process.join(timeout=5)
        w.conn.close()


def _worker_main(conn: Connection) -> None:
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        conn.send(execute(job))


def execute(job: RenderJob) -> RenderOutcome:
    """Run one job in this process (a spawned worker): Helm lint, render, coalesced values."""
    # Lazy imports: helm_python must never be imported in a process that forks.
    from helm_python import _native
    from helm_python import chart as helm_chart
    from helm_python.errors import HelmError

    values = dict(job.values)
    outcome = RenderOutcome()
    try:
        if job.helm_lint:
            report = helm_chart.lint(
                job.chart_dir, values, namespace=job.namespace, kube_version=job.kube_version
            )
            outcome.lint_messages = [
                (int(m["severity"]), str(m["path"]), str(m["error"])) for m in report["messages"]
            ]
        with helm_chart.Chart.load(job.chart_dir) as chart:
            outcome.merged_values = chart.merge_values(values)
            # The SDK's Chart.render has no kube_version option; the C API takes it.
            opts = {"name": job.release_name, "namespace": job.namespace, "kube_version": job.kube_version}
            raw = _native.call_string("helm_render", chart._raw(), json.dumps(values), json.dumps(opts))
        outcome.manifests = json.loads(raw)
    except HelmError as exc:
        outcome.error = " ".join(str(exc).split())
    except Exception as exc:  # a worker must answer; the message names the failure
        outcome.error = f"{type(exc).__name__}: {exc}"
    return outcome
