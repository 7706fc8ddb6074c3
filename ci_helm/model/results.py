"""Results are data: problems found per chart and check, reduced to an exit code at the end.

Lint, test, package and release all report through these types, and every reporter
(text, JSON, JUnit, SARIF, GitHub, GitLab code quality) renders them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from ci_helm.errors import ExitCode

__all__ = ["ChartReport", "CheckResult", "Level", "Problem", "RunReport"]


class Level(StrEnum):
    """How serious a problem is. ``error`` fails the run; ``warning`` fails it with ``--strict``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {Level.ERROR: 2, Level.WARNING: 1, Level.INFO: 0}[self]


@dataclass(frozen=True)
class Problem:
    """One finding: which rule, how serious, where, and how to fix it."""

    rule: str
    level: Level
    message: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    scenario: str | None = None

    def location(self) -> str:
        if self.path is None:
            return ""
        if self.line is None:
            return self.path
        return f"{self.path}:{self.line}" + (f":{self.column}" if self.column is not None else "")


@dataclass
class CheckResult:
    """The outcome of one check (a rule family, a scenario install, an upload) on one chart."""

    check: str
    problems: list[Problem] = field(default_factory=list)
    duration_s: float = 0.0
    skipped: str | None = None  # the reason, when the check did not run
    output: str = ""  # captured log (test hook output, debug bundle path, ...)

    def failed(self, *, strict: bool = False) -> bool:
        return any(_fails(p, strict) for p in self.problems)


@dataclass
class ChartReport:
    """Everything found about one chart."""

    chart: str  # the chart's path as the user named it (relative to the repo root where possible)
    name: str = ""
    version: str = ""
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        return [p for c in self.checks for p in c.problems]

    def failed(self, *, strict: bool = False) -> bool:
        return any(c.failed(strict=strict) for c in self.checks)


@dataclass
class RunReport:
    """A whole run: one report per chart, plus the command that produced it."""

    command: str
    charts: list[ChartReport] = field(default_factory=list)
    strict: bool = False
    duration_s: float = 0.0

    def failed(self) -> bool:
        return any(c.failed(strict=self.strict) for c in self.charts)

    def exit_code(self) -> ExitCode:
        return ExitCode.CHECKS_FAILED if self.failed() else ExitCode.OK

    def counts(self) -> dict[Level, int]:
        return _count(p for c in self.charts for p in c.problems)


def _fails(problem: Problem, strict: bool) -> bool:
    return problem.level is Level.ERROR or (strict and problem.level is Level.WARNING)


def _count(problems: Iterable[Problem]) -> dict[Level, int]:
    counts = dict.fromkeys(Level, 0)
    for p in problems:
        counts[p.level] += 1
    return counts
