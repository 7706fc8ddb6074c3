"""A fake Helm engine for unit tests of code that needs an ``Engine`` (lint, package, deploy...).

It renders nothing itself: tests script what a chart renders to and which lint messages
it yields, and read back the calls it received::

    engine = FakeEngine(renders={"mychart": {"mychart/templates/cm.yaml": "kind: ConfigMap\\n"}})
    engine.fail_render["broken"] = RenderError("x is required", path="broken/templates/a.yaml", line=3)
    ...
    assert engine.calls == [("render", "mychart", {...}, ReleaseOptions())]

Charts are keyed by the directory's base name (``Path(chart_dir).name``).
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.engine.base import LINT_DEFAULTS, EngineMessage, LintOptions, ReleaseOptions, RenderResult
from ci_helm.errors import ChartError, CiHelmError

__all__ = ["FakeEngine"]


@dataclass
class FakeEngine:
    renders: dict[str, dict[str, str]] = field(default_factory=dict)
    lint_messages: dict[str, list[EngineMessage]] = field(default_factory=dict)
    fail_render: dict[str, CiHelmError] = field(default_factory=dict)
    warnings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    helm_version: str = "v4.2.3"
    calls: list[tuple[Any, ...]] = field(default_factory=list)
    closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def name(self) -> str:
        return "fake"

    def version(self) -> str:
        return self.helm_version

    def render(self, chart_dir: Path, values: Mapping[str, Any], release: ReleaseOptions) -> RenderResult:
        key = Path(chart_dir).name
        with self._lock:
            self.calls.append(("render", key, dict(values), release))
        if key in self.fail_render:
            raise self.fail_render[key]
        if key not in self.renders:
            raise ChartError("no such chart in FakeEngine.renders", path=chart_dir)
        return RenderResult(dict(self.renders[key]), self.warnings.get(key, ()))

    def lint(
        self, chart_dir: Path, values: Mapping[str, Any], options: LintOptions = LINT_DEFAULTS
    ) -> list[EngineMessage]:
        key = Path(chart_dir).name
        with self._lock:
            self.calls.append(
                ("lint", key, dict(values), options.strict, options.namespace, options.kube_version)
            )
        return list(self.lint_messages.get(key, []))

    def close(self) -> None:
        self.closed = True
