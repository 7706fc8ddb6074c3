"""JSON: the whole run as data, with repository-relative file paths and a summary."""

from __future__ import annotations

import json
from typing import Any

from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport
from ci_helm.report.common import RenderOptions, check_state, problem_file

__all__ = ["render", "to_data"]


def render(report: RunReport, options: RenderOptions) -> str:
    return json.dumps(to_data(report), indent=2) + "\n"


def to_data(report: RunReport) -> dict[str, Any]:
    counts = report.counts()
    return {
        "command": report.command,
        "ok": not report.failed(),
        "strict": report.strict,
        "duration_s": round(report.duration_s, 3),
        "summary": {
            "charts": len(report.charts),
            "failed_charts": sum(1 for c in report.charts if c.failed(strict=report.strict)),
            **{level.value: counts[level] for level in Level},
        },
        "charts": [_chart(c, report.strict) for c in report.charts],
    }


def _chart(chart: ChartReport, strict: bool) -> dict[str, Any]:
    return {
        "chart": chart.chart,
        "name": chart.name,
        "version": chart.version,
        "ok": not chart.failed(strict=strict),
        "checks": [_check(chart, check, strict) for check in chart.checks],
    }


def _check(chart: ChartReport, check: CheckResult, strict: bool) -> dict[str, Any]:
    return {
        "check": check.check,
        "status": check_state(check, strict),
        "duration_s": round(check.duration_s, 3),
        "skipped": check.skipped,
        "problems": [_problem(chart, p) for p in check.problems],
        **({"output": check.output} if check.output else {}),
    }


def _problem(chart: ChartReport, problem: Problem) -> dict[str, Any]:
    return {
        "rule": problem.rule,
        "level": problem.level.value,
        "message": problem.message,
        "file": problem_file(chart, problem),
        "line": problem.line,
        "column": problem.column,
        "scenario": problem.scenario,
    }
