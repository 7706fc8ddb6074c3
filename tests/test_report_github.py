"""GitHub workflow commands: exact annotation syntax and escaping, log groups, step summary."""

from __future__ import annotations

from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport
from ci_helm.report import render
from ci_helm.report.github import annotation, annotation_lines, escape_data, escape_property, step_summary
from tests.support.reports import sample_report


def test_escaping_matches_the_runner() -> None:
    assert escape_data("100%\r\nnext: a,b") == "100%25%0D%0Anext: a,b"
    assert escape_property("100%\r\nnext: a,b") == "100%25%0D%0Anext%3A a%2Cb"


def test_annotations_golden() -> None:
    assert annotation_lines(sample_report()) == (
        "::error file=charts/web%2Capp/Chart.yaml,line=3,col=10,title=chart-schema (web)::"
        "version '1.2' is not SemVer 2: use 1.2.0\n"
        "::warning file=charts/web%2Capp/templates/deploy.yaml,line=21,"
        "title=image-tag (web) [ci/prod-values.yaml]::"
        "image nginx:latest uses 'latest'%0A100%25 mutable: pin a version\n"
        "::error file=charts/web%2Capp/Chart.yaml,title=deprecated-api (web)::"
        "extensions/v1beta1 Ingress: use networking.k8s.io/v1\n"
        "::notice file=charts/db/Chart.yaml,line=1,title=chart-info (db)::icon is recommended\n"
    )


def test_title_with_colon_and_comma_is_escaped() -> None:
    chart = ChartReport("c", name="a:b,c")
    line = annotation(chart, Problem("r", Level.ERROR, "m", "x.yaml", 1))
    assert line == "::error file=c/x.yaml,line=1,title=r (a%3Ab%2Cc)::m"


def test_github_format_wraps_each_chart_in_a_group() -> None:
    out = render("github", sample_report()).splitlines()
    assert out[0] == "::group::charts/web,app (web 1.2.0)"
    assert out.count("::endgroup::") == 2
    group = out[: out.index("::endgroup::")]
    assert sum(line.startswith("::error ") for line in group) == 2
    assert out[-1].startswith("lint FAILED: 2 charts")


def test_step_summary_markdown() -> None:
    report = sample_report()
    report.charts[0].checks[0].problems[0] = Problem(
        "chart-schema", Level.ERROR, "a | b <script>", "Chart.yaml", 3
    )
    md = step_summary(report)
    assert md.startswith("### ❌ ci-helm lint: 2 charts, 2 errors, 1 warning\n")
    assert "| `charts/web,app` | 1.2.0 | ❌ failed | 2 | 1 | 0 |" in md
    assert "| `charts/db` | 0.1.0 | ✅ passed | 0 | 0 | 1 |" in md
    assert "<details><summary>charts/web,app: 3 problems</summary>" in md
    assert "| error | chart-schema | charts/web,app/Chart.yaml:3 | a \\| b &lt;script&gt; |" in md
    assert "100% mutable" in md and "<br>" in md


def test_step_summary_stays_under_githubs_size_limit() -> None:
    charts = [
        ChartReport(
            f"charts/c{i}",
            name=f"c{i}",
            checks=[CheckResult("x", [Problem("r", Level.ERROR, "m" * 2000)] * 50)],
        )
        for i in range(20)
    ]
    md = step_summary(RunReport("lint", charts))
    assert len(md.encode()) < 1024 * 1024
    assert "| `charts/c19` |" in md  # every chart is in the table
    assert "on left out (size limit)" in md
