"""Collect what the embedded Helm writes while it works, so it is reported, not leaked.

Two channels exist: records sent through ``helm_set_log_handler`` (the library's slog
bridge) and lines Go's ``log`` package writes straight to file descriptor 2 (for
example "warning: cannot overwrite table ..."). The second can only be caught by
pointing fd 2 at a file for the duration of the call; because fd 2 is process-wide,
captured calls are serialised. That costs nothing in the isolated engine (one call
per worker at a time) and keeps the in-process engine correct.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

__all__ = ["GoOutputCapture", "clean_go_log_line"]

# Go's standard logger prefixes "2026/11/21 09:23:34 "; slog's text handler "time=... level=... msg=".
_GO_LOG_PREFIX = re.compile(r"^\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)? ")


def clean_go_log_line(line: str) -> str:
    """``2026/11/21 09:31:40 warning: skipped value ...`` -> ``skipped value ...``."""
    return _strip_level(_GO_LOG_PREFIX.sub("", line.rstrip()))


def _strip_level(text: str) -> str:
    """Drop the level word Go's log/slog put in front: our output says "warning:" itself."""
    for level in ("warning: ", "WARN ", "WARNING ", "ERROR ", "INFO "):
        text = text.removeprefix(level)
    return text


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.sink: list[str] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.sink is not None:
            self.sink.append(_strip_level(record.getMessage()))


class GoOutputCapture:
    """Installed once per process, right after ``helm_python`` is imported."""

    def __init__(self, helm: ModuleType) -> None:
        self._lock = threading.Lock()
        self._handler = _ListHandler()
        logger = logging.getLogger("ci_helm.engine.helm_native")
        logger.propagate = False  # our output decides what the user sees, not the root logger
        logger.setLevel(logging.WARNING)
        logger.addHandler(self._handler)
        helm.enable_logging(logging.WARNING, logger)

    @contextmanager
    def collect(self) -> Iterator[list[str]]:
        """Yield a list that holds the call's warnings once the block ends."""
        warnings: list[str] = []
        with self._lock, tempfile.TemporaryFile() as sink:
            self._handler.sink = warnings
            saved = os.dup(2)
            os.dup2(sink.fileno(), 2)
            try:
                yield warnings
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                self._handler.sink = None
                sink.seek(0)
                text = sink.read().decode("utf-8", errors="replace")
                warnings.extend(clean_go_log_line(x) for x in text.splitlines() if x.strip())
