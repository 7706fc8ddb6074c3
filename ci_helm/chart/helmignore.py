""".helmignore with Helm's exact semantics (``pkg/ignore``), including its quirks.

Rules are Go ``filepath.Match`` globs, evaluated in order, first match wins:
``/x`` anchors at the chart root, a pattern with a ``/`` matches the whole relative
path, any other pattern matches the base name; a trailing ``/`` matches directories
only (an ignored directory skips everything under it); ``**`` is rejected. A negated
rule (``!x``) ignores every path it does *not* match -- Helm's real behaviour, which
differs from .gitignore, and the one we must reproduce to load the same files as
``helm package``. ``templates/.?*`` (dotfiles in templates/) is always ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from ci_helm.chart.gomatch import BadPattern, glob_matches, go_match
from ci_helm.errors import ChartError

__all__ = ["IgnoreRules", "parse_rules"]

HELMIGNORE = ".helmignore"
DEFAULT_RULES = ("templates/.?*",)


@dataclass(frozen=True)
class _Rule:
    raw: str
    pattern: str
    negate: bool
    must_dir: bool
    anchored: bool
    structural: bool

    def matches(self, path: str) -> bool:
        name = path if (self.anchored or self.structural) else path.rsplit("/", 1)[-1]
        return glob_matches(self.pattern, name)


@dataclass(frozen=True)
class IgnoreRules:
    rules: tuple[_Rule, ...] = ()

    def ignored(self, path: str, *, is_dir: bool) -> bool:
        """Helm's ``Rules.Ignore`` for a slash-separated path relative to the chart root."""
        if path in ("", ".", "./"):
            return False
        for rule in self.rules:
            if rule.negate:
                if rule.must_dir and not is_dir:
                    return True
                if not rule.matches(path):
                    return True
                continue
            if rule.must_dir and not is_dir:
                continue
            if rule.matches(path):
                return True
        return False

    def ignores_file(self, path: str) -> bool:
        """Whether a file is left out: it, or a directory above it, is ignored (Helm skips ignored dirs)."""
        parts = path.split("/")
        above = ("/".join(parts[: i + 1]) for i in range(len(parts) - 1))
        return any(self.ignored(p, is_dir=True) for p in above) or self.ignored(path, is_dir=False)


def parse_rules(
    text: str, *, source: str = HELMIGNORE, defaults: bool = True, skip_bad: bool = False
) -> IgnoreRules:
    """Parse a .helmignore file; a bad pattern is a ChartError naming the line.

    ``skip_bad`` drops bad lines instead, for callers that only need a safe answer (a
    change to a chart whose ``.helmignore`` Helm would refuse still counts as a change).
    """
    rules: list[_Rule] = []
    for number, line in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        try:
            rule = _parse_rule(line)
        except BadPattern as exc:
            if skip_bad:
                continue
            raise ChartError(
                f"bad .helmignore pattern {line.strip()!r}: {exc}", path=source, line=number
            ) from None
        if rule is not None:
            rules.append(rule)
    if defaults:
        rules.extend(r for r in map(_parse_rule, DEFAULT_RULES) if r is not None)
    return IgnoreRules(tuple(rules))


def _parse_rule(line: str) -> _Rule | None:
    rule = line.strip()
    if not rule or rule.startswith("#"):
        return None
    if "**" in rule:
        raise BadPattern("double-star (**) syntax is not supported")
    go_match(rule, "abc")  # compiles the pattern: raises BadPattern like Helm
    raw, negate = rule, rule.startswith("!")
    rule = rule[1:] if negate else rule
    must_dir = rule.endswith("/")
    rule = rule[:-1] if must_dir else rule
    anchored = rule.startswith("/")
    rule = rule[1:] if anchored else rule
    return _Rule(raw, rule, negate, must_dir, anchored, "/" in rule)
