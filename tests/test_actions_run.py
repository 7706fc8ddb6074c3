"""The GitHub actions really work: their steps run here (tests/support/gha.py) against a chart repository
built from examples/, with a real git history, and ci-helm does what the inputs ask."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.gha import run_action

REPO = Path(__file__).resolve().parent.parent


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def chart_repo(tmp_path: Path) -> Path:
    """A repository with charts/shop and charts/guestbook on main, and a branch that changes shop only."""
    repo = tmp_path / "workspace"
    (repo / "charts").mkdir(parents=True)
    for name in ("shop", "guestbook"):
        shutil.copytree(REPO / "examples" / name, repo / "charts" / name)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "charts")
    _git(repo, "checkout", "-q", "-b", "feature")
    chart_yaml = repo / "charts" / "shop" / "Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    _git(repo, "commit", "-qam", "bump shop")
    return repo


def _env() -> dict[str, str]:
    # ci-helm is already installed in the test venv (the actions' `install: false` path).
    return {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PYTHONPATH": str(REPO),
    }


def test_list_changed_step_outputs_a_matrix(chart_repo: Path) -> None:
    run = run_action(
        REPO,
        {"step": "list-changed", "target-branch": "main", "install": "false"},
        workspace=chart_repo,
        env=_env(),
    )
    assert run.exit_code == 0, run.logs
    matrix = json.loads(run.outputs["matrix"])
    assert [entry["chart"] for entry in matrix["include"]] == ["charts/shop"]


def test_lint_action_passes_on_a_clean_chart_and_writes_a_summary(chart_repo: Path) -> None:
    run = run_action(
        REPO / "actions" / "lint",
        {"charts": "charts/shop", "target-branch": "main", "install": "false"},
        workspace=chart_repo,
        env=_env(),
    )
    assert run.exit_code == 0, run.logs
    assert "shop" in run.summary  # the job summary comes from ci-helm's github reporter, unasked


def test_lint_action_fails_with_an_annotation(chart_repo: Path) -> None:
    broken = chart_repo / "charts" / "shop" / "templates" / "broken.yaml"
    broken.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.nope.missing }}\n")
    run = run_action(
        REPO / "actions" / "lint",
        {"charts": "charts/shop", "install": "false"},
        workspace=chart_repo,
        env=_env(),
    )
    assert run.exit_code == 1
    log = "\n".join(run.logs)
    assert "::error file=" in log and "broken.yaml" in log


def test_package_action_outputs_the_packages(chart_repo: Path) -> None:
    run = run_action(
        REPO / "actions" / "package",
        {"charts": "charts/guestbook", "version": "1.2.3-rc.1+sha.abc", "install": "false"},
        workspace=chart_repo,
        env=_env(),
    )
    assert run.exit_code == 0, run.logs
    assert "guestbook-1.2.3-rc.1+sha.abc.tgz" in run.outputs["packages"]


@pytest.mark.slow
def test_install_step_installs_the_action_version(chart_repo: Path, tmp_path: Path) -> None:
    """install: true builds a venv with the action's own checkout, then runs that ci-helm."""
    env = {
        "PIP_CACHE_DIR": os.environ.get("CI_HELM_TEST_PIP_CACHE", str(Path("/root/.cache/pip"))),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    run = run_action(
        REPO / "actions" / "lint",
        {"charts": "charts/guestbook", "python": sys.executable},
        workspace=chart_repo,
        env=env,
        timeout=900,
    )
    assert run.exit_code == 0, run.logs
    venv_bin = chart_repo.parent / f"{chart_repo.name}-runner-temp" / "ci-helm-venv" / "bin" / "ci-helm"
    assert venv_bin.exists()
