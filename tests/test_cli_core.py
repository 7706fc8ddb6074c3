"""The CLI skeleton: exit-code table, settings precedence and provenance, config print."""

from __future__ import annotations

import json
from pathlib import Path

from ci_helm.errors import ExitCode


def test_version(run_cli_subprocess) -> None:  # type: ignore[no-untyped-def]
    result = run_cli_subprocess("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("ci-helm ")


def test_unknown_command_is_usage_error(run_cli) -> None:  # type: ignore[no-untyped-def]
    result = run_cli("no-such-command")
    assert result.exit_code == ExitCode.USAGE
    assert "invalid choice" in result.stderr
    assert "Traceback" not in result.stderr


def test_precedence_flag_over_env_over_file(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ci-helm.yaml").write_text("timeout: 5\nkube-version: 1.29.0\nengine: helm-cli\n")
    result = run_cli(
        "config",
        "print",
        "--format",
        "json",
        "--timeout",
        "7",
        cwd=tmp_path,
        env={"CI_HELM_KUBE_VERSION": "1.30.0"},
    )
    assert result.exit_code == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    assert rows["timeout"]["value"] == 7.0 and rows["timeout"]["source"] == "flag"
    assert (
        rows["kube-version"]["value"] == "1.30.0" and rows["kube-version"]["origin"] == "CI_HELM_KUBE_VERSION"
    )
    assert rows["engine"]["value"] == "helm-cli" and rows["engine"]["source"] == "file"
    assert rows["color"]["source"] == "default"


def test_bad_config_value_is_one_line_usage_error(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ci-helm.yaml").write_text("timeout: soon\n")
    result = run_cli("config", "print", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert "ci-helm.yaml: timeout" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_config_file_must_be_mapping(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "ci-helm.yaml").write_text("- a\n- b\n")
    result = run_cli("config", "print", cwd=tmp_path)
    assert result.exit_code == ExitCode.USAGE
    assert "must be a mapping" in result.stderr
