"""The private example's generated .gitlab-ci.yml, run job by job with gitlab-ci-local in shell mode.

ci-helm is already on PATH (a wrapper around this source tree), so the template's before_script
skips its pip install, as in an image that ships ci-helm. HOME is a temporary folder: the jobs'
`git config --global` must not touch the machine's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ci_helm.demo_workflows import assemble, git, load_example

REPO = Path(__file__).resolve().parent.parent


def _gitlab_ci_local() -> str:
    path = os.environ.get(
        "CI_HELM_TEST_GITLAB_CI_LOCAL", str(REPO / ".tools/npm/node_modules/.bin/gitlab-ci-local")
    )
    if not Path(path).exists():
        pytest.fail(f"gitlab-ci-local not found at {path}: run `make tools`")
    return path


@pytest.fixture
def private_repo(tmp_path: Path) -> Path:
    return assemble(load_example("private"), tmp_path / "repo")


@pytest.fixture
def job_env(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "ci-helm"
    wrapper.write_text(f'#!/bin/bash\nexport PYTHONPATH="{REPO}"\nexec "{sys.executable}" -m ci_helm "$@"\n')
    wrapper.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "HOME": str(home)}


def _jobs(repo: Path, env: dict[str, str], *names: str, variables: dict[str, str] | None = None) -> str:
    flags = [a for k, v in (variables or {}).items() for a in ("--variable", f"{k}={v}")]
    proc = subprocess.run(
        [_gitlab_ci_local(), "--force-shell-executor", "--no-color", *flags, *names],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return proc.stdout + proc.stderr


MERGE_REQUEST = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main"}


def test_lint_job_on_a_merge_request_writes_junit_and_codequality(
    private_repo: Path, job_env: dict[str, str]
) -> None:
    git(private_repo, "checkout", "-q", "-b", "feature")
    service = private_repo / "app/chart/shop/templates/service.yaml"
    service.write_text(service.read_text() + "# a change without a version bump\n")
    git(private_repo, "commit", "-qam", "change shop")

    out = _jobs(private_repo, job_env, "ci-helm-lint", variables=MERGE_REQUEST)
    assert "FAIL  ci-helm-lint" in out, out
    junit = (private_repo / "ci-helm-lint.xml").read_text()
    assert 'testsuite name="app/chart/shop"' in junit and 'failures="1"' in junit
    quality = json.loads((private_repo / "gl-code-quality.json").read_text())
    bump = [i for i in quality if i["check_name"] == "version-increment"]
    assert bump and bump[0]["location"]["path"] == "app/chart/shop/Chart.yaml", quality
    assert bump[0]["severity"] in ("critical", "major", "blocker")

    chart_yaml = private_repo / "app/chart/shop/Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("version: 0.1.0", "version: 0.1.1"))
    git(private_repo, "commit", "-qam", "bump shop")
    out = _jobs(private_repo, job_env, "ci-helm-lint", variables=MERGE_REQUEST)
    assert "PASS  ci-helm-lint" in out, out
    assert 'failures="0"' in (private_repo / "ci-helm-lint.xml").read_text()
    assert [
        i for i in json.loads((private_repo / "gl-code-quality.json").read_text()) if i["severity"] != "info"
    ] == []
    gitconfig = (Path(job_env["HOME"]) / ".gitconfig").read_text()
    assert gitconfig.count("directory = ") == 1, gitconfig  # two jobs, one safe.directory entry


def test_package_and_release_jobs_publish_snapshots_then_finals(
    private_repo: Path, job_env: dict[str, str], tmp_path: Path
) -> None:
    from tests.support.reposerver import serve  # helper "release"'s fixture

    served = tmp_path / "served"
    with serve(served, "--upload-token", "gl-upload-token") as url:
        config = yaml.safe_load((private_repo / "ci-helm.yaml").read_text())
        config["to"] = [f"file://{tmp_path / 'pub'}", url]
        (private_repo / "ci-helm.yaml").write_text(yaml.safe_dump(config))
        git(private_repo, "commit", "-qam", "local targets")
        head = git(private_repo, "rev-parse", "--short=8", "HEAD").strip()
        token = {"CI_HELM_TOKEN": "gl-upload-token"}  # a masked CI/CD variable in GitLab

        out = _jobs(private_repo, job_env, "ci-helm-package", "ci-helm-release", variables=token)
        assert "PASS  ci-helm-package" in out and "PASS  ci-helm-release" in out, out
        assert "gl-upload-token" not in out  # the secret never reaches the job log

        git(private_repo, "tag", "v0.1.0")
        tag = {**token, "CI_COMMIT_TAG": "v0.1.0"}
        out = _jobs(private_repo, job_env, "ci-helm-package", "ci-helm-release", variables=tag)
        assert "PASS  ci-helm-release" in out, out

    for index in (tmp_path / "pub" / "index.yaml", served / "index.yaml"):
        entries = yaml.safe_load(index.read_text())["entries"]
        assert sorted(v["version"] for v in entries["shop"]) == ["0.1.0", f"0.1.0-snapshot.{head}"], index
    assert (tmp_path / "pub" / f"shop-0.1.0-snapshot.{head}.tgz").is_file()
