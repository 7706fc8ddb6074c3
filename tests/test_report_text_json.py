"""Text and JSON reports."""

from __future__ import annotations

import json

from ci_helm.model.results import RunReport
from ci_helm.report import RenderOptions, render
from tests.support.reports import sample_report


def test_text_groups_per_chart_with_a_summary_line() -> None:
    out = render("text", sample_report())
    assert out == (
        "✖ charts/web,app (web 1.2.0)\n"
        "  ✖ error   chart-schema: charts/web,app/Chart.yaml:3:10: version '1.2' is not SemVer 2: use 1.2.0\n"
        "  ⚠ warning image-tag [ci/prod-values.yaml]: charts/web,app/templates/deploy.yaml:21: "
        "image nginx:latest uses 'latest'\n      100% mutable: pin a version\n"
        "  ✖ error   deprecated-api: extensions/v1beta1 Ingress: use networking.k8s.io/v1\n"
        "  - kubeconform: skipped (no --kube-version given)\n"
        "✔ charts/db (db 0.1.0)\n"
        "  i info    chart-info: charts/db/Chart.yaml:1: icon is recommended\n"
        "  ✔ 1 check passed\n"
        "lint FAILED: 2 charts (1 failed), 2 errors, 1 warning, 1 info in 1.2s\n"
    )


def test_text_colour_only_when_asked() -> None:
    assert "\x1b[" not in render("text", sample_report())
    coloured = render("text", sample_report(), RenderOptions(color=True))
    assert "\x1b[31;1m✖ charts/web,app" in coloured


def test_strict_turns_warnings_into_failures() -> None:
    report = sample_report()
    report.charts = report.charts[:1]
    report.charts[0].checks[0].problems.clear()
    report.charts[0].checks[1].problems.pop()
    assert not report.failed()
    report.strict = True
    assert render("text", report).splitlines()[-1].startswith("lint FAILED: 1 chart (1 failed)")


def test_json_shape() -> None:
    data = json.loads(render("json", sample_report()))
    assert data["ok"] is False
    assert data["summary"] == {"charts": 2, "failed_charts": 1, "error": 2, "warning": 1, "info": 1}
    web = data["charts"][0]
    assert [c["status"] for c in web["checks"]] == ["failed", "failed", "skipped"]
    assert web["checks"][1]["problems"][0] == {
        "rule": "image-tag",
        "level": "warning",
        "message": "image nginx:latest uses 'latest'\n100% mutable: pin a version",
        "file": "charts/web,app/templates/deploy.yaml",
        "line": 21,
        "column": None,
        "scenario": "ci/prod-values.yaml",
    }
    # a path already relative to the repository is not prefixed twice
    assert data["charts"][1]["checks"][1]["problems"][0]["file"] == "charts/db/Chart.yaml"


def test_empty_run() -> None:
    assert (
        render("text", RunReport("lint")) == "lint passed: 0 charts, 0 errors, 0 warnings, 0 info in 0.0s\n"
    )
    assert json.loads(render("json", RunReport("lint")))["charts"] == []
