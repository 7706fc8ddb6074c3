"""Fixtures shared by the whole suite.

- ``run_cli``: runs ``ci-helm`` in-process and returns exit code, stdout and stderr.
- ``run_cli_subprocess``: the same in a child process (for signals, timeouts, real argv handling).
- ``corpus``: ``../shared/corpus`` (real charts written by others); missing corpus fails loudly.
- ``helm_oracle``: the official helm CLI extracted by ``make tools``; missing oracle fails loudly.
- ``kube`` / ``fake_kube``: a Kubernetes cluster (the fake API server, or the real cluster
  ``CI_HELM_TEST_KUBECONFIG`` names) - see tests/support/kube.py.
- ``HOME`` and Helm's directories point into the test's tmp dir, so no test touches the user's setup.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.kube import fake_kube, kube  # noqa: F401 - fixtures shared by the suite

REPO_ROOT = Path(__file__).resolve().parent.parent

# Real servers on 127.0.0.1 for the release tests (each starts only when a test asks for it).
pytest_plugins = [
    "tests.support.s3server",
    "tests.support.registry",
    "tests.support.fakegithub",
    "tests.support.fakegcs",
    "tests.support.tokenproxy",
]


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for var in (
        "HELM_CACHE_HOME",
        "HELM_CONFIG_HOME",
        "HELM_DATA_HOME",
        "KUBECONFIG",
        "GITHUB_ACTIONS",
        "GITHUB_STEP_SUMMARY",
        "GITLAB_CI",
        "CI_HELM_CONFIG",
    ):
        monkeypatch.delenv(var, raising=False)
    for var in [v for v in os.environ if v.startswith("CI_HELM_") and not v.startswith("CI_HELM_TEST")]:
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("GIT_AUTHOR_NAME", "ci-helm tests")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "tests@ci-helm.invalid")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "ci-helm tests")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "tests@ci-helm.invalid")


@pytest.fixture
def run_cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., CliResult]:
    from ci_helm.cli.main import main

    def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> CliResult:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        out, err = io.StringIO(), io.StringIO()
        monkeypatch.setattr(sys, "stdout", out)
        monkeypatch.setattr(sys, "stderr", err)
        environ = {**os.environ, **(env or {})}
        code = main(list(args), environ=environ)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def run_cli_subprocess() -> Callable[..., CliResult]:
    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 300
    ) -> CliResult:
        environ = {**os.environ, **(env or {})}
        environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), environ.get("PYTHONPATH")]))
        proc = subprocess.run(
            [sys.executable, "-m", "ci_helm", *args],
            cwd=cwd,
            env=environ,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture(scope="session")
def corpus() -> Path:
    path = Path(os.environ.get("CI_HELM_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))
    if not (path / "manifest.json").is_file():
        pytest.fail(
            f"chart corpus not found at {path}: CI places shared/ beside the clone; set CI_HELM_CORPUS"
        )
    return path


@pytest.fixture(scope="session")
def helm_oracle() -> Path:
    path = Path(os.environ.get("CI_HELM_TEST_HELM", REPO_ROOT / ".tools" / "helm" / "helm"))
    if not path.is_file():
        pytest.fail(f"helm oracle not found at {path}: run `make tools`")
    return path


@pytest.fixture
def examples() -> Iterator[Path]:
    yield REPO_ROOT / "examples"
