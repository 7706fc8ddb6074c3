"""Templates do not hard-code a namespace; objects go where the release goes.

An object with ``metadata.namespace: default`` (or any fixed name) ignores
``helm install --namespace``, so two releases in two namespaces collide and uninstall
leaves objects behind. Use ``{{ .Release.Namespace }}`` or leave the field out. Scenarios
render into a sentinel namespace, so only literal namespaces are reported. Namespaces
listed in ``allowed-namespaces`` (by default ``kube-system``, where some RBAC objects must
live) are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from ci_helm.lint.model import RELEASE_NAMESPACE, Finding, RuleContext, Scope
from ci_helm.model.results import Level

ID = "hardcoded-namespace"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    allowed_namespaces: tuple[str, ...] = ("kube-system",)


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    if ctx.rendered is None:
        return
    for doc in ctx.rendered.documents:
        meta = doc.obj.get("metadata")
        ns = meta.get("namespace") if isinstance(meta, Mapping) else None
        if ns in (None, "", RELEASE_NAMESPACE) or ns in options.allowed_namespaces:
            continue
        yield Finding(
            f"{doc.describe()} hard-codes namespace {ns!r}: use {{{{ .Release.Namespace }}}} or omit it",
            doc.template,
        )
