"""SARIF 2.1.0 for GitHub code scanning: rules documented from their docstrings, located results.

Every result gets a location (GitHub drops results without one): its file and line when
known, else the chart's Chart.yaml. Paths are repository-relative under ``%SRCROOT%``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ci_helm.model.results import ChartReport, Level, Problem, RunReport
from ci_helm.report.common import RenderOptions, chart_file, fingerprint, problem_file, rule_summary

__all__ = ["SARIF_SCHEMA", "render"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/ci-helm/ci-helm"
_LEVEL = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "note"}


def render(report: RunReport, options: RenderOptions) -> str:
    rule_ids = _rule_ids(report, options.rules)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    results = [
        _result(chart, problem, index[problem.rule]) for chart in report.charts for problem in chart.problems
    ]
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ci-helm",
                "informationUri": INFORMATION_URI,
                **({"version": options.tool_version} if options.tool_version else {}),
                "rules": [
                    _rule(rule_id, options.rules.get(rule_id), options.rule_levels.get(rule_id))
                    for rule_id in rule_ids
                ],
            }
        },
        "invocations": [{"executionSuccessful": True, "commandLine": f"ci-helm {report.command}"}],
        "results": results,
    }
    doc = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"


def _rule_ids(report: RunReport, docs: Mapping[str, str]) -> list[str]:
    """Every documented rule, then any rule a result names that the registry does not know."""
    seen = dict.fromkeys(docs)
    for chart in report.charts:
        seen.update(dict.fromkeys(p.rule for p in chart.problems))
    return list(seen)


def _rule(rule_id: str, doc: str | None, level: str | None) -> dict[str, Any]:
    text = (doc or "").strip() or f"ci-helm check {rule_id}"
    rule: dict[str, Any] = {
        "id": rule_id,
        "name": "".join(part.capitalize() for part in rule_id.replace("_", "-").split("-") if part),
        "shortDescription": {"text": rule_summary(text)},
        "fullDescription": {"text": text},
        "help": {"text": text, "markdown": text},
    }
    if level in {lv.value for lv in Level}:
        rule["defaultConfiguration"] = {"level": _LEVEL[Level(level)]}
    return rule


def _uri(path: str) -> str:
    """A relative URI reference; ``:`` stays encoded so a first segment never reads as a scheme."""
    return quote(path.lstrip("/"), safe="/!$&'()*+,;=@~")


def _result(chart: ChartReport, problem: Problem, rule_index: int) -> dict[str, Any]:
    path = problem_file(chart, problem) or chart_file(chart)
    region: dict[str, int] = {"startLine": max(problem.line or 1, 1)}
    if problem.column is not None and problem.line is not None:
        region["startColumn"] = max(problem.column, 1)
    message = problem.message + (f" (scenario {problem.scenario})" if problem.scenario else "")
    return {
        "ruleId": problem.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[problem.level],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(path), "uriBaseId": "%SRCROOT%"},
                    "region": region,
                }
            }
        ],
        "partialFingerprints": {
            "ciHelm/v1": fingerprint(problem.rule, path, problem.message, problem.scenario)
        },
    }
