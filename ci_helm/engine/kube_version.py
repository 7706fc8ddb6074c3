"""``--kube-version`` checked the way Helm parses it (k8s ``version.ParseGeneric``).

``1.31``, ``v1.31.0`` and ``v1.33.4-gke.1245000`` are fine; ``garbage`` or ``1`` are usage
errors raised before any engine starts, identically for every engine.
"""

from __future__ import annotations

import re

from ci_helm.errors import UsageError

__all__ = ["check_kube_version"]

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
