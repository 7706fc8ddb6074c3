"""emit_reports: the main format on stdout, --report files, GitHub annotations and step summary."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ci_helm.cli.common import GLOBAL_SETTINGS
from ci_helm.cli.context import Context, Output
from ci_helm.cli.reporting import REPORT_SETTINGS, emit_reports, report_targets
from ci_helm.errors import UsageError
from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport
from ci_helm.settings import resolve
from tests.support.reports import RULE_DOCS, sample_report


def make_ctx(tmp_path: Path, flags: dict[str, object], environ: dict[str, str] | None = None) -> Context:
    settings = resolve(GLOBAL_SETTINGS + REPORT_SETTINGS, flags=flags, environ=environ or {}, file_data={})
    out = Output(stdout=io.StringIO(), stderr=io.StringIO())
    return Context(settings=settings, out=out, environ=environ or {}, cwd=tmp_path)


def stdout(ctx: Context) -> str:
    assert isinstance(ctx.out.stdout, io.StringIO)
    return ctx.out.stdout.getvalue()


def stderr(ctx: Context) -> str:
    assert isinstance(ctx.out.stderr, io.StringIO)
    return ctx.out.stderr.getvalue()


def test_several_reports_at_once(tmp_path: Path) -> None:
    ctx = make_ctx(
        tmp_path, {"report": ["junit=out/lint.xml", "sarif=out/lint.sarif", "codequality=cq.json"]}
    )
    emit_reports(sample_report(), ctx, rules=RULE_DOCS)
    assert stdout(ctx).endswith("lint FAILED: 2 charts (1 failed), 2 errors, 1 warning, 1 info in 1.2s\n")
    assert ET.parse(tmp_path / "out/lint.xml").getroot().get("tests") == "5"
    sarif = json.loads((tmp_path / "out/lint.sarif").read_text())
    assert sarif["runs"][0]["tool"]["driver"]["rules"][0]["id"] == "chart-schema"
    assert len(json.loads((tmp_path / "cq.json").read_text())) == 4
    assert "wrote junit report to" in stderr(ctx)
    assert "::error" not in stderr(ctx)  # not in GitHub Actions: no workflow commands
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["lint.sarif", "lint.xml"]  # no temp files


def test_json_on_stdout_stays_clean_in_github_actions(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    ctx = make_ctx(tmp_path, {"format": "json"}, env)
    emit_reports(sample_report(), ctx)
    assert json.loads(stdout(ctx))["ok"] is False
    assert stderr(ctx).startswith(
        "::error file=charts/web%2Capp/Chart.yaml,line=3,col=10,title=chart-schema (web)::"
    )
    text = summary.read_text()
    assert text.startswith("earlier step\n### ❌ ci-helm lint")


def test_github_annotations_can_be_turned_off(tmp_path: Path) -> None:
    env = {"GITHUB_ACTIONS": "true", "CI_HELM_GITHUB_ANNOTATIONS": "false"}
    ctx = make_ctx(tmp_path, {}, env)
    emit_reports(sample_report(), ctx)
    assert "::error" not in stderr(ctx)


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("junit", "expected FORMAT=PATH"),
        ("xml=a.xml", "unknown format 'xml'"),
        ("sarif=", "expected FORMAT=PATH"),
    ],
)
def test_bad_report_arguments(tmp_path: Path, item: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        report_targets(make_ctx(tmp_path, {"report": [item]}))


def test_unwritable_report_path_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    ctx = make_ctx(tmp_path, {"report": ["junit=file/lint.xml"]})
    with pytest.raises(UsageError, match="cannot write report"):
        emit_reports(sample_report(), ctx)


def lint_style_report() -> RunReport:
    """Paths as the lint runner writes them: prefixed with the chart as displayed; the chart itself
    for a finding about the whole chart."""
    chart = ChartReport(
        chart="charts/a",
        name="a",
        version="1.0.0",
        checks=[
            CheckResult(
                "image-tag",
                [
                    Problem(
                        "image-tag", Level.ERROR, "pin it", "charts/a/templates/d.yaml", 4, scenario="default"
                    )
                ],
            ),
            CheckResult("maintainers", [Problem("maintainers", Level.WARNING, "add one", "charts/a")]),
        ],
    )
    return RunReport("lint", [chart])


def test_paths_from_the_workspace_root_when_run_from_a_subfolder(tmp_path: Path) -> None:
    sub = tmp_path / "helm"
    sub.mkdir()
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(tmp_path), "GITHUB_STEP_SUMMARY": str(summary)}
    ctx = make_ctx(sub, {"format": "json", "report": ["sarif=out.sarif"]}, env)
    emit_reports(lint_style_report(), ctx, rules={})
    assert [line for line in stderr(ctx).splitlines() if line.startswith("::")] == [
        "::error file=helm/charts/a/templates/d.yaml,line=4,title=image-tag (a) [default]::pin it",
        "::warning file=helm/charts/a/Chart.yaml,title=maintainers (a)::add one",
    ]
    sarif = json.loads((sub / "out.sarif").read_text())
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]
    ]
    assert uris == ["helm/charts/a/templates/d.yaml", "helm/charts/a/Chart.yaml"]
    # JSON on stdout keeps paths as the user gave them (relative to where they stand)
    problems = json.loads(stdout(ctx))["charts"][0]["checks"]
    assert [c["problems"][0]["file"] for c in problems] == ["charts/a/templates/d.yaml", None]
    assert "| `helm/charts/a` |" in summary.read_text()


def test_report_emit_shortcut_for_commands(tmp_path: Path) -> None:
    from ci_helm.report import emit

    ctx = make_ctx(tmp_path, {"format": "junit"})
    emit(ctx, lint_style_report())
    assert ET.fromstring(stdout(ctx).encode()).get("tests") == "2"
