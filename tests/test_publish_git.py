"""``git+URL#branch`` targets against a local bare repository (fetch, rebase-by-rebuild, retry)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from ci_helm.publish.targets import TargetOptions
from tests.support.chartpkg import make_package
from tests.support.gitremote import bare_repo, branch_files, read_file
from tests.support.releasing import index_versions, race, release_now


def test_release_skip_resume_prune(tmp_path: Path, run_cli, run_cli_subprocess) -> None:
    remote = bare_repo(tmp_path / "charts.git")
    url = f"git+file://{remote}#charts"
    pkg = make_package(tmp_path / "d", "app", "1.0.0", prov=True)
    killed = run_cli_subprocess("release", str(pkg), "--to", url, env={"CI_HELM_TEST_FAULT": "after-upload"})
    assert killed.exit_code == -9
    # Packages and index go in one commit: killed before its push, the branch was never touched.
    assert (
        subprocess.run(
            ["git", "--git-dir", str(remote), "rev-parse", "--verify", "-q", "charts"], check=False
        ).returncode
        != 0
    )
    resumed = run_cli("release", str(pkg), "--to", url)
    assert resumed.exit_code == 0 and "publish   app 1.0.0" in resumed.stdout
    assert branch_files(remote, "charts") == ["app-1.0.0.tgz", "app-1.0.0.tgz.prov", "index.yaml"]
    log = subprocess.run(
        ["git", "--git-dir", str(remote), "log", "--oneline", "charts"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(log.stdout.splitlines()) == 1  # one atomic commit
    assert read_file(remote, "charts", "app-1.0.0.tgz") == pkg.read_bytes()
    assert "skip" in run_cli("release", str(pkg), "--to", url).stdout
    newer = make_package(tmp_path / "d", "app", "1.1.0")
    assert run_cli("release", str(newer), "--to", url).exit_code == 0
    assert run_cli("repo", "prune", url, "--keep", "1").exit_code == 0
    assert branch_files(remote, "charts") == ["app-1.1.0.tgz", "index.yaml"]
    assert index_versions(read_file(remote, "charts", "index.yaml")) == [("app", "1.1.0")]
    commits = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-list", "--count", "charts"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert commits.stdout.strip() == "3"  # release 1.0.0, release 1.1.0, prune: one commit each


def test_sixteen_concurrent_releases(tmp_path: Path) -> None:
    remote = bare_repo(tmp_path / "charts.git")
    url = f"git+file://{remote}#gh-pages"
    pkgs = [make_package(tmp_path / "d", f"c{i:02d}", "1.0.0") for i in range(16)]
    reports = race([lambda p=p: release_now(p, url, TargetOptions()) for p in pkgs])
    assert all(not r.failed for r in reports), [t.error for r in reports for t in r.targets]
    assert index_versions(read_file(remote, "gh-pages", "index.yaml")) == [
        (f"c{i:02d}", "1.0.0") for i in range(16)
    ]
    assert len(branch_files(remote, "gh-pages")) == 17


def test_unreachable_remote_is_one_line(tmp_path: Path, run_cli) -> None:
    pkg = make_package(tmp_path, "app", "1.0.0")
    result = run_cli("release", str(pkg), "--to", "git+https://user:hunter2secret@127.0.0.1:9/x.git#main")
    assert result.exit_code == 1
    assert "hunter2secret" not in result.stdout + result.stderr
    assert "cannot fetch" in result.stderr
