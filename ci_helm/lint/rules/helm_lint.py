"""Helm's own linter (``helm lint``), run once per scenario through the embedded engine.

Each ``ci/*-values.yaml`` file is one scenario (the defaults when there is none), exactly
like chart-testing's one ``helm lint --values`` per file. Helm's errors stay errors, its
warnings stay warnings (``--strict`` makes them fail the run) and its informational
messages (such as "icon is recommended") are reported as info. Messages Helm repeats
across scenarios are reported once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.model.results import Level

ID = "helm-lint"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "render"
RUNS_ON_RENDER_ERROR = True


@dataclass(frozen=True)
class Options:
    include_info: bool = True  # report Helm's [INFO] messages


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    rendered = ctx.rendered
    if rendered is None or rendered.helm_messages is None:
        return
    for msg in rendered.helm_messages:
        if msg.severity is Level.INFO and not options.include_info:
            continue
        level = msg.severity if msg.severity is not Level.ERROR else None
        yield Finding(msg.message, _relative(msg.path), level=level)


def _relative(path: str) -> str | None:
    """Helm names files relative to the chart (``templates/``), or the chart itself by its full path."""
    path = path.rstrip("/")
    return None if not path or path.startswith("/") else path
