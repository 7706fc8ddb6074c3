"""What a command handler gets: resolved settings, output streams and the environment."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ci_helm.settings import Settings

__all__ = ["Context", "Output"]


@dataclass
class Output:
    """The only place commands write to. Colour only on a TTY; quiet keeps CI logs short."""

    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    color: bool = False
    quiet: bool = False

    def write(self, text: str) -> None:
        """Command results (what a pipe or a CI step consumes) go to stdout."""
        self.stdout.write(text)
        if text and not text.endswith("\n"):
            self.stdout.write("\n")
        self.stdout.flush()

    def json(self, data: Any) -> None:
        self.write(json.dumps(data, indent=2, sort_keys=False, default=str))

    def info(self, message: str) -> None:
        """Progress and hints go to stderr so stdout stays machine-readable."""
        if not self.quiet:
            self.stderr.write(message + "\n")

    def warn(self, message: str) -> None:
        self.stderr.write(self._paint("warning: ", "33") + message + "\n")

    def error(self, message: str) -> None:
        self.stderr.write(self._paint("error: ", "31") + message + "\n")

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text


@dataclass
class Context:
    settings: Settings
    out: Output
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path = field(default_factory=Path.cwd)

    @property
    def format(self) -> str:
        return str(self.settings.get("format", "text"))

    @property
    def in_github_actions(self) -> bool:
        return self.environ.get("GITHUB_ACTIONS") == "true"
