"""The closed error hierarchy of ci-helm and the one exit-code table of the CLI.

Library code raises these (never prints, never exits); ``ci_helm.cli.main`` maps
them to exit codes in exactly one place. Every message is one line that says what
went wrong and where (``path:line: message``), with no traceback unless ``--debug``.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path

__all__ = [
    "ArchiveError",
    "ChartError",
    "CiHelmError",
    "ClusterError",
    "CommandError",
    "CommandNotFound",
    "CommandTimeout",
    "ConfigError",
    "EngineError",
    "ExitCode",
    "GitError",
    "InternalError",
    "PublishConflict",
    "PublishError",
    "ReleaseError",
    "RenderError",
    "RenderTimeout",
    "UsageError",
    "ValuesError",
    "YamlError",
]


class ExitCode(IntEnum):
    """One table for the whole CLI."""

    OK = 0
    CHECKS_FAILED = 1
    USAGE = 2
    INTERNAL = 3
    INTERRUPTED = 130


class CiHelmError(Exception):
    """Base of every error ci-helm raises on purpose.

    ``path`` and ``line`` say where the problem is, when known; ``str()`` gives the
    one-line form ``path:line: message`` the CLI prints.
    """

    exit_code: ExitCode = ExitCode.CHECKS_FAILED

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = None if path is None else str(path)
        self.line = line

    def __str__(self) -> str:
        where = self.path or ""
        if where and self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}" if where else self.message


class UsageError(CiHelmError):
    """The command line is wrong: unknown flag value, contradictory options, missing argument."""

    exit_code = ExitCode.USAGE


class ConfigError(UsageError):
    """A setting (flag, CI_HELM_* variable, ci-helm.yaml key) has a bad value or is missing."""


class YamlError(CiHelmError):
    """A YAML document is malformed, hostile (alias bomb, too large) or of the wrong shape."""


class ChartError(CiHelmError):
    """A chart cannot be loaded or is not a valid chart."""


class ArchiveError(ChartError):
    """A chart archive is corrupt or hostile (path traversal, links, oversized members)."""


class ValuesError(CiHelmError):
    """Values cannot be built: bad ``--set`` expression, bad values file, schema violation."""


class RenderError(ChartError):
    """A template failed to render."""


class RenderTimeout(RenderError):
    """A render ran past ``--timeout`` and its worker was killed."""


class EngineError(CiHelmError):
    """The Helm engine is unavailable or misconfigured (no helm_python, no helm binary)."""

    exit_code = ExitCode.USAGE


class CommandError(CiHelmError):
    """An external command (git, helm, gpg, ...) failed; ``stderr`` keeps its last words."""

    def __init__(
        self,
        message: str,
        *,
        argv: tuple[str, ...] = (),
        returncode: int | None = None,
        stdout: str = "",
        stderr: str = "",
    ) -> None:
        super().__init__(message)
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


class CommandNotFound(CommandError):
    """The executable is not installed or not on PATH: a set-up problem, not a failed check."""

    exit_code = ExitCode.USAGE


class CommandTimeout(CommandError):
    """The command ran past its timeout and was killed (with its process group)."""


class GitError(CiHelmError):
    """git cannot answer the question asked (shallow clone, missing branch, not a repository).

    A usage/set-up problem (exit 2): the message says exactly what to fetch or set.
    """

    exit_code = ExitCode.USAGE


class ClusterError(CiHelmError):
    """The Kubernetes cluster cannot be used: unreachable, credentials refused, namespace missing."""


class ReleaseError(CiHelmError):
    """A release operation failed (install, upgrade, rollback, uninstall, test) or its release is stuck."""


class InternalError(CiHelmError):
    """A bug in ci-helm; the CLI asks the user to report it."""

    exit_code = ExitCode.INTERNAL


class PublishError(CiHelmError):
    """A release could not be published: the target refused, is unreachable, or lacks a bucket."""


class PublishConflict(PublishError):
    """A version is already published with different content; ``--force`` replaces it."""
