"""What a user sees when a chart is broken: one line naming file and line, the right exit code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.support.charts import write_chart

Cli = Callable[..., CliResult]

REQUIRED_X = '  x: {{ required "x is required" .Values.x }}\n'
ENGINES = {
    "isolated": (),
    "in-process": ("--no-isolate",),
}


def _one_error_line(result: CliResult) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_template_error_names_file_and_line(tmp_path: Path, run_cli: Cli, engine: str) -> None:
    chart = write_chart(
        tmp_path,
        "broken",
        {"templates/cm.yaml": "kind: ConfigMap\nmetadata: {}\ndata:\n" + REQUIRED_X},
    )
    result = run_cli("template", str(chart), *ENGINES[engine])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert _one_error_line(result) == "error: broken/templates/cm.yaml:4: x is required"


def test_helm_cli_engine_reports_the_same_line(tmp_path: Path, run_cli: Cli, helm_oracle: Path) -> None:
    chart = write_chart(tmp_path, "broken", {"templates/cm.yaml": "a: 1\nb: {{ .Values.x.y.z }}\n"})
    result = run_cli("template", str(chart), "--engine", "helm-cli", "--helm-binary", str(helm_oracle))
    assert result.exit_code == 1
    line = _one_error_line(result)
    assert line.startswith("error: broken/templates/cm.yaml:2: ")
    assert "nil pointer evaluating interface {}.y" in line


def test_parse_error_names_file_and_line(tmp_path: Path, run_cli: Cli) -> None:
    chart = write_chart(tmp_path, "parse", {"templates/cm.yaml": "a: 1\n\nb: {{ .Values.x }\n"})
    result = run_cli("template", str(chart), "--no-isolate")
    assert result.exit_code == 1
    line = _one_error_line(result)
    assert line.startswith("error: parse/templates/cm.yaml:3: parse error")


def test_invalid_yaml_output_names_the_template(tmp_path: Path, run_cli: Cli) -> None:
    chart = write_chart(tmp_path, "yamlbad", {"templates/cm.yaml": "kind: ConfigMap\nmetadata: [unclosed\n"})
    result = run_cli("template", str(chart))
    assert result.exit_code == 1
    assert _one_error_line(result).startswith("error: yamlbad/templates/cm.yaml")
    assert "YAML parse error" in result.stderr


def test_library_chart_is_a_clear_error(tmp_path: Path, run_cli: Cli) -> None:
    chart = write_chart(
        tmp_path,
        "lib",
        {"templates/_helpers.tpl": '{{ define "lib.x" }}x{{ end }}\n'},
        chart_extra="type: library\n",
    )
    result = run_cli("template", str(chart))
    assert result.exit_code == 1
    assert "library charts are not installable" in _one_error_line(result)


def test_missing_dependency_is_a_clear_error(tmp_path: Path, run_cli: Cli) -> None:
    extra = (
        "dependencies:\n  - name: redis\n    version: 1.x\n    repository: https://example.invalid/charts\n"
    )
    chart = write_chart(tmp_path, "needs", {"templates/cm.yaml": "a: 1\n"}, chart_extra=extra)
    result = run_cli("template", str(chart))
    assert result.exit_code == 1
    assert "missing in charts/ directory: redis" in _one_error_line(result)


def test_missing_chart_and_bad_kube_version(tmp_path: Path, run_cli: Cli) -> None:
    result = run_cli("template", str(tmp_path / "nope"))
    assert result.exit_code == 2
    assert "not found" in _one_error_line(result)
    chart = write_chart(tmp_path, "ok", {"templates/cm.yaml": "a: 1\n"})
    result = run_cli("template", str(chart), "--kube-version", "garbage")
    assert result.exit_code == 2
    assert "garbage" in _one_error_line(result)


@pytest.mark.parametrize("engine", ENGINES)
def test_go_warnings_are_reported_not_leaked(tmp_path: Path, run_cli_subprocess: Cli, engine: str) -> None:
    chart = write_chart(
        tmp_path,
        "warn",
        {"values.yaml": "scal: x\n", "templates/cm.yaml": "v: {{ .Values.scal | toJson }}\n"},
    )
    result = run_cli_subprocess("template", str(chart), "--set", "scal.a=1", *ENGINES[engine])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "warning: helm: skipped value for warn.scal: Not a table.\n"
    assert 'v: {"a":1}' in result.stdout  # the user's table wins, as in helm


def test_incompatible_kube_version_is_helms_error(tmp_path: Path, run_cli: Cli) -> None:
    chart = write_chart(
        tmp_path, "kv", {"templates/cm.yaml": "a: 1\n"}, chart_extra='kubeVersion: ">=1.25.0-0"\n'
    )
    result = run_cli("template", str(chart), "--kube-version", "1.20.3")
    assert result.exit_code == 1
    assert "chart requires kubeVersion: >=1.25.0-0 which is incompatible with Kubernetes v1.20.3" in (
        _one_error_line(result)
    )
    assert run_cli("template", str(chart), "--kube-version", "v1.31.0-eks-1").exit_code == 0
    assert run_cli("template", str(chart)).exit_code == 0  # the default v1.36.0 is compatible


def test_slog_warnings_are_reported_too(tmp_path: Path, run_cli_subprocess: Cli) -> None:
    chart = write_chart(
        tmp_path,
        "cond",
        {
            "values.yaml": 'sub:\n  enabled: "yes"\n',
            "templates/a.yaml": "a: 1\n",
            "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            "charts/sub/templates/b.yaml": "b: 2\n",
        },
        chart_extra="dependencies:\n  - name: sub\n    version: 0.1.0\n    condition: sub.enabled\n",
    )
    result = run_cli_subprocess("template", str(chart))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "warning: helm: returned non-bool value path=sub.enabled chart=sub\n"


@pytest.mark.parametrize("name", ["Bad_Name", "a" * 54, "-lead", "trail-"])
def test_invalid_release_name_is_a_usage_error(tmp_path: Path, run_cli: Cli, name: str) -> None:
    chart = write_chart(tmp_path, "ok", {"templates/cm.yaml": "a: 1\n"})
    result = run_cli("template", str(chart), f"--name={name}")
    assert result.exit_code == 2
    assert "invalid release name" in _one_error_line(result)
    assert run_cli("template", str(chart), "--name", "a" * 53).exit_code == 0
