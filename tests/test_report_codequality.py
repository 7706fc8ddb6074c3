"""GitLab Code Quality: the fields GitLab reads, unique and stable fingerprints."""

from __future__ import annotations

import json

from ci_helm.model.results import CheckResult, Level, Problem
from ci_helm.report import render
from tests.support.reports import sample_report


def test_code_quality_shape() -> None:
    issues = json.loads(render("codequality", sample_report()))
    assert isinstance(issues, list) and len(issues) == 4
    for issue in issues:
        assert set(issue) == {"type", "description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert (
            isinstance(issue["location"]["lines"]["begin"], int) and issue["location"]["lines"]["begin"] >= 1
        )
        assert len(issue["fingerprint"]) == 32
    assert issues[0] == {
        "type": "issue",
        "description": "chart-schema: version '1.2' is not SemVer 2: use 1.2.0",
        "check_name": "chart-schema",
        "fingerprint": issues[0]["fingerprint"],
        "severity": "critical",
        "location": {"path": "charts/web,app/Chart.yaml", "lines": {"begin": 3}},
    }
    assert [i["severity"] for i in issues] == ["critical", "minor", "critical", "info"]


def test_fingerprints_unique_and_stable() -> None:
    report = sample_report()
    dup = Problem("image-tag", Level.WARNING, "same", "t.yaml", 1)
    report.charts[1].checks.append(CheckResult("again", [dup, dup]))
    first = [i["fingerprint"] for i in json.loads(render("codequality", report))]
    second = [i["fingerprint"] for i in json.loads(render("codequality", report))]
    assert first == second
    assert len(set(first)) == len(first)
