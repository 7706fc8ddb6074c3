"""A changed chart carries a higher SemVer version than on the target branch (and than already published).

chart-testing's ``check-version-increment``: the version in the chart's Chart.yaml must be
greater (SemVer 2 precedence) than the one at the merge base with ``remote/target-branch``.
With ``--index`` (a repository's index.yaml, as a path or URL) the version must also be
new there, and higher than every version already published, so a release cannot clash
with an existing archive. Only charts changed since the target branch are checked; a
chart that does not exist on the target branch is new and passes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, HistoryUnavailable, RuleContext, Scope
from ci_helm.lint.yamlpos import KeyLines
from ci_helm.model.results import Level
from ci_helm.model.semver import Version, strict_version

ID = "version-increment"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "chart"


@dataclass(frozen=True)
class Options:
    require_higher_than_published: bool = True  # with --index: above every published version


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    history = ctx.services.history
    current = _semver(ctx.chart.version)
    if history is None or current is None or not ctx.services.changed(ctx.chart):
        return  # not asked for, or chart-yaml reports the unparsable version
    line = KeyLines(ctx.chart.chart_yaml.text).line(["version"])
    try:
        previous_text = history.previous_version(ctx.chart)
    except HistoryUnavailable as exc:
        yield Finding(f"version increment not checked: {exc}", "Chart.yaml", line, level=Level.WARNING)
        previous_text = None
    previous = _semver(previous_text) if previous_text else None
    if previous is not None and not current > previous:
        yield Finding(
            f"version {current} is not higher than {previous} on the target branch: bump it (e.g. to "
            f"{_bump(previous)})",
            "Chart.yaml",
            line,
        )
    yield from _published(ctx, current, line, options)


def _published(ctx: RuleContext, current: Version, line: int | None, options: Options) -> Iterator[Finding]:
    assert ctx.services.history is not None
    published = [v for v in map(_semver, ctx.services.history.published_versions(ctx.chart)) if v]
    if current in published:
        yield Finding(f"version {current} is already published in the index: bump it", "Chart.yaml", line)
    elif options.require_higher_than_published and published and current < max(published):
        yield Finding(
            f"version {current} is lower than {max(published)}, the highest published: bump it above",
            "Chart.yaml",
            line,
        )


def _semver(text: str) -> Version | None:
    return strict_version(text.strip())


def _bump(version: Version) -> str:
    if version.prerelease:
        return f"{version.major}.{version.minor}.{version.patch}"
    return f"{version.major}.{version.minor}.{version.patch + 1}"
