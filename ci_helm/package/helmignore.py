"""``.helmignore`` exactly as Helm reads it (pkg/ignore): glob per line, ``!`` negation, ``dir/``.

Not gitignore: a pattern without ``/`` matches the base name only, a pattern with ``/``
matches the whole relative path, ``**`` is an error, and a negated pattern ignores
everything it does *not* match (Helm's quirk, kept so our packages hold the same files).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import PurePosixPath

from ci_helm.errors import ChartError

__all__ = ["DEFAULT_RULES", "IgnoreRules", "parse_helmignore"]

DEFAULT_RULES = ("templates/.?*",)


@dataclass(frozen=True)
class _Pattern:
    glob: str
    negate: bool
    must_dir: bool
    mode: str  # "base" (no slash), "path" (relative path)

    def matches(self, path: str) -> bool:
        name = PurePosixPath(path).name if self.mode == "base" else path
        return _go_match(self.glob, name)


@dataclass(frozen=True)
class IgnoreRules:
    patterns: tuple[_Pattern, ...]

    def ignored(self, path: str, *, is_dir: bool) -> bool:
        """Helm's ``Rules.Ignore`` for a slash-separated path relative to the chart root."""
        if path in ("", ".", "./"):
            return False
        for p in self.patterns:
            if p.negate:
                if (p.must_dir and not is_dir) or not p.matches(path):
                    return True
                continue
            if p.must_dir and not is_dir:
                continue
            if p.matches(path):
                return True
        return False


def parse_helmignore(text: str, *, path: str = ".helmignore") -> IgnoreRules:
    patterns: list[_Pattern] = []
    for number, raw in enumerate([*text.splitlines(), *DEFAULT_RULES], start=1):
        rule = raw.strip()
        if not rule or rule.startswith("#"):
            continue
        if "**" in rule:
            raise ChartError("double-star (**) syntax is not supported", path=path, line=number)
        negate = rule.startswith("!")
        rule = rule.removeprefix("!")
        must_dir = rule.endswith("/")
        rule = rule.removesuffix("/")
        if rule.startswith("/"):
            patterns.append(_Pattern(rule.removeprefix("/"), negate, must_dir, "path"))
        else:
            patterns.append(_Pattern(rule, negate, must_dir, "path" if "/" in rule else "base"))
    return IgnoreRules(tuple(patterns))


def _go_match(pattern: str, name: str) -> bool:
    """Go's ``filepath.Match``: ``*`` and ``?`` never cross ``/``; ``[...]`` classes; ``\\`` escapes."""
    pattern_parts = pattern.split("/")
    name_parts = name.split("/")
    if len(pattern_parts) != len(name_parts):
        return False
    return all(fnmatchcase(n, _go_class(p)) for p, n in zip(pattern_parts, name_parts, strict=True))


def _go_class(pattern: str) -> str:
    """fnmatch uses ``[!...]`` for negated classes where Go uses ``[^...]``; escapes become classes."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            out.append(f"[{pattern[i + 1]}]")
            i += 2
            continue
        if ch == "[" and pattern[i + 1 : i + 2] == "^":
            out.append("[!")
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out)
