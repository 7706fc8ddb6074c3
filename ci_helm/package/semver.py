"""SemVer 2.0 versions and Helm-style constraints (the subset Masterminds/semver accepts).

Minimal on purpose: packaging validates ``--version``, the index sorts newest first and
dependency resolution matches constraints such as ``^1.2``, ``~0.5.0``, ``>=1.0.0 <2``,
``1.x`` or ``a || b``. ``ci_helm.model.semver`` (helper "changed") may supersede it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

__all__ = ["Constraint", "Version", "is_semver", "parse_constraint", "parse_version"]

_STRICT = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
# Masterminds' loose form, used for versions already published (1.2, v1, 01.2.3 ...)
_LOOSE = re.compile(
    r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?"
    r"(?:-([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?(?:\+([0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int
    prerelease: tuple[str, ...] = ()
    build: str = ""
    original: str = ""

    def __str__(self) -> str:
        return self.original or self.canonical()

    def canonical(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += "-" + ".".join(self.prerelease)
        return text + (f"+{self.build}" if self.build else "")

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int, str], ...]]:
        pre = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in self.prerelease)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()


def is_semver(text: str) -> bool:
    """Strict SemVer 2.0 (an optional leading ``v`` allowed, as Helm allows)."""
    return _STRICT.match(text) is not None


def parse_version(text: str, *, strict: bool = False) -> Version:
    """Parse a version; ``strict`` refuses what SemVer 2.0 refuses. Raises ``ValueError``."""
    match = (_STRICT if strict else _LOOSE).match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a valid SemVer version")
    major, minor, patch, pre, build = match.groups()
    return Version(
        int(major),
        int(minor or 0),
        int(patch or 0),
        tuple(pre.split(".")) if pre else (),
        build or "",
        text.strip(),
    )


@dataclass(frozen=True)
class _Bound:
    op: str
    version: Version

    def allows(self, v: Version) -> bool:
        ops = {
            "=": v == self.version,
            "!=": v != self.version,
            ">": v > self.version,
            ">=": v >= self.version,
            "<": v < self.version,
            "<=": v <= self.version,
        }
        return ops[self.op]


@dataclass(frozen=True)
class Constraint:
    """``a || b`` of ``AND`` groups. Pre-releases match only when a bound names one (Masterminds)."""

    text: str
    groups: tuple[tuple[_Bound, ...], ...]

    def allows(self, v: Version) -> bool:
        return any(self._group_allows(g, v) for g in self.groups)

    @staticmethod
    def _group_allows(group: tuple[_Bound, ...], v: Version) -> bool:
        if v.prerelease and not any(b.version.prerelease for b in group):
            return False
        return all(b.allows(v) for b in group)


_TERM = re.compile(r"(\^|~>?|>=|<=|!=|=>|=<|>|<|=)?\s*(v?[0-9xX*][0-9A-Za-z.*+-]*)")


def parse_constraint(text: str) -> Constraint:
    """Parse a Masterminds constraint string. Raises ``ValueError`` naming the bad part."""
    groups: list[tuple[_Bound, ...]] = []
    for raw_alternative in text.split("||"):
        alternative = re.sub(r"\s+-\s+", " - ", raw_alternative.strip())
        if " - " in alternative:  # hyphen range "1.2 - 1.4.5"
            low, high = (p.strip() for p in alternative.split(" - ", 1))
            groups.append((*_expand(">=", low), *_expand("<=", high)))
            continue
        bounds: list[_Bound] = []
        for part in re.split(r"[\s,]+", alternative):
            if not part:
                continue
            match = _TERM.fullmatch(part)
            if match is None:
                raise ValueError(f"{text!r}: cannot parse constraint {part!r}")
            bounds.extend(_expand(match.group(1) or "=", match.group(2)))
        groups.append(tuple(bounds) or (_Bound(">=", Version(0, 0, 0)),))
    return Constraint(text, tuple(groups))


def _expand(op: str, raw: str) -> tuple[_Bound, ...]:
    op = {"=>": ">=", "=<": "<=", "~>": "~"}.get(op, op)
    raw = raw.removeprefix("v")
    core, sep, rest = raw.partition("-") if "-" in raw.split("+")[0] else (raw.split("+")[0], "", "")
    parts = core.split(".")
    wild = [p in ("x", "X", "*") for p in parts]
    nums = [0 if w else int(p) for p, w in zip(parts, wild, strict=True)]
    given = next((i for i, w in enumerate(wild) if w), len(parts))
    nums += [0] * (3 - len(nums))
    low = Version(nums[0], nums[1], nums[2], tuple(rest.split(".")) if sep else ())
    if op == "^":
        return _caret(low, given)
    if op == "~":
        return _tilde(low, given)
    if given < 3 and op in ("=", ">", "<="):  # 1.2 / 1.x mean the whole 1.2 range
        high = _bump(low, given)
        if op == "=":
            return _range(low, high, given)
        return (_Bound(">=", high),) if op == ">" else (_Bound("<", high),)
    return (_Bound(op, low),)


def _bump(v: Version, given: int) -> Version:
    if given <= 0:
        return Version(1 << 30, 0, 0)
    if given == 1:
        return Version(v.major + 1, 0, 0)
    return Version(v.major, v.minor + 1, 0)


def _range(low: Version, high: Version, given: int) -> tuple[_Bound, ...]:
    return (_Bound(">=", low),) if given <= 0 else (_Bound(">=", low), _Bound("<", high))


def _caret(low: Version, given: int) -> tuple[_Bound, ...]:
    if low.major > 0 or given <= 1:
        high = Version(low.major + 1, 0, 0)
    elif low.minor > 0 or given == 2:
        high = Version(0, low.minor + 1, 0)
    else:
        high = Version(0, 0, low.patch + 1)
    return (_Bound(">=", low), _Bound("<", high))


def _tilde(low: Version, given: int) -> tuple[_Bound, ...]:
    high = Version(low.major + 1, 0, 0) if given <= 1 else Version(low.major, low.minor + 1, 0)
    return (_Bound(">=", low), _Bound("<", high))
