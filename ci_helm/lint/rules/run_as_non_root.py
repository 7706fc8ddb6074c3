"""Pods run as a non-root user.

A container running as root that escapes (a kernel bug, a mounted socket) is root on the
node. Satisfied by ``runAsNonRoot: true`` or a non-zero ``runAsUser``, on the pod's or on
every container's ``securityContext``. ``runAsUser: 0`` is reported even with runAsNonRoot
(the kubelet then refuses to start the pod).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import containers, finding, pod_specs
from ci_helm.model.results import Level

ID = "run-as-non-root"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    include_tests: bool = False


def _context(node: Mapping[str, Any]) -> Mapping[str, Any]:
    sc = node.get("securityContext")
    return sc if isinstance(sc, Mapping) else {}


def _non_root(sc: Mapping[str, Any]) -> bool | None:
    """True/False when the context decides, None when it says nothing."""
    user = sc.get("runAsUser")
    if isinstance(user, int) and not isinstance(user, bool):
        return user != 0
    if sc.get("runAsNonRoot") is True:
        return True
    if sc.get("runAsNonRoot") is False:
        return False
    return None


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx, include_tests=options.include_tests):
        pod_level = _non_root(_context(pod.spec))
        for c in containers(pod):
            decided = _non_root(_context(c.container))
            if (pod_level if decided is None else decided) is not True:
                yield finding(
                    pod.doc,
                    f"{c.describe()} may run as root: set securityContext.runAsNonRoot: true and a "
                    "non-zero runAsUser",
                )
