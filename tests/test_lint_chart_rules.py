"""Chart-scope rules on real files: Chart.yaml, YAML syntax and style, maintainers, version increment."""

from __future__ import annotations

from pathlib import Path

import pytest

from ci_helm.lint.model import ChartInput, HistoryUnavailable
from ci_helm.model.results import Level
from tests.lint.builders import chart_input, run_rule, services, write_chart


def test_good_chart_yaml_passes(tmp_path: Path) -> None:
    chart = chart_input(write_chart(tmp_path))
    assert run_rule("chart-yaml", chart) == []


def test_chart_yaml_problems_carry_lines_and_fixes(tmp_path: Path) -> None:
    text = (
        "apiVersion: v3\n"
        "name: Demo_Chart\n"
        "version: 1.0\n"
        "kubeVersion: '>= banana'\n"
        "icon: not-a-url\n"
        "type: service\n"
        "dependencies:\n"
        "  - name: redis\n"
        "    version: '>=1.0'\n"
        "    repository: ftp://example.com\n"
        "  - name: redis\n"
        "descriptoin: typo\n"
    )
    chart = chart_input(write_chart(tmp_path, "demo", chart_yaml=text))
    found = {(f.line, f.message.split(":")[0]) for f in run_rule("chart-yaml", chart)}
    messages = " | ".join(f.message for f in run_rule("chart-yaml", chart))
    assert (1, "apiVersion 'v3' is not v1 or v2") in found
    assert any(line == 2 and "lowercase" in m for line, m in found)
    assert any(line == 3 for line, _ in found) and "quote it" in messages
    assert any(line == 4 for line, _ in found) and "not a version constraint" in messages
    assert any(line == 5 for line, _ in found)
    assert any(line == 6 for line, _ in found)
    assert "ftp://example.com" in messages and "appears twice" in messages
    assert "did you mean 'description'" not in messages  # 'descriptoin' is not a case-variant
    assert "unknown field 'descriptoin'" in messages


def test_chart_yaml_leading_v_is_a_warning_and_missing_api_version_an_error(corpus: Path) -> None:
    chart = chart_input(corpus / "charts/helm-charts-stable/cert-manager")
    findings = run_rule("chart-yaml", chart)
    assert any("'apiVersion' is missing" in f.message and f.level is None for f in findings)
    assert any("leading 'v'" in f.message and f.level is Level.WARNING for f in findings)


def test_yamale_schema_maps_to_required_fields(tmp_path: Path) -> None:
    from ci_helm.lint.yamale_map import chart_yaml_options

    schema = tmp_path / "chart_schema.yaml"
    schema.write_text(
        "name: str()\nhome: str()\nversion: str()\nicon: str(required=False)\n"
        "---\nmaintainer:\n  name: str()\n"
    )
    options = chart_yaml_options(schema)
    assert options["required-fields"] == ["name", "home", "version"]
    chart = chart_input(write_chart(tmp_path))
    findings = run_rule("chart-yaml", chart, **options)
    assert any("'home' is missing" in f.message for f in findings)
    assert any("unknown field 'apiVersion'" in f.message for f in findings)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ("a: [1, 2\n", "values.yaml"),
        ("a: 1\nb: 2\na: 3\n", "duplicate key 'a'"),
        (
            "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
            "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n",
            "alias bomb",
        ),
    ],
)
def test_yaml_syntax_reports_hostile_values(tmp_path: Path, values: str, expected: str) -> None:
    chart = chart_input(write_chart(tmp_path, files={"values.yaml": values}))
    findings = run_rule("yaml-syntax", chart)
    assert len(findings) == 1 and findings[0].path == "values.yaml"
    assert expected in findings[0].message or findings[0].path == expected


def test_yaml_style_uses_chart_testing_defaults_and_a_custom_config(tmp_path: Path) -> None:
    chart = chart_input(
        write_chart(tmp_path, files={"values.yaml": "image: nginx:1.27.0   \nenabled: yes\n"})
    )
    findings = run_rule("yaml-style", chart)
    assert any("trailing-spaces" in f.message and f.line == 1 and f.level is None for f in findings)
    assert any("truthy" in f.message and f.level is Level.WARNING for f in findings)
    conf = tmp_path / "lintconf.yaml"
    conf.write_text("rules:\n  trailing-spaces: disable\n")
    assert not any(
        "trailing" in f.message for f in run_rule("yaml-style", chart, **{"config-file": str(conf)})
    )


class FakeGetter:
    def __init__(self, statuses: dict[str, int]) -> None:
        self.statuses, self.calls = statuses, []

    def __call__(self, url: str) -> int:
        self.calls.append(url)
        return self.statuses.get(url, 200)


def test_maintainers_well_formed_and_online(tmp_path: Path) -> None:
    text = (
        "apiVersion: v2\nname: demo\nversion: 0.1.0\nmaintainers:\n"
        "  - name: real\n    email: real@example.com\n"
        "  - name: ghost\n    email: not-an-email\n"
        "  - name: busy\n    urll: https://x\n"
    )
    chart = chart_input(write_chart(tmp_path, chart_yaml=text))
    offline = run_rule("maintainers", chart)
    assert [f.line for f in offline] == [8, 10]
    getter = FakeGetter({"https://github.com/ghost": 404, "https://github.com/busy": 429})
    online = run_rule("maintainers", chart, svc=services(http_get=getter))
    assert any("'ghost' is not an account" in f.message and f.level is None for f in online)
    assert any("rate-limited" in f.message and f.level is Level.WARNING for f in online)
    assert len(getter.calls) == 3


class FakeHistory:
    def __init__(
        self, previous: str | None, published: list[str] | None = None, error: str | None = None
    ) -> None:
        self.previous, self.published, self.error = previous, published or [], error

    def previous_version(self, chart: ChartInput) -> str | None:
        if self.error:
            raise HistoryUnavailable(self.error)
        return self.previous

    def published_versions(self, chart: ChartInput) -> list[str]:
        return self.published


@pytest.mark.parametrize(
    ("previous", "published", "expect"),
    [
        ("0.0.9", [], None),
        ("0.1.0", [], "not higher than 0.1.0"),
        ("0.2.0-rc.1", [], "not higher"),
        (None, [], None),
        ("0.0.1", ["0.1.0"], "already published"),
        ("0.0.1", ["0.0.5", "0.3.0"], "lower than 0.3.0"),
    ],
)
def test_version_increment(
    tmp_path: Path, previous: str | None, published: list[str], expect: str | None
) -> None:
    chart = chart_input(write_chart(tmp_path))
    findings = run_rule("version-increment", chart, svc=services(history=FakeHistory(previous, published)))
    if expect is None:
        assert findings == []
    else:
        assert len(findings) == 1 and expect in findings[0].message and findings[0].line == 4


def test_version_increment_without_git_is_a_warning_not_silence(tmp_path: Path) -> None:
    chart = chart_input(write_chart(tmp_path))
    findings = run_rule("version-increment", chart, svc=services(history=FakeHistory(None, error="no git")))
    assert findings[0].level is Level.WARNING and "no git" in findings[0].message


def test_unchanged_chart_is_not_version_checked(tmp_path: Path) -> None:
    chart = chart_input(write_chart(tmp_path))
    svc = services(history=FakeHistory("9.9.9"), changed=lambda _c: False)
    assert run_rule("version-increment", chart, svc=svc) == []
