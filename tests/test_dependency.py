"""`ci-helm dependency`: repositories from Chart.yaml, Chart.lock as Helm computes it, cache, auth."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from ci_helm.errors import ExitCode
from tests.support.httpserver import RepoServer, serve


def write_chart(root: Path, name: str, version: str, deps: str = "") -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True, exist_ok=True)
    (chart / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: {version}\n{deps}")
    (chart / "values.yaml").write_text("x: 1\n")
    (chart / "templates" / "cm.yaml").write_text(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-{{{{ .Release.Name }}}}\n"
    )
    return chart


@pytest.fixture
def repo_dir(run_cli, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    repo = tmp_path / "served"
    for version in ("0.1.0", "0.2.0", "0.3.0-rc.1", "1.0.0"):
        src = write_chart(tmp_path / "src" / version, "child", version)
        assert run_cli("package", str(src), "-d", str(repo)).exit_code == 0
    assert run_cli("repo", "index", str(repo)).exit_code == 0
    return repo


@pytest.fixture
def server(repo_dir: Path) -> Iterator[RepoServer]:
    with serve(repo_dir) as running:
        yield running


@pytest.fixture
def parent(tmp_path: Path, server: RepoServer) -> Path:
    write_chart(tmp_path / "work", "local", "0.5.0")
    chart = write_chart(
        tmp_path / "work",
        "parent",
        "1.0.0",
        "dependencies:\n"
        f"- name: child\n  version: '>=0.1.0 <1.0.0'\n  repository: {server.url}\n"
        "  condition: child.enabled\n"
        "- name: local\n  version: '>=0.5.0 <1'\n  repository: file://../local\n"
        "- name: vend\n  version: 2.x\n",
    )
    write_chart(chart / "charts", "vend", "2.3.4")
    return chart


def test_update_resolves_writes_lock_and_helm_agrees(  # type: ignore[no-untyped-def]
    run_cli, parent: Path, server: RepoServer, helm_oracle: Path, tmp_path: Path
) -> None:
    helm_copy = tmp_path / "helmwork"
    shutil.copytree(parent.parent, helm_copy)
    result = run_cli("dependency", "update", str(parent), "--format", "json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(d["name"], d["version"]) for d in report["dependencies"]] == [
        ("child", "0.2.0"),
        ("local", "0.5.0"),
        ("vend", "2.x"),
    ]
    assert sorted(p.name for p in (parent / "charts").iterdir()) == [
        "child-0.2.0.tgz",
        "local-0.5.0.tgz",
        "vend",
    ]
    ours = yaml.safe_load((parent / "Chart.lock").read_text())

    env = {
        **os.environ,
        **{k: str(tmp_path / k) for k in ("HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME")},
    }
    proc = subprocess.run(
        [str(helm_oracle), "dependency", "update", str(helm_copy / "parent")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    theirs = yaml.safe_load((helm_copy / "parent" / "Chart.lock").read_text())
    assert ours["digest"] == theirs["digest"]
    assert ours["dependencies"] == theirs["dependencies"]
    # helm builds from our lock (it re-checks the digest) and renders the chart
    shutil.rmtree(helm_copy / "parent" / "charts" / "vend")
    shutil.copy(parent / "Chart.lock", helm_copy / "parent" / "Chart.lock")
    shown = subprocess.run(
        [str(helm_oracle), "template", "r", str(parent)], capture_output=True, text=True, check=False
    )
    assert shown.returncode == 0, shown.stderr
    assert (
        "name: child-r" in shown.stdout and "name: local-r" in shown.stdout and "name: vend-r" in shown.stdout
    )


def test_build_honours_lock_and_refuses_out_of_sync(
    run_cli, parent: Path, repo_dir: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("dependency", "update", str(parent)).exit_code == 0
    newer = write_chart(tmp_path / "src" / "0.2.5", "child", "0.2.5")
    assert run_cli("package", str(newer), "-d", str(repo_dir)).exit_code == 0
    assert run_cli("repo", "index", str(repo_dir), "--merge", str(repo_dir / "index.yaml")).exit_code == 0
    (parent / "charts" / "child-0.2.0.tgz").unlink()
    built = run_cli("dependency", "build", str(parent))
    assert built.exit_code == 0, built.stderr
    assert (parent / "charts" / "child-0.2.0.tgz").is_file()  # the locked version, not the newest
    updated = run_cli("dependency", "update", str(parent))
    assert updated.exit_code == 0
    assert (parent / "charts" / "child-0.2.5.tgz").is_file() and not (
        parent / "charts" / "child-0.2.0.tgz"
    ).exists()

    chart_yaml = parent / "Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace(">=0.1.0 <1.0.0", "^1.0.0"))
    stale = run_cli("dependency", "build", str(parent))
    assert stale.exit_code == ExitCode.CHECKS_FAILED
    assert "out of sync" in stale.stderr and "dependency update" in stale.stderr


def test_downloads_are_cached_between_runs(run_cli, parent: Path, server: RepoServer) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("dependency", "update", str(parent)).exit_code == 0
    first = [h for h in server.hits if h.endswith(".tgz")]
    assert first == ["/child-0.2.0.tgz"]
    for archive in (parent / "charts").glob("*.tgz"):
        archive.unlink()
    assert run_cli("dependency", "build", str(parent)).exit_code == 0
    assert [h for h in server.hits if h.endswith(".tgz")] == first  # served from the cache
    assert (parent / "charts" / "child-0.2.0.tgz").is_file()


def test_digest_mismatch_refused_without_partial_writes(run_cli, parent: Path, repo_dir: Path) -> None:  # type: ignore[no-untyped-def]
    archive = repo_dir / "child-0.2.0.tgz"
    archive.write_bytes(archive.read_bytes() + b"tampered")
    result = run_cli("dependency", "update", str(parent))
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "does not match the index digest" in result.stderr
    assert not (parent / "Chart.lock").exists()
    assert sorted(p.name for p in (parent / "charts").iterdir()) == ["vend"]


@pytest.mark.parametrize("auth", ["basic", "bearer"])
def test_credentials_by_host(run_cli, repo_dir: Path, tmp_path: Path, auth: str) -> None:  # type: ignore[no-untyped-def]
    kwargs = {"username": "ci", "password": "p@ss:word"} if auth == "basic" else {"token": "tok-123"}
    with serve(repo_dir, **kwargs) as private:
        chart = write_chart(
            tmp_path / "w",
            "app",
            "1.0.0",
            f"dependencies:\n- name: child\n  version: 1.0.0\n  repository: {private.url}/\n",
        )
        denied = run_cli("dependency", "update", str(chart))
        assert denied.exit_code == ExitCode.CHECKS_FAILED
        assert "HTTP 401" in denied.stderr
        secret = "ci:p@ss:word" if auth == "basic" else "tok-123"
        allowed = run_cli(
            "dependency", "update", str(chart), env={"CI_HELM_REPO_AUTH": f"127.0.0.1={secret}"}
        )
        assert allowed.exit_code == 0, allowed.stderr
        assert secret not in allowed.stdout + allowed.stderr
    assert (chart / "charts" / "child-1.0.0.tgz").is_file()


def test_list_statuses(run_cli, parent: Path) -> None:  # type: ignore[no-untyped-def]
    before = json.loads(run_cli("dependency", "list", str(parent), "--format", "json").stdout)
    assert [(r["name"], r["status"]) for r in before] == [
        ("child", "missing"),
        ("local", "missing"),
        ("vend", "unpacked"),
    ]
    assert run_cli("dependency", "update", str(parent)).exit_code == 0
    after = json.loads(run_cli("dependency", "list", str(parent), "--format", "json").stdout)
    assert [r["status"] for r in after] == ["ok", "ok", "unpacked"]


def test_package_with_dependency_update(run_cli, parent: Path, tmp_path: Path, helm_oracle: Path) -> None:  # type: ignore[no-untyped-def]
    missing = run_cli("package", str(parent), "-d", str(tmp_path / "out"))
    assert missing.exit_code == ExitCode.CHECKS_FAILED and "--dependency-update" in missing.stderr
    result = run_cli("package", str(parent), "-d", str(tmp_path / "out"), "--dependency-update")
    assert result.exit_code == 0, result.stderr
    rendered = subprocess.run(
        [str(helm_oracle), "template", "r", str(tmp_path / "out" / "parent-1.0.0.tgz")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert rendered.returncode == 0 and "name: child-r" in rendered.stdout


def test_repo_alias_needs_url(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = write_chart(
        tmp_path, "app", "1.0.0", "dependencies:\n- name: x\n  version: 1.0.0\n  repository: '@stable'\n"
    )
    result = run_cli("dependency", "update", str(chart))
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "name the repository URL instead" in result.stderr


def test_vendored_dependency_must_be_a_directory(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    chart = write_chart(tmp_path, "app", "1.0.0", "dependencies:\n- name: sub\n  version: 1.x\n")
    result = run_cli("dependency", "update", str(chart))
    assert result.exit_code == ExitCode.CHECKS_FAILED
    assert "charts/sub is not a directory" in result.stderr
