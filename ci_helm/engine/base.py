"""What ci-helm needs from Helm itself, stated as a ``Protocol``.

The core never calls ``helm_python`` or a ``helm`` binary directly: it asks an
:class:`Engine`. The base protocol is deliberately small (render, lint, version);
later capabilities are separate protocols in their own modules (dependency
build/update, OCI push/pull, release operations), implemented by the same adapter
classes, so a command states exactly the capability it needs::

    class DependencyEngine(Engine, Protocol):
        def dependency_build(self, chart_dir: Path) -> None: ...

Values passed to an engine are the *user-supplied* values (``-f``/``--set``, already
merged by ``ci_helm.chart.values``); the engine coalesces them with the chart's defaults,
subchart scoping, conditions/tags and import-values exactly as Helm does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from ci_helm.errors import UsageError

__all__ = [
    "DEFAULT_RELEASE_NAME",
    "LINT_DEFAULTS",
    "Engine",
    "EngineMessage",
    "LintOptions",
    "ReleaseOptions",
    "RenderResult",
    "Severity",
    "check_release_name",
]

# What `helm template` calls a release when no name is given.
DEFAULT_RELEASE_NAME = "release-name"
# Helm's ValidateReleaseName: a DNS-1123 subdomain of at most 53 characters.
_RELEASE_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
MAX_RELEASE_NAME = 53


def check_release_name(name: str) -> str:
    """Return ``name`` when Helm accepts it as a release name; ``UsageError`` otherwise."""
    if len(name) > MAX_RELEASE_NAME or not _RELEASE_NAME.fullmatch(name):
        raise UsageError(
            f"invalid release name {name!r}: use lower-case letters, digits, '-' and '.', "
            f"starting and ending with a letter or digit, at most {MAX_RELEASE_NAME} characters"
        )
    return name


@dataclass(frozen=True)
class ReleaseOptions:
    """The ``.Release`` and ``.Capabilities`` a render sees (``helm template`` defaults)."""

    name: str = DEFAULT_RELEASE_NAME
    namespace: str = "default"
    revision: int = 1
    is_install: bool = True
    is_upgrade: bool = False
    kube_version: str | None = None  # e.g. "1.31.0" or "v1.31.0"; None = Helm's default
    api_versions: tuple[str, ...] = ()  # added to Helm's default Capabilities.APIVersions


@dataclass(frozen=True)
class LintOptions:
    """How Helm's own linter runs (``helm lint`` flags)."""

    strict: bool = False
    namespace: str = "default"
    kube_version: str | None = None  # e.g. "1.31.0"; None = Helm's default


LINT_DEFAULTS = LintOptions()


@dataclass(frozen=True)
class RenderResult:
    """Helm's raw render: template path (``chart/templates/x.yaml``) -> rendered text.

    Partials are already dropped by Helm's engine; NOTES.txt, empty documents, hooks and
    ordering are handled by ``ci_helm.render``. ``warnings`` holds what Helm logged while
    rendering (e.g. "skipped value for ..."), for our output instead of raw stderr.
    """

    manifests: dict[str, str]
    warnings: tuple[str, ...] = ()


class Severity(StrEnum):
    """Helm's lint severities (support.Severity): info, warning, error."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class EngineMessage:
    """One finding of Helm's own lint rules."""

    severity: Severity
    path: str  # the file Helm names ("templates/", "Chart.yaml", "values.yaml", ...)
    message: str
    extra: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class Engine(Protocol):
    """The Helm engine. Implementations must be safe to call from several threads."""

    @property
    def name(self) -> str:
        """``helm-python`` or ``helm-cli``: shown in messages and ``--format json``."""
        ...

    def version(self) -> str:
        """The Helm version doing the work (e.g. ``v4.2.3``)."""
        ...

    def render(self, chart_dir: Path, values: Mapping[str, Any], release: ReleaseOptions) -> RenderResult:
        """Render the chart at ``chart_dir`` (a directory or a validated ``.tgz``).

        Raises ``RenderError`` (one line naming template file and line) on a template
        error, ``RenderTimeout`` when an isolated render runs past its timeout,
        ``ValuesError`` when values fail ``values.schema.json``, ``ChartError`` when
        the chart cannot be loaded.
        """
        ...

    def lint(
        self, chart_dir: Path, values: Mapping[str, Any], options: LintOptions = LINT_DEFAULTS
    ) -> list[EngineMessage]:
        """Helm's own lint rules on one chart with one set of values (findings are data)."""
        ...

    def close(self) -> None:
        """Release workers and handles. Idempotent."""
        ...
