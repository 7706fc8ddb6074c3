"""What every reporter shares: options, where a problem's file is, rule docs, fingerprints."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass, field

from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport

__all__ = ["RenderOptions", "fingerprint", "problem_file", "rule_summary", "summary_line"]


@dataclass(frozen=True)
class RenderOptions:
    color: bool = False
    rules: Mapping[str, str] = field(default_factory=dict)  # rule id -> documentation (the docstring)
    tool_version: str = ""


def problem_file(chart: ChartReport, problem: Problem) -> str | None:
    """The problem's file relative to the repository: ``Problem.path`` is relative to the chart.

    Paths that already start with the chart folder (or are absolute) are kept as they are.
    """
    if problem.path is None:
        return None
    path = problem.path.replace("\\", "/")
    root = chart.chart.rstrip("/")
    if path.startswith("/") or root in ("", ".") or path == root or path.startswith(root + "/"):
        return path
    return posixpath.normpath(posixpath.join(root, path))


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
