"""The default engine: Helm's Go SDK embedded through ``helm_python`` (helm-python-sdk).

``helm_python`` is imported lazily, on first use, never at module import: it is not
fork-safe, and modules importing this one may later fork. Go sees only the environment
the process started with (see :mod:`ci_helm.engine.helm_home`): the isolated engine's
workers start with Helm's homes and GC target in place; in a process started without
them, Helm uses its own defaults.

Helm writes some warnings straight to file descriptor 2 (Go's ``log`` package) and
others through the library's log callback; :mod:`ci_helm.engine.capture` collects both
so they come back as ``RenderResult.warnings`` instead of leaking onto our stderr.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from ci_helm.engine.base import (
    LINT_DEFAULTS,
    EngineMessage,
    LintOptions,
    ReleaseOptions,
    RenderResult,
    Severity,
)
from ci_helm.engine.capture import GoOutputCapture
from ci_helm.engine.errors import translate_helm_error
from ci_helm.engine.helm_home import HelmHome

__all__ = ["HelmPythonEngine", "load_helm_python"]

_SEVERITIES = {1: Severity.INFO, 2: Severity.WARNING, 3: Severity.ERROR}
_load_lock = threading.Lock()
_loaded: list[GoOutputCapture] = []  # one per process, once helm_python is imported


def load_helm_python(home: HelmHome) -> tuple[ModuleType, GoOutputCapture]:
    """Import ``helm_python`` once per process, with Helm's home directories made and its output captured."""
    with _load_lock:
        if not _loaded:
            home.make_dirs()
            import helm_python

            _loaded.append(GoOutputCapture(helm_python))
        import helm_python

        return helm_python, _loaded[0]


class HelmPythonEngine:
    """Renders and lints in this process. Thread-safe; Go output is captured per call."""

    def __init__(self, home: HelmHome) -> None:
        self._home = home

    @property
    def name(self) -> str:
        return "helm-python"

    def version(self) -> str:
        helm, _ = load_helm_python(self._home)
        return str(helm.helm_sdk_version())

    def render(self, chart_dir: Path, values: Mapping[str, Any], release: ReleaseOptions) -> RenderResult:
        helm, capture = load_helm_python(self._home)
        from helm_python import _native

        with capture.collect() as warnings:
            try:
                with helm.Chart.load(os.fspath(chart_dir)) as chart:
                    raw = _native.call_string(
                        "helm_render",
                        chart._raw(),
                        json.dumps(dict(values)),
                        json.dumps(_render_opts(release)),
                    )
            except helm.HelmError as exc:
                raise translate_helm_error(exc, chart_dir) from None
        manifests: dict[str, str] = json.loads(raw)
        return RenderResult(manifests=manifests, warnings=tuple(warnings))

    def lint(
        self, chart_dir: Path, values: Mapping[str, Any], options: LintOptions = LINT_DEFAULTS
    ) -> list[EngineMessage]:
        helm, capture = load_helm_python(self._home)
        with capture.collect() as warnings:
            try:
                report = helm.lint(
                    os.fspath(chart_dir),
                    dict(values),
                    strict=options.strict,
                    namespace=options.namespace,
                    kube_version=options.kube_version,
                )
            except helm.HelmError as exc:
                raise translate_helm_error(exc, chart_dir) from None
        messages = [
            EngineMessage(_SEVERITIES.get(int(m.get("severity", 0)), Severity.INFO), m["path"], m["error"])
            for m in report.get("messages", [])
        ]
        # Helm logs (not lint findings): reported, but never failing a --strict lint.
        messages.extend(EngineMessage(Severity.INFO, str(chart_dir), w, {"log": True}) for w in warnings)
        return messages

    def close(self) -> None:
        """Nothing to release: chart handles are closed after each call."""


def _render_opts(release: ReleaseOptions) -> dict[str, Any]:
    opts: dict[str, Any] = {
        "name": release.name,
        "namespace": release.namespace,
        "revision": release.revision,
        "is_install": release.is_install,
        "is_upgrade": release.is_upgrade,
    }
    if release.kube_version:
        opts["kube_version"] = release.kube_version
    if release.api_versions:
        opts["api_versions"] = list(release.api_versions)
    return opts
