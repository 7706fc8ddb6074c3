"""GitLab Code Quality (Code Climate subset) for ``artifacts:reports:codequality``.

One issue per problem with ``description``, ``check_name``, ``fingerprint`` (unique per
report, stable across runs so GitLab can tell new issues from fixed ones), ``severity``
and ``location.path`` / ``location.lines.begin``.
"""

from __future__ import annotations

import json
from typing import Any

from ci_helm.model.results import ChartReport, Level, Problem, RunReport
from ci_helm.report.common import RenderOptions, chart_file, fingerprint, problem_file

__all__ = ["SEVERITY", "render"]

SEVERITY = {Level.ERROR: "critical", Level.WARNING: "minor", Level.INFO: "info"}


def render(report: RunReport, options: RenderOptions) -> str:
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for chart in report.charts:
        for problem in chart.problems:
            issue = _issue(chart, problem)
            base = issue["fingerprint"]
            seen[base] = seen.get(base, 0) + 1
            if seen[base] > 1:  # identical findings twice (two scenarios alike): keep them distinct
                issue["fingerprint"] = fingerprint(base, seen[base])[:32]
            issues.append(issue)
    return json.dumps(issues, indent=2) + "\n"


def _issue(chart: ChartReport, problem: Problem) -> dict[str, Any]:
    path = problem_file(chart, problem) or chart_file(chart)
    description = problem.message + (f" (scenario {problem.scenario})" if problem.scenario else "")
    return {
        "type": "issue",
        "description": f"{problem.rule}: {description}",
        "check_name": problem.rule,
        "fingerprint": fingerprint(problem.rule, path, problem.message, problem.scenario)[:32],
        "severity": SEVERITY[problem.level],
        "location": {"path": path.lstrip("/"), "lines": {"begin": max(problem.line or 1, 1)}},
    }
