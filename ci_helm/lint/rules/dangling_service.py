"""Every Service selects pods the chart creates.

A Service whose selector matches no pod template of the release has no endpoints: traffic
goes nowhere, usually after renaming labels in one template but not the other. Skipped:
Services without a selector (manually managed endpoints), ExternalName services, Services
in another namespace than the release (they front system pods, e.g. kube-system exporters),
selectors naming a custom resource of the chart (its operator creates the pods), and
selectors with labels listed in ``external-labels``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.lint.model import RELEASE_NAMESPACE, Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import pod_specs
from ci_helm.lint.rules.kube_schema import is_builtin
from ci_helm.model.results import Level

ID = "dangling-service"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    external_labels: tuple[str, ...] = ()


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    if ctx.rendered is None:
        return
    pod_labels = [_template_labels(p.doc.obj, p.path) for p in pod_specs(ctx, include_tests=True)]
    custom_names = {d.name for d in ctx.rendered.documents if not is_builtin(d.api_version)}
    for doc in ctx.rendered.documents:
        if doc.kind != "Service" or doc.api_version != "v1" or _foreign_namespace(doc.obj):
            continue
        spec = doc.obj.get("spec")
        if not isinstance(spec, Mapping) or spec.get("type") == "ExternalName":
            continue
        selector = spec.get("selector")
        if (
            not isinstance(selector, Mapping)
            or not selector
            or set(map(str, selector)) & set(options.external_labels)
        ):
            continue
        wanted = {str(k): str(v) for k, v in selector.items()}
        if custom_names & set(wanted.values()):
            continue  # pods of a custom resource (an operator creates them)
        if not any(wanted.items() <= labels.items() for labels in pod_labels):
            shown = ", ".join(f"{k}={v}" for k, v in wanted.items())
            yield Finding(
                f"{doc.describe()} selects {shown} but no pod template in the chart has these labels",
                doc.template,
            )


def _foreign_namespace(obj: Mapping[str, Any]) -> bool:
    meta = obj.get("metadata")
    ns = meta.get("namespace") if isinstance(meta, Mapping) else None
    return ns not in (None, "", RELEASE_NAMESPACE)


def _template_labels(obj: Mapping[str, Any], spec_path: str) -> dict[str, str]:
    """Labels of the pod template whose spec sits at ``spec_path`` (``metadata`` is its sibling)."""
    node: Any = obj
    for part in spec_path.split(".")[:-1]:
        node = node.get(part) if isinstance(node, Mapping) else None
    meta = node.get("metadata") if isinstance(node, Mapping) else None
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}
