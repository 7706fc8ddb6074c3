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


def test_command_table_matches_what_modules_register() -> None:
    """main.COMMAND_MODULES lets a run import only its command's module; it must name every command."""
    from ci_helm.cli.main import COMMAND_MODULES, _command_modules, _global_parent, _Parser

    registered: dict[str, str] = {}
    for module in _command_modules(None):
        parser = _Parser(prog="probe")
        sub = parser.add_subparsers(parser_class=_Parser)
        module.register(sub, _global_parent())
        for name in sub.choices:
            registered[name] = module.__name__.rsplit(".", 1)[-1]
    assert registered == COMMAND_MODULES


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
