"""Which changed files do not count: user globs here; a chart's ``.helmignore`` is read with
Helm's own rules (:mod:`ci_helm.chart.helmignore`, the port ``helm package`` uses too), so that
"ignored by .helmignore" here means "not in the package" there.
"""

from __future__ import annotations

from collections.abc import Iterable

from pathspec import GitIgnoreSpec

__all__ = ["GlobSet"]


class GlobSet:
    """User ignore globs (gitignore syntax, ``**`` allowed) on repository-relative paths."""

    def __init__(self, patterns: Iterable[str]) -> None:
        self.patterns = tuple(p for p in patterns if p.strip())
        self._spec = GitIgnoreSpec.from_lines(self.patterns)

    def matches(self, path: str) -> bool:
        return bool(self.patterns) and self._spec.match_file(path)
