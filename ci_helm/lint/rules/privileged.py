"""Containers are not privileged and add no dangerous capabilities.

``privileged: true`` gives a container every capability and access to all host devices;
``SYS_ADMIN``, ``NET_ADMIN``, ``SYS_PTRACE``, ``SYS_MODULE`` or ``ALL`` in
``capabilities.add`` come close. Node agents (CNI, CSI drivers, some exporters) need this
and should lower this rule's level or list their container names in ``allowed-containers``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import containers, finding, pod_specs
from ci_helm.model.results import Level

ID = "privileged"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    dangerous_capabilities: tuple[str, ...] = ("ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE", "SYS_MODULE")
    allowed_containers: tuple[str, ...] = ()


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx, include_tests=True):
        for c in containers(pod):
            if c.name in options.allowed_containers:
                continue
            sc = c.container.get("securityContext")
            if not isinstance(sc, Mapping):
                continue
            if sc.get("privileged") is True:
                yield finding(
                    pod.doc,
                    f"{c.describe()} is privileged: remove securityContext.privileged or grant only "
                    "the capabilities it needs",
                )
            caps = sc.get("capabilities")
            added = caps.get("add") if isinstance(caps, Mapping) else None
            bad = [
                str(a)
                for a in added or []
                if str(a).upper().removeprefix("CAP_") in options.dangerous_capabilities
            ]
            if bad:
                yield finding(
                    pod.doc,
                    f"{c.describe()} adds capabilities {', '.join(bad)}: drop them unless the "
                    "workload truly needs them",
                )
