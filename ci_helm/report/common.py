"""What every reporter shares: options, where a problem's file is, rule docs, fingerprints."""

from __future__ import annotations

import dataclasses
import hashlib
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport

__all__ = ["RenderOptions", "fingerprint", "problem_file", "rebase", "rule_summary", "summary_line"]


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    rules: Mapping[str, str] = field(default_factory=dict)  # rule id -> documentation (the docstring)
    rule_levels: Mapping[str, str] = field(default_factory=dict)  # rule id -> default level
    tool_version: str = ""


def problem_file(chart: ChartReport, problem: Problem) -> str | None:
    """The problem's file relative to the repository: ``Problem.path`` is relative to the chart.

    Paths that already start with the chart folder (or are absolute) are kept as they are.
    """
    if problem.path is None:
        return None
    path = problem.path.replace("\\", "/").rstrip("/")
    root = chart.chart.replace("\\", "/").rstrip("/")
    if path in (root, ""):
        return None  # the chart as a whole: no file to point at
    if path.startswith("/") or root in ("", ".") or path.startswith(root + "/"):
        return path
    return posixpath.normpath(posixpath.join(root, path))


def rebase(report: RunReport, prefix: str) -> RunReport:
    """The report with chart and file paths under ``prefix`` (the current directory, seen from the
    repository root), for formats read by tools that resolve paths from the root."""
    if prefix in ("", "."):
        return report
    charts = []
    for chart in report.charts:
        checks = [
            dataclasses.replace(check, problems=[_rebased(chart, p, prefix) for p in check.problems])
            for check in chart.checks
        ]
        root = posixpath.normpath(posixpath.join(prefix, chart.chart))
        charts.append(dataclasses.replace(chart, chart=root, checks=checks))
    return dataclasses.replace(report, charts=charts)


def _rebased(chart: ChartReport, problem: Problem, prefix: str) -> Problem:
    path = problem_file(chart, problem)
    if path is None or path.startswith("/"):
        return dataclasses.replace(problem, path=path)
    return dataclasses.replace(problem, path=posixpath.normpath(posixpath.join(prefix, path)))


def chart_file(chart: ChartReport) -> str:
    """Where a problem without a file is reported (code scanning needs a location)."""
    root = chart.chart.rstrip("/")
    return "Chart.yaml" if root in ("", ".") else f"{root}/Chart.yaml"


def rule_summary(doc: str) -> str:
    """The first paragraph of a rule's documentation, on one line."""
    first = doc.strip().split("\n\n", 1)[0]
    return " ".join(first.split())


def fingerprint(*parts: object) -> str:
    return hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def check_state(check: CheckResult, strict: bool) -> str:
    if check.skipped is not None:
        return "skipped"
    return "failed" if check.failed(strict=strict) else "passed"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(report: RunReport) -> str:
    counts = report.counts()
    failed = sum(1 for c in report.charts if c.failed(strict=report.strict))
    verdict = "FAILED" if report.failed() else "passed"
    return (
        f"{report.command} {verdict}: {plural(len(report.charts), 'chart')}"
        f"{f' ({failed} failed)' if failed else ''}, {plural(counts[Level.ERROR], 'error')}, "
        f"{plural(counts[Level.WARNING], 'warning')}, {counts[Level.INFO]} info"
        f" in {report.duration_s:.1f}s"
    )
