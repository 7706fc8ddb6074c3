"""Untrusted renders in killable ``spawn`` workers: a runaway template ends, it never hangs.

A chart from a pull request is code: ``{{ range until 100000000 }}`` or a recursive
``include`` would spin Helm's Go engine forever, and a Go call cannot be interrupted
from Python. So each call runs in a worker process (started with ``spawn``:
``helm_python`` is not fork-safe) and the parent waits at most ``timeout`` seconds;
past that the worker is killed and :class:`RenderTimeout` raised.

Workers are reused (a small pool), so linting many chart x scenario renders pays one
process start per worker, not per render, and several threads can render in parallel.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from ci_helm.engine.base import LINT_DEFAULTS, EngineMessage, LintOptions, ReleaseOptions, RenderResult
from ci_helm.engine.helm_home import HelmHome
from ci_helm.engine.worker import decode_error, serve
from ci_helm.errors import CiHelmError, RenderError, RenderTimeout

__all__ = ["IsolatedEngine", "default_workers", "shared_isolated_engine"]


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


_environ_lock = threading.Lock()


@contextmanager
def _started_with(env: dict[str, str]) -> Iterator[None]:
    """``os.environ`` is ``env`` while a worker starts (its Go runtime reads only that), then as before.

    multiprocessing has no ``env`` argument; a spawned child inherits the parent's environment.
    """
    with _environ_lock:
        saved = {var: os.environ.get(var) for var, value in env.items() if os.environ.get(var) != value}
        os.environ.update({var: env[var] for var in saved})
        try:
            yield
        finally:
            for var, value in saved.items():
                if value is None:
                    del os.environ[var]
                else:
                    os.environ[var] = value


class _Worker:
    def __init__(self, home: HelmHome) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.conn, child = ctx.Pipe()
        root = None if home.root is None else str(home.root)
        self.process: BaseProcess = ctx.Process(target=serve, args=(child, root), daemon=True)
        home.make_dirs()
        with _started_with(home.process_env(os.environ)):
            self.process.start()
        child.close()

    def call(self, request: tuple[Any, ...], timeout: float, what: Path) -> Any:
        self.conn.send(request)
        if not self.conn.poll(timeout):
            self.kill()
            raise RenderTimeout(
                f"rendering took longer than {timeout:g}s and was stopped "
                "(a template that loops forever? raise --timeout if the chart is just big)",
                path=what,
            )
        try:
            status, payload = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise RenderError(f"render worker died (exit code {self.process.exitcode})", path=what) from None
        if status == "err":
            raise decode_error(payload)
        return payload

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    @property
    def alive(self) -> bool:
        return self.process.is_alive() and not self.conn.closed


class IsolatedEngine:
    """The embedded engine behind a pool of ``spawn`` workers with a per-call timeout."""

    def __init__(self, home: HelmHome, *, timeout: float, workers: int | None = None) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        self._home = home
        self._timeout = timeout
        self._slots = threading.BoundedSemaphore(workers or default_workers())
        self._idle: list[_Worker] = []
        self._lock = threading.Lock()
        self._closed = False
        atexit.register(self.close)

    @property
    def name(self) -> str:
        return "helm-python"

    @property
    def timeout(self) -> float:
        return self._timeout

    @property
    def closed(self) -> bool:
        return self._closed

    def version(self) -> str:
        return str(self._call(("version",), Path(".")))

    def render(self, chart_dir: Path, values: Mapping[str, Any], release: ReleaseOptions) -> RenderResult:
        result: RenderResult = self._call(("render", str(chart_dir), dict(values), release), chart_dir)
        return result

    def lint(
        self, chart_dir: Path, values: Mapping[str, Any], options: LintOptions = LINT_DEFAULTS
    ) -> list[EngineMessage]:
        request = ("lint", str(chart_dir), dict(values), options)
        messages: list[EngineMessage] = self._call(request, chart_dir)
        return messages

    def close(self) -> None:
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def _call(self, request: tuple[Any, ...], what: Path) -> Any:
        with self._slots:
            worker = self._checkout()
            try:
                result = worker.call(request, self._timeout, what)
            except CiHelmError:
                self._checkin(worker)  # a chart's own error; a timed-out worker is dead and dropped
                raise
            except BaseException:
                worker.kill()  # interrupted or broken: never reused
                raise
            self._checkin(worker)
            return result

    def _checkout(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise RenderError("the render engine is closed")
            while self._idle:
                worker = self._idle.pop()
                if worker.alive:
                    return worker
        return _Worker(self._home)

    def _checkin(self, worker: _Worker) -> None:
        with self._lock:
            if not self._closed and worker.alive:
                self._idle.append(worker)
                return
        worker.kill()


class _Borrowed:
    """A process-wide pool lent to one user: ``close()`` returns it instead of killing it."""

    def __init__(self, pool: IsolatedEngine) -> None:
        self._pool = pool

    @property
    def name(self) -> str:
        return self._pool.name

    @property
    def timeout(self) -> float:
        return self._pool.timeout

    def version(self) -> str:
        return self._pool.version()

    def render(self, chart_dir: Path, values: Mapping[str, Any], release: ReleaseOptions) -> RenderResult:
        return self._pool.render(chart_dir, values, release)

    def lint(
        self, chart_dir: Path, values: Mapping[str, Any], options: LintOptions = LINT_DEFAULTS
    ) -> list[EngineMessage]:
        return self._pool.lint(chart_dir, values, options)

    def close(self) -> None:
        """The pool stays warm for the next command in this process; it is closed at exit."""


_shared: dict[tuple[Any, ...], IsolatedEngine] = {}
_shared_lock = threading.Lock()


def shared_isolated_engine(home: HelmHome, *, timeout: float, workers: int | None = None) -> _Borrowed:
    """One warm pool per process for the same settings (commands run in sequence reuse workers).

    Only the most recent configuration is kept: asking for another closes the previous pool,
    so a long-lived process never accumulates idle workers.
    """
    key = (home.root, timeout, workers)
    with _shared_lock:
        pool = _shared.get(key)
        if pool is None or pool.closed:
            for old in _shared.values():
                old.close()
            _shared.clear()
            pool = _shared[key] = IsolatedEngine(home, timeout=timeout, workers=workers)
    return _Borrowed(pool)
