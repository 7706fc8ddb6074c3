"""Containers set ``allowPrivilegeEscalation: false``.

The default (true) lets a process gain more privileges than its parent through setuid
binaries. The Pod Security Standards' *restricted* profile requires ``false`` explicitly.
Reported as info by default because most public charts leave it unset; raise the level
to enforce it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import containers_without, finding
from ci_helm.model.results import Level

ID = "privilege-escalation"
DEFAULT_LEVEL = Level.INFO
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    include_tests: bool = False


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for c in containers_without(ctx, "allowPrivilegeEscalation", False, include_tests=options.include_tests):
        yield finding(
            c.pod.doc, f"{c.describe()} does not set securityContext.allowPrivilegeEscalation: false"
        )
