"""Long-running containers have readiness and liveness probes.

Without a readiness probe a pod receives traffic before it can serve it, and rolling
updates proceed past broken pods; without a liveness probe a hung process is never
restarted. Checked on the main containers of Deployments, StatefulSets, DaemonSets,
ReplicaSets and ReplicationControllers (Jobs, CronJobs and init containers finish, so they
are exempt). ``require`` lists the probes to demand; a ``startupProbe`` does not replace them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import LONG_RUNNING, containers, finding, pod_specs
from ci_helm.model.results import Level

ID = "probes"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    require: tuple[str, ...] = ("readinessProbe", "livenessProbe")


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx):
        if pod.doc.kind not in LONG_RUNNING:
            continue
        for c in containers(pod, init=False):
            missing = [p for p in options.require if not c.container.get(p)]
            if missing:
                yield finding(
                    pod.doc,
                    f"{c.describe()} has no {' or '.join(missing)}: add "
                    f"{'them' if len(missing) > 1 else 'it'}",
                )
