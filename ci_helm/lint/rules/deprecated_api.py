"""No rendered object uses an apiVersion that the target Kubernetes versions removed or deprecated.

From the Kubernetes deprecation guide: ``extensions/v1beta1`` and ``apps/v1beta1/2``
workloads (removed in 1.16), ``extensions``/``networking.k8s.io/v1beta1`` Ingress, RBAC,
CRD and webhook v1beta1 APIs (1.22), ``batch/v1beta1`` CronJob, ``policy/v1beta1``
PodDisruptionBudget and PodSecurityPolicy, ``autoscaling/v2beta1`` (1.25),
``autoscaling/v2beta2`` (1.26), flowcontrol betas, and more. An API removed in or before a
target version is an error (the chart cannot be installed there); one deprecated but still
served is a warning. Each message names the release that removed it and the apiVersion to
use instead. CRDs shipped in ``crds/`` are checked too.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.kube.deprecations import find_deprecation
from ci_helm.kube.schemas import KubeVersion
from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.model.results import Level

ID = "deprecated-api"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    warn_deprecated: bool = True  # also warn about APIs deprecated but still served


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    rendered = ctx.rendered
    if rendered is None:
        return
    objects: list[tuple[Mapping[str, Any], str]] = [(d.obj, d.template) for d in rendered.documents]
    objects += [(o, "crds") for o in ctx.chart.crd_objects]
    for obj, path in objects:
        finding = _check_one(obj, path, rendered.kube_version, options)
        if finding is not None:
            yield finding


def _check_one(obj: Mapping[str, Any], path: str, target: KubeVersion, options: Options) -> Finding | None:
    api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
    dep = find_deprecation(api_version, kind)
    if dep is None:
        return None
    meta = obj.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    what = f"{kind} {name!r}" if name else kind
    if (target.major, target.minor) >= (dep.removed_in.major, dep.removed_in.minor):
        return Finding(
            f"{what} uses {api_version}, removed in Kubernetes {dep.removed_in} (target {target}): "
            f"{dep.advice()}",
            path,
        )
    if options.warn_deprecated and (target.major, target.minor) >= (
        dep.deprecated_in.major,
        dep.deprecated_in.minor,
    ):
        return Finding(
            f"{what} uses {api_version}, deprecated since Kubernetes {dep.deprecated_in} "
            f"and removed in {dep.removed_in}: {dep.advice()}",
            path,
            level=Level.WARNING,
        )
    return None
