"""The CI front-ends: action files, init-ci output for every provider x workflow, and ci-step plans.

actionlint, zizmor and check-jsonschema run for real on every generated file; gitlab-ci-local
(installed by `make tools`) evaluates the GitLab rules.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ci_helm.errors import UsageError
from ci_helm.initci.steps import plan_step
from ci_helm.initci.workflows import PROVIDERS, WORKFLOWS

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ACTION_FILES = [REPO / "action.yml", *sorted((REPO / "actions").glob("*/action.yml"))]


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in the test venv (make venv installs it from the test extras)")
    return str(path)


def _run(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        argv,
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_action_files_match_github_schema() -> None:
    result = _run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", *map(str, ACTION_FILES)]
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_action_files_have_no_zizmor_findings(tmp_path: Path) -> None:
    result = _run([_tool("zizmor"), "--offline", "--no-progress", *map(str, ACTION_FILES)], cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings" in result.stdout + result.stderr


@pytest.mark.parametrize("action", ACTION_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_inputs_reach_scripts_only_through_env(action: Path) -> None:
    """Interpolating ${{ inputs.x }} into run: scripts would allow script injection."""
    data = yaml.safe_load(action.read_text())
    for step in data["runs"]["steps"]:
        assert "${{" not in step["run"], f"{action}: step {step['name']!r} interpolates an expression"
        assert step["shell"] == "bash"
    declared = set(data["inputs"])
    used = {
        m
        for step in data["runs"]["steps"]
        for v in (step.get("env") or {}).values()
        for m in re.findall(r"inputs\.([\w-]+)", str(v))
    }
    assert used == declared, f"inputs declared but not passed (or the reverse): {declared ^ used}"


def _chart_repo(root: Path) -> Path:
    (root / "charts" / "web").mkdir(parents=True)
    (root / "charts" / "web" / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (root / "charts" / "web" / "charts" / "sub").mkdir(parents=True)
    (root / "charts" / "web" / "charts" / "sub" / "Chart.yaml").write_text(
        "apiVersion: v2\nname: sub\nversion: 1.0.0\n"
    )
    subprocess.run(["git", "init", "-q", "-b", "trunk", str(root)], check=True)
    subprocess.run(
        ["git", "-C", str(root), "remote", "add", "origin", "git@github.com:acme/charts.git"], check=True
    )
    return root


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("workflow", list(WORKFLOWS))
def test_init_ci_writes_valid_files(run_cli, tmp_path: Path, provider: str, workflow: str) -> None:  # type: ignore[no-untyped-def]
    repo = _chart_repo(tmp_path / "repo")
    result = run_cli(
        "init-ci", "--provider", provider, "--workflow", workflow, "--dir", str(repo), "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    config = yaml.safe_load((repo / "ci-helm.yaml").read_text())
    assert config["chart-dirs"] == ["charts"]  # the vendored subchart is not a chart dir of its own
    assert config["target-branch"] == "trunk"  # detected from git, not assumed
    assert report["secrets"] == list(WORKFLOWS[workflow].secrets)
    if WORKFLOWS[workflow].release:
        assert any(t.startswith(("github://acme/charts", "s3://", "oci://")) for t in config["to"])
    for path in report["written"]:
        assert (repo / path).is_file()
    if provider == "github":
        _check_github(repo)
    elif provider == "gitlab":
        _check_gitlab(repo, workflow)
    else:
        text = (repo / "Jenkinsfile").read_text()
        assert "@Library('ci-helm')" in text and "ciHelm(step: 'lint'" in text
        assert ("input message" in text) == WORKFLOWS[workflow].deploy


def _check_github(repo: Path) -> None:
    workflows = sorted(str(p) for p in (repo / ".github" / "workflows").glob("*.yml"))
    assert workflows
    lint = _run([_tool("actionlint"), *workflows], cwd=repo)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    schema = _run([_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", *workflows])
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = _run([_tool("zizmor"), "--offline", "--no-progress", "."], cwd=repo)
    assert audit.returncode == 0 and "No findings" in audit.stdout + audit.stderr, audit.stdout + audit.stderr


def _gitlab_ci_local() -> str:
    path = os.environ.get(
        "CI_HELM_TEST_GITLAB_CI_LOCAL", str(REPO / ".tools/npm/node_modules/.bin/gitlab-ci-local")
    )
    if not Path(path).exists():
        pytest.fail(f"gitlab-ci-local not found at {path}: run `make tools`")
    return path


def _check_gitlab(repo: Path, workflow: str) -> None:
    for f in (repo / ".gitlab-ci.yml", repo / ".gitlab" / "ci-helm.gitlab-ci.yml"):
        schema = _run([_tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci", str(f)])
        assert schema.returncode == 0, schema.stdout + schema.stderr
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-qm", "ci"], check=True)
    # gitlab-ci-local evaluates the rules for a push to the default branch (no merge request, no tag).
    # gitlab-ci-local reads the default branch from origin/HEAD, as GitLab knows it from the project.
    subprocess.run(
        ["git", "-C", str(repo), "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk"],
        check=True,
    )
    listing = _run([_gitlab_ci_local(), "--list-json"], cwd=repo)
    assert listing.returncode == 0, listing.stdout + listing.stderr
    jobs = json.loads(listing.stdout[listing.stdout.index("[") :])
    active = {j["name"]: j["when"] for j in jobs if j["when"] != "never"}
    expected = {
        "official": {"ci-helm-package": "on_success", "ci-helm-release": "on_success"},
        "public": {"ci-helm-package": "on_success", "ci-helm-release": "on_success"},
        "private": {"ci-helm-package": "on_success", "ci-helm-release": "on_success"},  # snapshots
        "no-repo": {"ci-helm-deploy-staging": "on_success", "ci-helm-deploy-production": "manual"},
    }[workflow]
    assert active == expected


def test_init_ci_refuses_to_overwrite(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _chart_repo(tmp_path / "repo")
    (repo / "ci-helm.yaml").write_text("# mine\n")
    result = run_cli("init-ci", "--provider", "gitlab", "--workflow", "private", "--dir", str(repo))
    assert result.exit_code == 2
    assert "would overwrite ci-helm.yaml" in result.stderr
    assert (repo / "ci-helm.yaml").read_text() == "# mine\n"
    assert not (repo / ".gitlab-ci.yml").exists(), "nothing is written when anything would be overwritten"
    assert (
        run_cli(
            "init-ci", "--provider", "gitlab", "--workflow", "private", "--dir", str(repo), "--force"
        ).exit_code
        == 0
    )
    assert (repo / ".gitlab-ci.yml").exists()


def test_init_ci_prints_secret_names_never_values(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _chart_repo(tmp_path / "repo")
    result = run_cli(
        "init-ci",
        "--provider",
        "github",
        "--workflow",
        "public",
        "--dir",
        str(repo),
        env={"AWS_SECRET_ACCESS_KEY": "s3cr3t-value"},
    )
    assert result.exit_code == 0
    assert "AWS_SECRET_ACCESS_KEY" in result.stdout
    assert "s3cr3t-value" not in result.stdout + result.stderr
    assert "s3cr3t-value" not in "".join(
        p.read_text() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts
    )


def test_init_ci_reads_existing_ct_yaml(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo = _chart_repo(tmp_path / "repo")
    (repo / "ct.yaml").write_text("chart-dirs: [stable, incubator]\ntarget-branch: develop\n")
    result = run_cli("init-ci", "--provider", "github", "--workflow", "official", "--dir", str(repo))
    assert result.exit_code == 0
    config = yaml.safe_load((repo / "ci-helm.yaml").read_text())
    assert config["chart-dirs"] == ["stable", "incubator"] and config["target-branch"] == "develop"
    assert "branches: [ develop ]" in (repo / ".github/workflows/ci-helm-pr.yml").read_text()


def test_plan_step() -> None:
    assert [c.argv for c in plan_step("lint", [], "")] == [["lint", "--changed"]]
    assert [c.argv for c in plan_step("lint", ["charts/a", "charts/b"], "--strict")] == [
        ["lint", "charts/a", "charts/b", "--strict"]
    ]
    package = plan_step("package", ["charts/a"], "", chart_version="1.2.3-rc.1+sha.abc")
    assert package[0].argv[-2:] == ["--version", "1.2.3-rc.1+sha.abc"] and package[0].output == "packages"
    # extra args are split like a shell would, but never evaluated by one
    assert plan_step("deploy", [], "--set 'a=b c' --env $(reboot)")[0].argv == [
        "deploy",
        "--set",
        "a=b c",
        "--env",
        "$(reboot)",
    ]
    assert [c.argv[0] for c in plan_step("pipeline", [], "")] == ["lint", "package", "release"]
    with pytest.raises(UsageError, match="unknown step"):
        plan_step("publish", [], "")
