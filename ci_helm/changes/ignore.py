"""Which changed files do not count: a chart's ``.helmignore`` (Helm's own rules) and user globs.

Helm's ``.helmignore`` is not gitignore: a pattern without ``/`` matches the base name at any
depth, a pattern with ``/`` is a shell glob (``filepath.Match``) on the path relative to the
chart, a trailing ``/`` matches directories only, ``**`` is not supported, and a negated
pattern ignores everything it does *not* match (helm/pkg/ignore). We reproduce that so that
"ignored by .helmignore" here means "not in the package" there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from pathspec import GitIgnoreSpec

__all__ = ["GlobSet", "HelmIgnore"]


@cache
def _go_glob(pattern: str) -> re.Pattern[str]:
    """Go's ``filepath.Match``: ``*`` and ``?`` stop at ``/``; ``[...]`` with ``^`` negation."""
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1 : end]
                body = "^" + body[1:] if body.startswith("^") else body
                out.append(f"[{body}]")
                i = end
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z")


@dataclass(frozen=True)
class _Rule:
    pattern: str
    negate: bool
    must_dir: bool
    anchored: bool

    def matches(self, path: str) -> bool:
        name = path if self.anchored or "/" in self.pattern else path.rsplit("/", 1)[-1]
        return _go_glob(self.pattern).match(name) is not None


class HelmIgnore:
    """The rules of one ``.helmignore``; :meth:`ignores` takes a path relative to the chart root."""

    def __init__(self, rules: Iterable[_Rule]) -> None:
        self._rules = tuple(rules)

    @classmethod
    def parse(cls, text: str) -> HelmIgnore:
        """Rules of a ``.helmignore`` text, then Helm's built-in ``templates/.?*`` (dotfiles)."""
        rules = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#") or "**" in line:
                continue  # Helm rejects "**"; ignoring the line keeps a change counted (the safe side)
            negate = line.startswith("!")
            line = line.removeprefix("!")
            must_dir = line.endswith("/")
            line = line.rstrip("/")
            anchored = line.startswith("/")
            line = line.lstrip("/")
            if line:
                rules.append(_Rule(line, negate, must_dir, anchored))
        rules.append(_Rule("templates/.?*", negate=False, must_dir=False, anchored=False))
        return cls(rules)

    def ignores(self, path: str) -> bool:
        """Ignored when the file or any directory above it is ignored (Helm skips ignored dirs)."""
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts) - 1)]
        return any(self._ignored(p, is_dir=True) for p in prefixes) or self._ignored(path, is_dir=False)

    def _ignored(self, path: str, *, is_dir: bool) -> bool:
        for rule in self._rules:
            if rule.negate:
                # Helm's quirk: a negated rule ignores whatever it does not match.
                if (rule.must_dir and not is_dir) or not rule.matches(path):
                    return True
                continue
            if rule.must_dir and not is_dir:
                continue
            if rule.matches(path):
                return True
        return False


class GlobSet:
    """User ignore globs (gitignore syntax, ``**`` allowed) on repository-relative paths."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(p for p in patterns if p.strip())
        self._spec = GitIgnoreSpec.from_lines(self.patterns)

    def matches(self, path: str) -> bool:
        return bool(self.patterns) and self._spec.match_file(path)
