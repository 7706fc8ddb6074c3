"""The hooks of .pre-commit-hooks.yaml, run by the real ``pre-commit`` on a chart repository.

``pre-commit try-repo`` would build a virtualenv with ci-helm and its dependencies on every
commit of this repository (minutes); here each hook definition (entry, files, pass_filenames) is
copied verbatim into a ``repo: local`` hook with ``language: system`` and ci-helm already on PATH,
so pre-commit's own file selection and argument passing are what is tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ci_helm.cli.file_charts import charts_containing

REPO = Path(__file__).resolve().parent.parent
HOOKS = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}


def _pre_commit() -> str:
    path = Path(sys.executable).parent / "pre-commit"
    if not path.exists():
        pytest.fail("pre-commit is not installed in the test venv (pip install 'pre-commit>=3.5')")
    return str(path)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.fixture
def chart_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / "charts").mkdir(parents=True)
    for name in ("shop", "guestbook"):
        shutil.copytree(REPO / "examples" / name, repo / "charts" / name)
    (repo / "README.md").write_text("# charts\n")
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.email=a@b.c", "-c", "user.name=t", "commit", "-qm", "charts")
    return repo


def _config(repo: Path, hook_id: str, args: list[str] | None = None) -> None:
    hook = {**HOOKS[hook_id], "language": "system"}
    if args:
        hook["args"] = args
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))


def _run_hooks(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    wrapper = bin_dir / "ci-helm"
    wrapper.write_text(f'#!/bin/bash\nexport PYTHONPATH="{REPO}"\nexec "{sys.executable}" -m ci_helm "$@"\n')
    wrapper.chmod(0o755)
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
    }
    return subprocess.run(
        [_pre_commit(), "run", "--verbose"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_lint_hook_lints_only_charts_with_staged_files(chart_repo: Path, tmp_path: Path) -> None:
    _config(chart_repo, "ci-helm-lint")
    deployment = chart_repo / "charts/shop/templates/deployment.yaml"
    deployment.write_text(deployment.read_text() + "\n# reviewed\n")
    (chart_repo / "README.md").write_text("# charts, documented\n")
    _git(chart_repo, "add", "-A")
    done = _run_hooks(chart_repo, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "shop (shop 0.1.0)" in done.stdout and "guestbook" not in done.stdout


def test_lint_hook_fails_the_commit_on_a_broken_chart(chart_repo: Path, tmp_path: Path) -> None:
    _config(chart_repo, "ci-helm-lint")
    (chart_repo / "charts/guestbook/values.yaml").write_text("frontend: [unclosed\n")
    _git(chart_repo, "add", "-A")
    done = _run_hooks(chart_repo, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "charts/guestbook/values.yaml" in done.stdout and "shop (shop" not in done.stdout


def test_chart_params_hook_catches_a_stale_stub(chart_repo: Path, tmp_path: Path) -> None:
    stub = "docs/shop-values.yaml"
    (chart_repo / "docs").mkdir()
    subprocess.run(
        [sys.executable, "-m", "ci_helm", "chart", "params", "charts/shop", "-o", stub],
        cwd=chart_repo,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )
    _config(chart_repo, "ci-helm-chart-params", ["charts/shop", "-o", stub])
    values = chart_repo / "charts/shop/values.yaml"
    values.write_text(values.read_text() + "\n# -- A new setting.\nnewSetting: true\n")
    _git(chart_repo, "add", "-A")
    done = _run_hooks(chart_repo, tmp_path)
    assert done.returncode == 1 and f"{stub}: stale" in done.stdout, done.stdout + done.stderr
    stub_before = (chart_repo / stub).read_text()
    assert "newSetting" not in stub_before  # --check writes nothing

    subprocess.run(
        [sys.executable, "-m", "ci_helm", "chart", "params", "charts/shop", "-o", stub, "--force"],
        cwd=chart_repo,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
        capture_output=True,
    )
    _git(chart_repo, "add", "-A")
    done = _run_hooks(chart_repo, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_charts_containing_maps_files_to_top_level_charts(tmp_path: Path) -> None:
    for chart in ("charts/shop", "charts/shop/charts/cache", "root-chart"):
        (tmp_path / chart).mkdir(parents=True)
        (tmp_path / chart / "Chart.yaml").write_text("name: x\n")
    files = [
        "charts/shop/templates/a.yaml",
        "charts/shop/charts/cache/values.yaml",  # a vendored subchart: its parent is linted
        "root-chart/Chart.yaml",
        "README.md",
        "../outside/Chart.yaml",
    ]
    assert charts_containing(tmp_path, files) == ["charts/shop", "root-chart"]
