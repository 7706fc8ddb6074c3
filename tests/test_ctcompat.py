"""chart-testing compatibility: ct.yaml keys and CT_* variables mean the same thing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ci_helm.ctcompat import load_ct_config
from tests.conftest import CliResult
from tests.support.gitrepo import Repo, chart_yaml

Run = Callable[..., CliResult]

CT_YAML = """\
remote: upstream
target-branch: develop
chart-dirs:
  - stable
  - incubator
excluded-charts:
  - old
use-helmignore: true
since: HEAD
github-groups: true
kubectl-timeout: 60s
additional-commands:
  - helm unittest {{ .Path }}
"""


def config(run_cli: Run, cwd: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli("config", "print", "--format", "json", *args, cwd=cwd, env=env)
    assert result.exit_code == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)}
    rows["_stderr"] = result.stderr
    return rows


def test_shared_keys_mean_the_same_thing(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ct.yaml").write_text(CT_YAML)
    rows = config(run_cli, tmp_path)
    assert rows["remote"]["value"] == "upstream"
    assert rows["target-branch"]["value"] == "develop"
    assert rows["chart-dirs"]["value"] == ["stable", "incubator"]
    assert rows["excluded-charts"]["value"] == ["old"]
    assert rows["honor-helmignore"]["value"] is True  # ct's use-helmignore
    assert rows["chart-dirs"]["origin"] == "ct.yaml: chart-dirs"
    assert rows["honor-helmignore"]["origin"] == "ct.yaml: use-helmignore"
    assert rows["since"]["value"] is None  # ct's since: HEAD is its default, not "no change"


def test_unsupported_keys_named_in_one_warning(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ct.yaml").write_text(CT_YAML)
    stderr = config(run_cli, tmp_path)["_stderr"]
    warnings = [line for line in stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1
    assert "kubectl-timeout (ct.yaml)" in warnings[0]
    assert "additional-commands (ct.yaml)" in warnings[0]
    assert "github-groups" not in warnings[0]  # done automatically in GitHub Actions


def test_ci_helm_settings_win_over_chart_testing(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ct.yaml").write_text(CT_YAML)
    (tmp_path / "ci-helm.yaml").write_text("target-branch: trunk\n")
    rows = config(run_cli, tmp_path, env={"CT_REMOTE": "fork"})
    assert (rows["target-branch"]["value"], rows["target-branch"]["source"]) == ("trunk", "file")
    assert (rows["remote"]["value"], rows["remote"]["origin"]) == ("fork", "CT_REMOTE")  # CT_* over files
    rows = config(run_cli, tmp_path, env={"CT_REMOTE": "fork", "CI_HELM_REMOTE": "mine"})
    assert (rows["remote"]["value"], rows["remote"]["origin"]) == ("mine", "CI_HELM_REMOTE")
    rows = config(run_cli, tmp_path, "--remote", "flag", env={"CT_REMOTE": "fork"})
    assert rows["remote"]["value"] == "flag"


def test_ct_env_vars_alone(run_cli: Run, tmp_path: Path) -> None:
    rows = config(
        run_cli,
        tmp_path,
        env={"CT_CHART_DIRS": "a,b", "CT_USE_HELMIGNORE": "true", "CT_KUBECTL_TIMEOUT": "1m"},
    )
    assert rows["chart-dirs"]["value"] == ["a", "b"]
    assert rows["honor-helmignore"]["origin"] == "CT_USE_HELMIGNORE"
    assert "kubectl-timeout (CT_KUBECTL_TIMEOUT)" in rows["_stderr"]


def test_ct_config_dir_and_explicit_path(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "ct.yaml").write_text("target-branch: from-dir\n")
    (tmp_path / "other.yaml").write_text("target-branch: explicit\n")
    assert config(run_cli, tmp_path, env={"CT_CONFIG_DIR": str(tmp_path / "conf")})["target-branch"][
        "value"
    ] == ("from-dir")
    assert config(run_cli, tmp_path, "--ct-config", "other.yaml")["target-branch"]["value"] == "explicit"
    missing = run_cli("config", "print", "--ct-config", "nope.yaml", cwd=tmp_path)
    assert missing.exit_code == 2
    assert "chart-testing config not found: nope.yaml" in missing.stderr


def test_broken_ct_yaml_is_one_line_error(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "ct.yaml").write_text("chart-dirs: [a\n")
    result = run_cli("config", "print", cwd=tmp_path)
    assert result.exit_code in (1, 2)
    assert result.stderr.startswith("error: ")
    assert "ct.yaml" in result.stderr and "Traceback" not in result.stderr


def test_keys_declared_by_other_commands_are_supported() -> None:
    known = {"check-version-increment", "validate-maintainers", "lint-conf", "chart-dirs"}
    cfg_dir = Path("/nonexistent")  # no file: only the environment
    ct = load_ct_config(
        None,
        {"CT_CONFIG_DIR": str(cfg_dir), "CT_CHECK_VERSION_INCREMENT": "false", "CT_BUILD_ID": "7"},
        Path("/"),
        known,
    )
    assert ct.env_aliases == {"check-version-increment": "CT_CHECK_VERSION_INCREMENT"}
    assert ct.unsupported == ["build-id (CT_BUILD_ID)"]


def test_list_changed_reads_ct_yaml(run_cli: Run, tmp_path: Path) -> None:
    repo = Repo.create(
        tmp_path,
        {
            "stable/a/Chart.yaml": chart_yaml("a"),
            "stable/old/Chart.yaml": chart_yaml("old"),
            "elsewhere/b/Chart.yaml": chart_yaml("b"),
            "ct.yaml": "chart-dirs: [stable]\nexcluded-charts: [old]\n",
        },
    )
    repo.branch("feature")
    for chart in ("stable/a", "stable/old", "elsewhere/b"):
        repo.write(f"{chart}/values.yaml", "x: 1\n")
    repo.commit("all three")
    result = run_cli("list-changed", cwd=repo.path)
    assert (result.exit_code, result.stdout) == (0, "stable/a\n")


@pytest.mark.parametrize("key", ["since: HEAD", "github-groups: true", "print-config: false"])
def test_quiet_keys(run_cli: Run, tmp_path: Path, key: str) -> None:
    (tmp_path / "ct.yaml").write_text(key + "\n")
    assert "warning" not in config(run_cli, tmp_path)["_stderr"]


def test_lintconf_and_chart_schema_from_cts_folder(tmp_path: Path) -> None:
    (tmp_path / "lintconf.yaml").write_text("rules: {}\n")
    (tmp_path / "chart_schema.yaml").write_text("name: str()\n")
    known = {"lint-conf", "chart-yaml-schema"}
    ct = load_ct_config(None, {}, tmp_path, known)
    assert ct.values == {
        "lint-conf": str(tmp_path / "lintconf.yaml"),
        "chart-yaml-schema": str(tmp_path / "chart_schema.yaml"),
    }
    assert ct.origins["lint-conf"] == "lintconf.yaml (chart-testing's default location)"
    # an explicit setting (file or CT_* variable) wins over the default location
    (tmp_path / "ct.yaml").write_text("lint-conf: mine.yaml\n")
    ct = load_ct_config(None, {"CT_CHART_YAML_SCHEMA": "s.yaml"}, tmp_path, known)
    assert ct.values == {"lint-conf": "mine.yaml"}
    assert ct.env_aliases == {"chart-yaml-schema": "CT_CHART_YAML_SCHEMA"}
