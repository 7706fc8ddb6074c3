"""Pods do not share the node's network, PID or IPC namespace.

``hostNetwork: true`` lets a pod bind node ports and sniff node traffic and bypasses
NetworkPolicies; ``hostPID``/``hostIPC`` let it see and signal every process on the node.
CNI plugins and some node exporters need host networking: lower the level for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import finding, pod_specs
from ci_helm.model.results import Level

ID = "host-namespaces"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    fields: tuple[str, ...] = ("hostNetwork", "hostPID", "hostIPC")


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx, include_tests=True):
        shared = [f for f in options.fields if pod.spec.get(f) is True]
        if shared:
            yield finding(
                pod.doc,
                f"{pod.doc.describe()} sets {', '.join(f'{f}: true' for f in shared)}: remove unless "
                "it is a node agent",
            )
