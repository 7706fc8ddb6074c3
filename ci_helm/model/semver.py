"""Semantic versions and version constraints, compatible with Helm's Masterminds/semver v3.

Helm parses chart versions leniently (``v1.2`` is ``1.2.0``) and checks dependency and
``kubeVersion`` constraints with Masterminds' rules: ``^1.2``, ``~1.2``, ``1.x``,
``>=1.0.0 <2.0.0``, ``1.2 - 1.4``, ``a || b``. A prerelease version satisfies a constraint
only when the constraint itself names a prerelease (``>=1.0.0-0`` admits ``1.1.0-rc.1``),
exactly as Helm does. Ordering follows SemVer 2.0.0 §11 (build metadata is ignored).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

__all__ = [
    "Constraint",
    "SemverError",
    "Version",
    "is_semver",
    "parse_constraint",
    "parse_version",
    "strict_version",
]

_NUM = r"0|[1-9]\d*"
_IDENT = r"[0-9A-Za-z-]+"
_DOTTED = rf"{_IDENT}(?:\.{_IDENT})*"
_LOOSE = re.compile(rf"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-({_DOTTED}))?(?:\+({_DOTTED}))?$")
_STRICT = re.compile(rf"^({_NUM})\.({_NUM})\.({_NUM})(?:-({_DOTTED}))?(?:\+({_DOTTED}))?$")
_MAX_SEGMENT = 2**63 - 1


class SemverError(ValueError):
    """A version or constraint string that cannot be parsed; the message says which and why."""


@total_ordering
@dataclass(frozen=True, eq=False)
class Version:
    """A parsed version. Equality and order ignore build metadata, as SemVer requires."""

    major: int
    minor: int
    patch: int
    prerelease: str = ""
    build: str = ""

    @classmethod
    def parse(cls, text: str, *, strict: bool = False) -> Version:
        """Parse like Helm (``strict=False``: ``v`` prefix, missing minor/patch) or per SemVer 2.0.0."""
        match = (_STRICT if strict else _LOOSE).match(text.strip() if not strict else text)
        if match is None:
            kind = "SemVer 2.0.0 version (MAJOR.MINOR.PATCH)" if strict else "semantic version"
            raise SemverError(f"{text!r} is not a valid {kind}")
        major, minor, patch, pre, build = match.groups()
        numbers = [int(major), int(minor or 0), int(patch or 0)]
        if any(n > _MAX_SEGMENT for n in numbers):
            raise SemverError(f"{text!r}: version segment too large")
        _check_prerelease(text, pre or "")
        return cls(numbers[0], numbers[1], numbers[2], pre or "", build or "")

    @property
    def is_prerelease(self) -> bool:
        return bool(self.prerelease)

    def _key(self) -> tuple[int, int, int, int, tuple[tuple[int, int | str], ...]]:
        pre = tuple((0, int(p)) if p.isdigit() else (1, p) for p in self.prerelease.split(".") if p)
        return (self.major, self.minor, self.patch, 0 if self.prerelease else 1, pre)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        if self.prerelease:
            text += f"-{self.prerelease}"
        return text + (f"+{self.build}" if self.build else "")


def _check_prerelease(text: str, pre: str) -> None:
    for part in pre.split(".") if pre else ():
        if part.isdigit() and len(part) > 1 and part.startswith("0"):
            raise SemverError(f"{text!r}: numeric prerelease identifier {part!r} has a leading zero")


def parse_version(text: str, *, strict: bool = False) -> Version:
    return Version.parse(text, strict=strict)


def strict_version(text: str) -> Version | None:
    """``text`` as a strict SemVer 2.0.0 version, a leading ``v`` allowed as Helm allows; else None."""
    try:
        return Version.parse(text.removeprefix("v"), strict=True)
    except SemverError:
        return None


def is_semver(text: str) -> bool:
    """Strict SemVer 2.0 (a leading ``v`` allowed): what ``package --version`` accepts."""
    return strict_version(text) is not None


# --- constraints -------------------------------------------------------------------------

_OPS = r"!=|>=|=>|<=|=<|~>|>|<|=|~|\^|"
_XNUM = r"[0-9xX*]+"
_CV = rf"v?({_XNUM})(\.{_XNUM})?(\.{_XNUM})?(-{_DOTTED})?(?:\+{_DOTTED})?"
_CV_PLAIN = rf"v?{_XNUM}(?:\.{_XNUM})?(?:\.{_XNUM})?(?:-{_DOTTED})?(?:\+{_DOTTED})?"
_TERM = re.compile(rf"^\s*({_OPS})\s*({_CV})\s*$")
_FIND = re.compile(rf"({_OPS})\s*({_CV_PLAIN})")
_VALID = re.compile(rf"^(\s*(?:{_OPS})\s*(?:{_CV_PLAIN})\s*)((?:\s+|,\s*)(?:{_OPS})\s*(?:{_CV_PLAIN})\s*)*$")
_RANGE = re.compile(rf"\s*({_CV_PLAIN})\s+-\s+({_CV_PLAIN})\s*")


def _is_x(part: str) -> bool:
    return part in ("x", "X", "*")


@dataclass(frozen=True)
class _Term:
    """One comparison such as ``>=1.2`` (``minor_dirty``/``patch_dirty`` mark ``x`` or missing parts)."""

    op: str
    version: Version
    text: str
    dirty: bool = False
    minor_dirty: bool = False
    patch_dirty: bool = False

    @classmethod
    def parse(cls, text: str) -> _Term:
        if not text.strip():
            return cls("", Version(0, 0, 0), text, dirty=True)
        m = _TERM.match(text)
        if m is None:
            raise SemverError(f"improper constraint: {text!r}")
        op, orig, major, minor, patch, pre = m.groups()
        minor, patch, pre = (minor or "").lstrip("."), (patch or "").lstrip("."), pre or ""
        if _is_x(major):
            return cls(op, Version.parse("0.0.0" + pre), orig, dirty=True)
        if not minor or _is_x(minor):
            return cls(op, Version.parse(f"{major}.0.0{pre}"), orig, dirty=True, minor_dirty=True)
        if not patch or _is_x(patch):
            return cls(op, Version.parse(f"{major}.{minor}.0{pre}"), orig, dirty=True, patch_dirty=True)
        return cls(op, Version.parse(orig), orig)

    def allows(self, v: Version) -> bool:
        if v.prerelease and not self.version.prerelease:
            return False  # prereleases only match constraints that ask for them (Helm, Masterminds #21)
        return bool(_CHECKS[self.op](self, v))

    def __str__(self) -> str:
        return f"{self.op}{self.text}"


def _tilde(c: _Term, v: Version) -> bool:
    if v < c.version:
        return False
    con = c.version
    if (con.major, con.minor, con.patch) == (0, 0, 0) and not c.minor_dirty and not c.patch_dirty:
        return True  # ~0.0.0 and * admit everything
    return v.major == con.major and (c.minor_dirty or v.minor == con.minor)


def _caret(c: _Term, v: Version) -> bool:
    con = c.version
    if v < con:
        return False
    if con.major > 0 or c.minor_dirty:
        return v.major == con.major
    if v.major > 0:
        return False
    if con.minor > 0 or c.patch_dirty:
        return v.minor == con.minor
    return v.minor == 0 and v.patch == con.patch


def _equal(c: _Term, v: Version) -> bool:
    return _tilde(c, v) if c.dirty else v == c.version


def _not_equal(c: _Term, v: Version) -> bool:
    con = c.version
    if not c.dirty:
        return v != con
    if v.major != con.major:
        return True
    if c.minor_dirty:
        return False
    if v.minor != con.minor:
        return True
    if c.patch_dirty:
        return False
    return v != con


def _greater(c: _Term, v: Version) -> bool:
    con = c.version
    if not c.dirty:
        return v > con
    if v.major != con.major:
        return v.major > con.major
    if c.minor_dirty:
        return False  # >11 needs 12 or higher
    if c.patch_dirty:
        return v.minor > con.minor  # >11.1 needs 11.2 or higher
    return v > con


def _less_equal(c: _Term, v: Version) -> bool:
    con = c.version
    if not c.dirty:
        return v <= con
    if v.major > con.major:
        return False
    return not (v.major == con.major and v.minor > con.minor and not c.minor_dirty)


_CHECKS = {
    "": _equal,
    "=": _equal,
    "!=": _not_equal,
    ">": _greater,
    "<": lambda c, v: v < c.version,
    ">=": lambda c, v: v >= c.version,
    "=>": lambda c, v: v >= c.version,
    "<=": _less_equal,
    "=<": _less_equal,
    "~": _tilde,
    "~>": _tilde,
    "^": _caret,
}


@dataclass(frozen=True)
class Constraint:
    """``a b`` / ``a, b`` (and) within ``x || y`` (or) groups, e.g. ``>=1.20.0-0 <1.32.0-0 || ^2``."""

    groups: tuple[tuple[_Term, ...], ...]
    text: str

    @classmethod
    def parse(cls, text: str) -> Constraint:
        rewritten = _RANGE.sub(lambda m: f">= {m.group(1)}, <= {m.group(2)}", text)
        groups = []
        for part in rewritten.split("||"):
            if part.strip() and not _VALID.match(part):
                raise SemverError(f"improper constraint: {text!r}")
            terms = [m.group(0) for m in _FIND.finditer(part)] if part.strip() else [""]
            groups.append(tuple(_Term.parse(t) for t in terms))
        return cls(tuple(groups), text)

    def allows(self, version: Version | str) -> bool:
        v = version if isinstance(version, Version) else Version.parse(version)
        return any(all(term.allows(v) for term in group) for group in self.groups)

    def __str__(self) -> str:
        return " || ".join(" ".join(str(t) for t in g) for g in self.groups)


def parse_constraint(text: str) -> Constraint:
    return Constraint.parse(text)
