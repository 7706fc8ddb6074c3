"""Every Service selects pods the chart creates.

A Service whose selector matches no pod template of the release has no endpoints: traffic
goes nowhere, usually after renaming labels in one template but not the other. Services
without a selector (manually managed endpoints) and ExternalName services are skipped, as
are selectors with labels listed in ``external-labels`` (pods created by an operator).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import pod_specs
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
    for doc in ctx.rendered.documents:
        if doc.kind != "Service" or doc.api_version != "v1":
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
        if not any(wanted.items() <= labels.items() for labels in pod_labels):
            shown = ", ".join(f"{k}={v}" for k, v in wanted.items())
            yield Finding(
                f"{doc.describe()} selects {shown} but no pod template in the chart has these labels",
                doc.template,
            )


def _template_labels(obj: Mapping[str, Any], spec_path: str) -> dict[str, str]:
    """Labels of the pod template whose spec sits at ``spec_path`` (``metadata`` is its sibling)."""
    node: Any = obj
    for part in spec_path.split(".")[:-1]:
        node = node.get(part) if isinstance(node, Mapping) else None
    meta = node.get("metadata") if isinstance(node, Mapping) else None
    labels = meta.get("labels") if isinstance(meta, Mapping) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}
