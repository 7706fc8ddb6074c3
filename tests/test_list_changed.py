"""``ci-helm list-changed`` end to end: output shapes, GitHub outputs, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.support.gitrepo import Repo, chart_yaml, git

Run = Callable[..., CliResult]

FILES = {
    "charts/a/Chart.yaml": chart_yaml("a", "1.0.0"),
    "charts/b/Chart.yaml": chart_yaml("b", "2.0.0"),
    "charts/gone/Chart.yaml": chart_yaml("gone", "0.1.0"),
    "deploy/helm/c/Chart.yaml": chart_yaml("c", "0.5.0"),
}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo.create(tmp_path, FILES)
    r.branch("feature")
    r.write("charts/a/values.yaml", "x: 1\n")
    r.write("charts/a/Chart.yaml", chart_yaml("a", "1.1.0"))
    r.write("deploy/helm/c/values.yaml", "y: 1\n")
    r.remove("charts/gone")
    r.commit("change a and c, drop gone")
    return r


def test_text_is_one_path_per_line(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", cwd=repo.path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "charts/a\ndeploy/helm/c\n"
    assert "2 charts changed against origin/main" in result.stderr


def test_paths_are_relative_to_the_current_directory(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--chart-dirs", "..", cwd=repo.path / "charts")
    assert result.stdout == "a\n../deploy/helm/c\n"


def test_json_is_a_github_matrix(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--format", "json", cwd=repo.path)
    assert json.loads(result.stdout) == {
        "include": [
            {
                "chart": "charts/a",
                "name": "a",
                "version": "1.1.0",
                "base_version": "1.0.0",
                "status": "modified",
            },
            {
                "chart": "deploy/helm/c",
                "name": "c",
                "version": "0.5.0",
                "base_version": "0.5.0",
                "status": "modified",
            },
        ]
    }


def test_gitlab_matrix(run_cli: Run, repo: Repo) -> None:
    result = run_cli(
        "list-changed", "--format", "json", "--matrix", "gitlab", "--chart-dirs", "charts", cwd=repo.path
    )
    assert json.loads(result.stdout) == {
        "parallel": {"matrix": [{"CHART": "charts/a", "CHART_NAME": "a", "CHART_VERSION": "1.1.0"}]}
    }


def test_full_detail_lists_removed_charts(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--format", "json", "--matrix", "none", cwd=repo.path)
    data = json.loads(result.stdout)
    assert data["base"]["ref"] == "origin/main"
    by_chart = {c["chart"]: c for c in data["charts"]}
    assert by_chart["charts/gone"]["status"] == "removed"
    assert by_chart["charts/a"]["files"] == ["charts/a/Chart.yaml", "charts/a/values.yaml"]
    assert by_chart["charts/a"]["reasons"] == ["2 files changed"]


def test_include_removed(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--include-removed", cwd=repo.path)
    assert result.stdout == "charts/a\ncharts/gone\ndeploy/helm/c\n"


def test_github_outputs_written(run_cli: Run, repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "github_output"
    result = run_cli("list-changed", "--chart-dirs", "charts", cwd=repo.path, env={"GITHUB_OUTPUT": str(out)})
    assert result.exit_code == 0
    outputs = _parse_github_output(out.read_text())
    assert outputs["changed"] == "true"
    assert json.loads(outputs["charts"]) == ["charts/a"]
    assert json.loads(outputs["matrix"])["include"][0]["chart"] == "charts/a"


def test_nothing_changed_outputs_false(run_cli: Run, repo: Repo, tmp_path: Path) -> None:
    out = tmp_path / "github_output"
    result = run_cli("list-changed", "--since", "HEAD", cwd=repo.path, env={"GITHUB_OUTPUT": str(out)})
    assert (result.exit_code, result.stdout) == (0, "")
    assert _parse_github_output(out.read_text())["changed"] == "false"


def _parse_github_output(text: str) -> dict[str, str]:
    """The runner's parser for ``name<<DELIM`` blocks."""
    lines, out = text.splitlines(), {}
    i = 0
    while i < len(lines):
        name, delimiter = lines[i].split("<<", 1)
        end = lines.index(delimiter, i + 1)
        out[name] = "\n".join(lines[i + 1 : end])
        i = end + 1
    return out


def test_settings_from_config_file_and_env(run_cli: Run, repo: Repo) -> None:
    (repo.path / "ci-helm.yaml").write_text("chart-dirs: [deploy]\n")
    assert run_cli("list-changed", cwd=repo.path).stdout == "deploy/helm/c\n"
    result = run_cli("list-changed", cwd=repo.path, env={"CI_HELM_EXCLUDED_CHARTS": "c"})
    assert result.stdout == ""


def test_shallow_clone_exit_2_with_hint(run_cli: Run, repo: Repo, tmp_path: Path) -> None:
    repo.git("push", "-q", "origin", "feature")
    clone = tmp_path / "shallow"
    git(
        tmp_path,
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "feature",
        (tmp_path / "origin.git").as_uri(),
        str(clone),
    )
    git(clone, "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main")
    result = run_cli("list-changed", cwd=clone)
    assert result.exit_code == 2
    assert "git fetch --unshallow origin" in result.stderr
    assert "Traceback" not in result.stderr
    fixed = run_cli("list-changed", "--fetch", cwd=clone)
    assert (fixed.exit_code, fixed.stdout) == (0, "charts/a\ndeploy/helm/c\n")


def test_missing_target_branch_exit_2(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--target-branch", "trunk", cwd=repo.path)
    assert result.exit_code == 2
    assert (
        "error: target branch origin/trunk not found: run `git fetch origin trunk:refs/remotes/origin/trunk`"
        in result.stderr
    )


def test_outside_a_repository_exit_2(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("list-changed", cwd=tmp_path)
    assert result.exit_code == 2
    assert "not inside a git repository" in result.stderr


def test_report_formats_are_refused(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--format", "junit", cwd=repo.path)
    assert result.exit_code == 2


def test_missing_chart_dir_is_warned_about(run_cli: Run, repo: Repo) -> None:
    result = run_cli("list-changed", "--chart-dirs", "chrats", cwd=repo.path)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "warning: chart dir 'chrats' does not exist" in result.stderr
