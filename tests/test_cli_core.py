"""The CLI skeleton: exit-code table, settings precedence and provenance, config print."""

from __future__ import annotations

import argparse
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


def _tree(parser: argparse.ArgumentParser) -> dict[str, object]:
    """Every subcommand path under a parser, e.g. {"chart": {"show": {}, "instances": {}}}."""
    out: dict[str, object] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out[name] = _tree(sub)
    return out


def test_command_table_matches_what_modules_register() -> None:
    """main.COMMAND_MODULES lets a run import only its command's modules; with only those, each
    command must have exactly the subcommands it has when every module is loaded."""
    from ci_helm.cli.main import COMMAND_MODULES, build_parser

    full = _tree(build_parser([]))
    assert set(full) == set(COMMAND_MODULES)
    for command in COMMAND_MODULES:
        assert _tree(build_parser([command]))[command] == full[command], command


def test_only_the_chosen_command_module_is_imported() -> None:
    code = (
        "import sys; from ci_helm.cli.main import build_parser; "
        "build_parser(['--format', 'json', 'template', 'x']); "
        "print(sorted(m for m in sys.modules if m.startswith('ci_helm.cli.commands.')))"
    )
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(REPO_ROOT), "PATH": "/usr/bin:/bin"},
    ).stdout
    assert out.strip() == "['ci_helm.cli.commands.template']"
