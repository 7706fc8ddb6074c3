"""SemVer 2.0.0 parsing and precedence, and Masterminds-style constraint syntax checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

__all__ = ["SemVer", "constraint_error", "parse_semver"]

_NUM = r"0|[1-9]\d*"
_IDENT = r"[0-9A-Za-z-]+"
_SEMVER = re.compile(
    rf"^(?P<v>v)?(?P<major>{_NUM})\.(?P<minor>{_NUM})\.(?P<patch>{_NUM})"
    rf"(?:-(?P<pre>{_IDENT}(?:\.{_IDENT})*))?(?:\+(?P<build>{_IDENT}(?:\.{_IDENT})*))?$"
)
# One comparison in a Helm/Masterminds constraint: an operator and a (possibly partial, wildcard) version.
_PART = r"(?:0|[1-9]\d*|[xX*])"
_VERSIONISH = rf"v?{_PART}(?:\.{_PART}(?:\.{_PART})?)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?"
_COMPARISON = re.compile(rf"^(?:=|!=|>|<|>=|=>|<=|=<|~|~>|\^)?\s*{_VERSIONISH}$")
_HYPHEN_RANGE = re.compile(rf"^{_VERSIONISH}\s+-\s+{_VERSIONISH}$")


@total_ordering
@dataclass(frozen=True)
class SemVer:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""
    leading_v: bool = False

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        return text + (f"+{self.build}" if self.build else "")

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        # A release outranks its pre-releases; numeric identifiers sort below alphanumeric ones.
        pre = tuple((0, int(p)) if p.isdigit() else (1, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, SemVer):
            return NotImplemented
        return self._key() < other._key()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SemVer) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


def parse_semver(text: str) -> SemVer | None:
    """A SemVer 2 version (a leading ``v`` is accepted and remembered, as Helm does), else None."""
    match = _SEMVER.match(text.strip())
    if match is None:
        return None
    pre = tuple(match["pre"].split(".")) if match["pre"] else ()
    if any(p.isdigit() and len(p) > 1 and p.startswith("0") for p in pre):
        return None  # SemVer 2 forbids leading zeros in numeric pre-release identifiers
    return SemVer(
        int(match["major"]),
        int(match["minor"]),
        int(match["patch"]),
        pre,
        match["build"] or "",
        bool(match["v"]),
    )


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
