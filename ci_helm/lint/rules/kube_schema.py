"""Every rendered object is valid against the Kubernetes OpenAPI schema of each target version.

Offline, like kubeconform: built-in kinds use the schemas bundled with
``kubernetes-validate`` for the ``--kube-version`` releases (strict by default: unknown
fields are errors, as with ``kubectl --validate=strict``); custom resources are validated
against the ``openAPIV3Schema`` of CRDs that come with the chart (``crds/`` of the chart
and its subcharts, or rendered by its templates). A kind with no schema is reported
(info for a custom resource whose CRD lives elsewhere, warning for a built-in API group
that the target release does not serve), never crashed on. Removed APIs are left to the
``deprecated-api`` rule.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ci_helm.kube.deprecations import find_deprecation
from ci_helm.kube.schemas import available_versions, json_path
from ci_helm.lint.model import Document, Finding, RuleContext, Scope
from ci_helm.model.results import Level

# API groups Kubernetes itself serves; other *.k8s.io groups (Gateway API, ...) are CRDs.
BUILTIN_GROUPS = frozenset(
    (
        "",
        "admissionregistration.k8s.io",
        "apiextensions.k8s.io",
        "apiregistration.k8s.io",
        "authentication.k8s.io",
        "authorization.k8s.io",
        "certificates.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "flowcontrol.apiserver.k8s.io",
        "internal.apiserver.k8s.io",
        "networking.k8s.io",
        "node.k8s.io",
        "rbac.authorization.k8s.io",
        "resource.k8s.io",
        "scheduling.k8s.io",
        "storage.k8s.io",
        "storagemigration.k8s.io",
    )
)


def is_builtin(api_version: str) -> bool:
    """Whether Kubernetes itself serves this apiVersion's group (core, apps, ..., *.k8s.io built-ins)."""
    group = api_version.split("/", 1)[0] if "/" in api_version else ""
    return group in BUILTIN_GROUPS or "." not in group


ID = "kube-schema"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    strict: bool = True  # unknown fields in built-in kinds are errors
    ignore_kinds: tuple[str, ...] = ()  # kinds (or apiVersion/kind) not to validate
    max_errors_per_object: int = 20


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    rendered = ctx.rendered
    if rendered is None:
        return
    store = ctx.services.schema_store(strict=options.strict)
    version = rendered.kube_version
    if store.schema_version(version) is None:
        bundled = available_versions()
        yield Finding(
            f"no bundled Kubernetes schemas for {version} (bundled: {bundled[0]}..{bundled[-1]}); "
            "objects were not validated: pick a bundled --kube-version",
            level=Level.WARNING,
        )
        return
    crds = ctx.chart.crd_schemas(rendered.documents)
    for doc in rendered.documents:
        if doc.kind in options.ignore_kinds or f"{doc.api_version}/{doc.kind}" in options.ignore_kinds:
            continue
        if not doc.kind or not doc.api_version:
            yield Finding(
                f"rendered {doc.describe()} has no {'kind' if not doc.kind else 'apiVersion'}: set it",
                doc.template,
            )
            continue
        violations = _builtin_violations(ctx, doc, options.strict)
        if violations is None:
            errors = _crd_violations(crds.validator(doc.api_version, doc.kind), doc)
            if errors is None:
                yield from _no_schema(doc, version, crds.defines(doc.api_version, doc.kind))
                continue
            source = "its CRD's schema"
        else:
            errors = violations
            source = f"the Kubernetes {version} schema"
        for path, message in errors[: options.max_errors_per_object]:
            yield Finding(f"{doc.describe()}: {path}: {message} ({source})", doc.template)
        if len(errors) > options.max_errors_per_object:
            yield Finding(
                f"{doc.describe()}: {len(errors) - options.max_errors_per_object} more schema errors",
                doc.template,
            )


def _builtin_violations(ctx: RuleContext, doc: Document, strict: bool) -> list[tuple[str, str]] | None:
    """Schema errors of a built-in object; scenarios often render identical objects, validated once."""
    assert ctx.rendered is not None
    version = ctx.rendered.kube_version
    digest = hashlib.sha256(json.dumps(doc.obj, sort_keys=True, default=str).encode()).hexdigest()

    def compute() -> list[tuple[str, str]] | None:
        found = ctx.services.schema_store(strict=strict).validate(version, dict(doc.obj))
        return None if found is None else [(v.path, v.message) for v in found]

    result: list[tuple[str, str]] | None = ctx.services.remember(
        f"kube-schema:{version}:{strict}:{digest}", compute
    )
    return result


def _crd_violations(validator: Any, doc: Document) -> list[tuple[str, str]] | None:
    """Errors against a CRD's schema; ``None`` when there is none, or it is itself broken."""
    if validator is None:
        return None
    try:
        return [(json_path(e.absolute_path), e.message) for e in validator.iter_errors(dict(doc.obj))]
    except Exception:  # e.g. an invalid regular expression in a pattern: the CRD's problem
        return None


def _no_schema(doc: Document, version: object, crd_known: bool) -> Iterator[Finding]:
    if find_deprecation(doc.api_version, doc.kind) is not None:
        return  # deprecated-api explains it with the replacement
    group = doc.api_version.split("/", 1)[0] if "/" in doc.api_version else ""
    if crd_known:
        yield Finding(
            f"{doc.describe()}: the chart's CRD for {doc.api_version} has no usable schema; not validated",
            doc.template,
            level=Level.INFO,
        )
    elif group in BUILTIN_GROUPS or "." not in group:
        yield Finding(
            f"{doc.describe()}: Kubernetes {version} does not serve {doc.api_version} {doc.kind}: "
            "check the apiVersion and the kind's spelling",
            doc.template,
            level=Level.WARNING,
        )
    else:
        yield Finding(
            f"{doc.describe()}: custom resource {doc.api_version} {doc.kind} has no CRD in the chart; "
            "not validated",
            doc.template,
            level=Level.INFO,
        )
