"""Lint's check of a version constraint's syntax (``kubeVersion``, dependency versions).

Versions themselves are :mod:`ci_helm.model.semver`'s. This is not that module's Masterminds
parser and gives different verdicts at the edges: it names the comparison that is wrong, and it
reports an empty constraint or alternative and leading zeros (``01.2.3``), which the parser
accepts, while it lets through malformed pre-releases (``1.0.0-a..b``) the parser refuses.
Swapping one for the other would change which charts lint flags, so both stay.
"""

from __future__ import annotations

import re

__all__ = ["constraint_error"]

# One comparison in a Helm/Masterminds constraint: an operator and a (possibly partial, wildcard) version.
_PART = r"(?:0|[1-9]\d*|[xX*])"
_VERSIONISH = rf"v?{_PART}(?:\.{_PART}(?:\.{_PART})?)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
_COMPARISON = re.compile(rf"^(?:=|!=|>|<|>=|=>|<=|=<|~|~>|\^)?\s*{_VERSIONISH}$")
_HYPHEN_RANGE = re.compile(rf"^{_VERSIONISH}\s+-\s+{_VERSIONISH}$")


def constraint_error(text: str) -> str | None:
    """Why ``text`` is not a valid version constraint (``>=1.21.0-0``, ``^1.2 || ~2.0``), else None."""
    if not text.strip():
        return "the constraint is empty"
    for raw in text.split("||"):
        alternative = raw.strip()
        if not alternative:
            return "an empty alternative around '||'"
        if _HYPHEN_RANGE.match(alternative):
            continue
        for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^v\d])", alternative):
            if not _COMPARISON.match(part.strip()):
                return f"{part.strip()!r} is not a comparison like '>=1.21.0' or '^1.2'"
    return None
