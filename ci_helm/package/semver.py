"""SemVer for packaging, indexes and dependencies: ``ci_helm.model.semver`` (Masterminds rules).

Kept as the import path ``release`` and the index code use; adds :func:`is_semver`, the
strict check ``package --version`` applies.
"""

from __future__ import annotations

from ci_helm.model.semver import Constraint, SemverError, Version, parse_constraint, parse_version

__all__ = ["Constraint", "SemverError", "Version", "is_semver", "parse_constraint", "parse_version"]


def is_semver(text: str) -> bool:
    """Strict SemVer 2.0 (a leading ``v`` allowed, as Helm allows)."""
    try:
        parse_version(text.removeprefix("v"), strict=True)
    except SemverError:
        return False
    return True
