"""``--kube-version`` checked the way Helm parses it (k8s ``version.ParseGeneric``).

``1.31``, ``v1.31.0`` and ``v1.33.4-gke.1245000`` are fine; ``garbage`` or ``1`` are usage
errors raised before any engine starts, identically for every engine.
"""

from __future__ import annotations

import re

from ci_helm.errors import ChartError, UsageError

__all__ = ["DEFAULT_KUBE_VERSION", "check_chart_kube_version", "check_kube_version", "normalized"]

# .Capabilities.KubeVersion when none is given: Helm SDK v4.2.3 (the embedded engine) says v1.36.0.
DEFAULT_KUBE_VERSION = "v1.36.0"

_GENERIC = re.compile(r"^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)$", re.DOTALL)


def check_kube_version(text: str) -> str:
    """Return ``text`` unchanged when Helm accepts it; raise ``UsageError`` otherwise."""
    found = _GENERIC.match(text)
    if found is None:
        raise UsageError(f"invalid kube version {text!r}: could not parse it as a version (e.g. 1.31.0)")
    parts = found[1].split(".")
    if len(parts) < 2:
        raise UsageError(f"invalid kube version {text!r}: needs at least major.minor (e.g. 1.31)")
    if any(len(p) > 1 and p.startswith("0") for p in parts):
        raise UsageError(f"invalid kube version {text!r}: zero-prefixed version component")
    return text


def normalized(text: str) -> str:
    """``v<major>.<minor>.<patch>`` without suffixes, as Helm checks constraints against."""
    found = _GENERIC.match(check_kube_version(text))
    assert found is not None
    parts = [*found[1].split("."), "0", "0"][:3]
    return "v" + ".".join(str(int(p)) for p in parts)


def check_chart_kube_version(constraint: str | None, kube_version: str | None, *, chart: str) -> None:
    """Helm's ``chart requires kubeVersion: C which is incompatible with Kubernetes V``.

    As in Helm (``IsCompatibleRange``), a constraint that does not parse is incompatible too.
    """
    if not constraint:
        return
    from ci_helm.model.semver import SemverError, parse_constraint

    version = normalized(kube_version) if kube_version else DEFAULT_KUBE_VERSION
    shown = kube_version if kube_version and kube_version.startswith("v") else f"v{kube_version or ''}"
    try:
        compatible = parse_constraint(constraint).allows(version)
    except (SemverError, ValueError):
        compatible = False
    if not compatible:
        raise ChartError(
            f"chart requires kubeVersion: {constraint} which is incompatible with Kubernetes "
            f"{shown if kube_version else DEFAULT_KUBE_VERSION} (set --kube-version)",
            path=chart,
        )
