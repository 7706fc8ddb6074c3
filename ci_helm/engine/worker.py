"""The loop a render worker runs (in a ``spawn`` child), and how errors cross the pipe.

``ci_helm.errors`` classes take keyword-only ``path``/``line``, which plain exception
pickling drops, so errors travel as ``(class name, message, path, line)`` and are
rebuilt on the parent side. Anything that is not a ci-helm error becomes an
``InternalError`` naming its type, never a traceback in the user's face.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import ci_helm.errors as errors_module
from ci_helm.errors import CiHelmError, InternalError

__all__ = ["decode_error", "encode_error", "serve"]

ErrorPayload = tuple[str, str, str | None, int | None]


def encode_error(exc: BaseException) -> ErrorPayload:
    if isinstance(exc, CiHelmError):
        return (type(exc).__name__, exc.message, exc.path, exc.line)
    return ("InternalError", f"render worker: {type(exc).__name__}: {exc}", None, None)


def decode_error(payload: ErrorPayload) -> CiHelmError:
    name, message, path, line = payload
    cls = getattr(errors_module, name, InternalError)
    if not (isinstance(cls, type) and issubclass(cls, CiHelmError)):
        cls = InternalError
    return cls(message, path=path, line=line)


def _exit_with_parent(parent: int) -> None:
    """If the parent dies (even by SIGKILL) while Helm spins in Go, do not linger as an orphan.

    ctypes releases the GIL during the Go call, so this thread runs while a template loops.
    """
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def serve(conn: Connection, helm_home: str | None) -> None:
    """Answer requests until the parent closes the pipe (or kills us)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills us
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    from ci_helm.engine.helm_home import HelmHome
    from ci_helm.engine.helm_python_engine import HelmPythonEngine

    engine = HelmPythonEngine(HelmHome(None if helm_home is None else Path(helm_home)))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", _dispatch(engine, request))
        except Exception as exc:
            reply = ("err", encode_error(exc))
        conn.send(reply)


def _dispatch(engine: Any, request: tuple[Any, ...]) -> Any:
    op, *args = request
    if op == "version":
        return engine.version()
    if op == "render":
        chart, values, release = args
        return engine.render(Path(chart), values, release)
    if op == "lint":
        chart, values, options = args
        return engine.lint(Path(chart), values, options)
    raise InternalError(f"unknown worker request {op!r}")
