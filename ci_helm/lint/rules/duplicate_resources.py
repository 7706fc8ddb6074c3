"""No two rendered objects share kind, namespace and name.

Helm refuses to install such a chart ("already exists" / "rendered manifests contain a
resource that already exists"), typically after a copy-pasted template or two subcharts
using the same fullname. Checked per scenario.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ci_helm.lint.model import RELEASE_NAMESPACE, Finding, RuleContext, Scope
from ci_helm.model.results import Level

ID = "duplicate-resources"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    pass


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    if ctx.rendered is None:
        return
    seen: dict[tuple[str, str, str, str], str] = {}
    for doc in ctx.rendered.documents:
        meta = doc.obj.get("metadata")
        if not isinstance(meta, Mapping) or not doc.name or _is_test_or_hook(meta):
            continue
        group = doc.api_version.split("/", 1)[0] if "/" in doc.api_version else ""
        key = (group, doc.kind, str(meta.get("namespace") or RELEASE_NAMESPACE), doc.name)
        if key in seen:
            yield Finding(
                f"{doc.describe()} is rendered twice (also in {seen[key]}): rename one", doc.template
            )
        else:
            seen[key] = doc.template


def _is_test_or_hook(meta: Mapping[str, object]) -> bool:
    annotations = meta.get("annotations")
    return isinstance(annotations, Mapping) and "helm.sh/hook" in annotations
