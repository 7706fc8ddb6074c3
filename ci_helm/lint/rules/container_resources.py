"""Containers declare resource requests and a memory limit.

Without requests the scheduler packs pods blindly; without a memory limit one container can
exhaust its node and get its neighbours evicted. By default each container (init containers
included) must set ``resources.requests.cpu``, ``resources.requests.memory`` and
``resources.limits.memory``; a CPU limit is not required, because CPU throttling from a
too-low limit hurts latency more than it protects (options: ``requests``, ``limits``).
Helm test pods are skipped unless ``include-tests``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import containers, finding, pod_specs
from ci_helm.model.results import Level

ID = "container-resources"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    requests: tuple[str, ...] = ("cpu", "memory")
    limits: tuple[str, ...] = ("memory",)
    include_tests: bool = False


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx, include_tests=options.include_tests):
        for c in containers(pod):
            resources = c.container.get("resources")
            resources = resources if isinstance(resources, Mapping) else {}
            missing = [f"requests.{r}" for r in options.requests if not _has(resources, "requests", r)]
            missing += [f"limits.{r}" for r in options.limits if not _has(resources, "limits", r)]
            if missing:
                fields = ", ".join(f"resources.{m}" for m in missing)
                yield finding(
                    pod.doc, f"{c.describe()} does not set {fields}: set them (usually through values)"
                )


def _has(resources: Mapping[str, object], section: str, name: str) -> bool:
    block = resources.get(section)
    return isinstance(block, Mapping) and block.get(name) not in (None, "")
