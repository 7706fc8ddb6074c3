"""``ci-helm ci-step``: what the front-ends run, from CI_HELM_STEP* variables, on a real git repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.conftest import CliResult

REPO = Path(__file__).resolve().parent.parent
Run = Callable[..., CliResult]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for name in ("shop", "guestbook"):
        shutil.copytree(REPO / "examples" / name, root / "charts" / name)
    (root / "ci-helm.yaml").write_text(
        yaml.safe_dump({"chart-dirs": ["charts"], "to": [f"file://{tmp_path / 'published'}"]})
    )
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    for args in (["add", "-A"], ["-c", "user.email=a@b.c", "-c", "user.name=t", "commit", "-qm", "charts"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    return root


def _outputs(path: Path) -> dict[str, object]:
    return {k: json.loads(v) for k, _, v in (line.partition("=") for line in path.read_text().splitlines())}


def test_snapshot_package_then_release_hands_packages_over(run_cli: Run, repo: Path, tmp_path: Path) -> None:
    head = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout[:8]
    # A short sha that is all digits with a leading zero is no valid SemVer identifier: `g` prefix.
    sha = f"g{head}" if head.isdigit() and head.startswith("0") else head
    out = tmp_path / "github-output"
    out.write_text("")
    env = {"CI_HELM_STEP": "package", "CI_HELM_SNAPSHOT": "true", "GITHUB_OUTPUT": str(out)}
    packaged = run_cli("ci-step", cwd=repo, env=env)
    assert packaged.exit_code == 0, packaged.stderr
    packages = _outputs(out)["packages"]
    assert isinstance(packages, list)  # one package command per chart, joined into one output
    assert sorted(p["version"] for p in packages) == [f"0.1.0-snapshot.{sha}", f"0.1.0-snapshot.{sha}"]

    out.write_text("")
    released = run_cli("ci-step", cwd=repo, env={"CI_HELM_STEP": "release", "GITHUB_OUTPUT": str(out)})
    assert released.exit_code == 0, released.stderr
    steps = _outputs(out)["released"]["targets"][0]["steps"]  # type: ignore[index]
    assert sorted((s["chart"], s["version"], s["action"]) for s in steps) == [
        ("guestbook", f"0.1.0-snapshot.{sha}", "publish"),
        ("shop", f"0.1.0-snapshot.{sha}", "publish"),
    ]
    index = yaml.safe_load((tmp_path / "published" / "index.yaml").read_text())
    assert sorted(index["entries"]) == ["guestbook", "shop"]


def test_release_without_packages_says_what_to_do(run_cli: Run, repo: Path) -> None:
    result = run_cli("ci-step", cwd=repo, env={"CI_HELM_STEP": "release"})
    assert result.exit_code == 2
    assert "no chart packages in .ci-helm/packages (run the package step first)" in result.stderr


def test_publishing_steps_with_no_charts_do_nothing(run_cli: Run, tmp_path: Path) -> None:
    (tmp_path / "charts").mkdir()
    result = run_cli("ci-step", "--step", "pipeline", "--chart-dirs", "charts", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "no charts selected, nothing to do" in result.stderr
    assert not (tmp_path / ".ci-helm").exists()


def test_bad_snapshot_template_is_a_usage_error(run_cli: Run, repo: Path) -> None:
    env = {
        "CI_HELM_STEP": "package",
        "CI_HELM_SNAPSHOT": "true",
        "CI_HELM_SNAPSHOT_VERSION": "{version}-{branch}",
    }
    result = run_cli("ci-step", cwd=repo, env=env)
    assert result.exit_code == 2 and "snapshot-version" in result.stderr
    assert not (repo / ".ci-helm" / "packages").exists()
