"""``oci://`` targets against docker-registry; Helm itself pulls what ci-helm pushed."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import requests

from tests.support.chartpkg import make_package
from tests.support.registry import REGISTRY_PASSWORD, REGISTRY_USER, Registry


def _helm(helm: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HELM_CONFIG_HOME": str(tmp / "hc"), "HELM_CACHE_HOME": str(tmp / "hcache")}
    return subprocess.run([str(helm), *args], capture_output=True, text=True, env=env, check=False)


def test_push_skip_conflict_force_and_helm_pull(
    tmp_path: Path, run_cli, oci_registry: Registry, helm_oracle: Path
) -> None:
    path = f"charts-{uuid.uuid4().hex[:6]}"
    url = f"oci://{oci_registry.host}/{path}"
    pkg = make_package(tmp_path / "a", "api", "1.0.0+build.7", prov=True)
    first = run_cli("release", str(pkg), "--to", url, "--plain-http")
    assert first.exit_code == 0, first.stderr
    assert "skip" in run_cli("release", str(pkg), "--to", url, "--plain-http").stdout
    pulled = tmp_path / "pulled"
    pulled.mkdir()
    got = _helm(
        helm_oracle,
        tmp_path,
        "pull",
        f"{url}/api",
        "--version",
        "1.0.0+build.7",
        "--plain-http",
        "-d",
        str(pulled),
        "--prov",
    )
    assert got.returncode == 0, got.stderr
    assert (pulled / "api-1.0.0+build.7.tgz").read_bytes() == pkg.read_bytes()
    assert (pulled / "api-1.0.0+build.7.tgz.prov").read_bytes() == pkg.with_name(
        pkg.name + ".prov"
    ).read_bytes()
    changed = make_package(tmp_path / "b", "api", "1.0.0+build.7", description="other")
    conflict = run_cli("release", str(changed), "--to", url, "--plain-http")
    assert conflict.exit_code == 1 and "conflict" in conflict.stdout
    assert run_cli("release", str(changed), "--to", url, "--plain-http", "--force").exit_code == 0
    again = _helm(
        helm_oracle,
        tmp_path,
        "pull",
        f"{url}/api",
        "--version",
        "1.0.0+build.7",
        "--plain-http",
        "-d",
        str(tmp_path),
    )
    assert again.returncode == 0 and (tmp_path / "api-1.0.0+build.7.tgz").read_bytes() == changed.read_bytes()


def test_prune_deletes_old_tags(tmp_path: Path, run_cli, oci_registry: Registry) -> None:
    url = f"oci://{oci_registry.host}/p{uuid.uuid4().hex[:6]}"
    pkgs = [make_package(tmp_path, "svc", v) for v in ("0.1.0", "0.2.0", "0.10.0")]
    assert run_cli("release", *map(str, pkgs), "--to", url, "--plain-http").exit_code == 0
    result = run_cli("repo", "prune", url, "--keep", "1", "--chart", "svc", "--plain-http")
    assert result.exit_code == 0, result.stderr
    repo = url.removeprefix("oci://").split("/", 1)[1]
    tags = requests.get(f"http://{oci_registry.host}/v2/{repo}/svc/tags/list", timeout=5).json()["tags"]
    assert tags == ["0.10.0"]


def test_auth_registry_login_and_wrong_password(
    tmp_path: Path, run_cli, oci_registry_auth: Registry, helm_oracle: Path
) -> None:
    url = f"oci://{oci_registry_auth.host}/secure"
    pkg = make_package(tmp_path, "db", "2.0.0")
    wrong = run_cli(
        "release",
        str(pkg),
        "--to",
        url,
        "--plain-http",
        "--username",
        REGISTRY_USER,
        "--password",
        "bad-Pw-zz9",
    )
    assert wrong.exit_code == 2 and "authentication failed" in wrong.stderr
    assert "bad-Pw-zz9" not in wrong.stdout + wrong.stderr and wrong.stderr.count("\n") == 1
    anonymous = run_cli("release", str(pkg), "--to", url, "--plain-http")
    assert anonymous.exit_code == 2 and "--username" in anonymous.stderr
    env = {"CI_HELM_USERNAME": REGISTRY_USER, "CI_HELM_PASSWORD": REGISTRY_PASSWORD}
    ok = run_cli("release", str(pkg), "--to", url, "--plain-http", env=env)
    assert ok.exit_code == 0, ok.stderr
    assert REGISTRY_PASSWORD not in ok.stdout + ok.stderr
    got = _helm(
        helm_oracle, tmp_path, "pull", f"{url}/db", "--version", "2.0.0", "--plain-http",
        "--username", REGISTRY_USER, "--password", REGISTRY_PASSWORD, "-d", str(tmp_path),
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert (tmp_path / "db-2.0.0.tgz").read_bytes() == pkg.read_bytes()


def test_unreachable_registry_one_line(tmp_path: Path, run_cli) -> None:
    result = run_cli(
        "release", str(make_package(tmp_path, "x", "1.0.0")), "--to", "oci://127.0.0.1:9/c", "--plain-http"
    )
    assert (
        result.exit_code == 1
        and "cannot reach the server" in result.stderr
        and result.stderr.count("\n") == 1
    )


def test_bearer_token_registry_like_ghcr(
    tmp_path: Path, run_cli, token_registry: str, helm_oracle: Path
) -> None:
    url = f"oci://{token_registry}/org{uuid.uuid4().hex[:6]}"
    pkg = make_package(tmp_path, "svc", "1.2.3", prov=True)
    wrong = run_cli(
        "release",
        str(pkg),
        "--to",
        url,
        "--plain-http",
        "--username",
        REGISTRY_USER,
        "--password",
        "nope-Pw1",
    )
    assert wrong.exit_code == 2 and "authentication failed" in wrong.stderr and "nope-Pw1" not in wrong.stderr
    creds = {"CI_HELM_USERNAME": REGISTRY_USER, "CI_HELM_PASSWORD": REGISTRY_PASSWORD}
    ok = run_cli("release", str(pkg), "--to", url, "--plain-http", env=creds)
    assert ok.exit_code == 0, ok.stderr
    assert "skip" in run_cli("release", str(pkg), "--to", url, "--plain-http", env=creds).stdout
    (tmp_path / "out").mkdir()
    got = _helm(
        helm_oracle, tmp_path, "pull", f"{url}/svc", "--version", "1.2.3", "--plain-http",
        "--username", REGISTRY_USER, "--password", REGISTRY_PASSWORD, "-d", str(tmp_path / "out"),
    )  # fmt: skip
    assert got.returncode == 0, got.stderr
    assert (tmp_path / "out" / "svc-1.2.3.tgz").read_bytes() == pkg.read_bytes()


def test_many_targets_in_one_run_and_a_conflict_anywhere_writes_nowhere(
    tmp_path: Path, run_cli, oci_registry: Registry
) -> None:
    repo_a, repo_b = tmp_path / "a", tmp_path / "b"
    oci = f"oci://{oci_registry.host}/multi{uuid.uuid4().hex[:6]}"
    first = make_package(tmp_path / "v1", "app", "1.0.0")
    targets = ["--to", f"file://{repo_a}", "--to", oci, "--to", f"file://{repo_b}", "--plain-http"]
    assert run_cli("release", str(first), *targets[:4], "--plain-http").exit_code == 0  # a and OCI only
    changed = make_package(tmp_path / "v2", "app", "1.0.0", description="changed")
    newer = make_package(tmp_path / "v2", "app", "1.1.0")
    result = run_cli("release", str(changed), str(newer), *targets)
    assert result.exit_code == 1 and result.stdout.count("conflict") == 2
    assert (
        not repo_b.exists() and not (repo_a / "app-1.1.0.tgz").exists()
    )  # planned everywhere, written nowhere
    fixed = run_cli("release", str(first), str(newer), *targets)
    assert fixed.exit_code == 0, fixed.stderr
    actions = [line.split()[0] for line in fixed.stdout.splitlines() if line.startswith("  ")]
    assert sorted(actions) == ["publish"] * 4 + ["skip"] * 2
    assert (repo_b / "app-1.0.0.tgz").read_bytes() == first.read_bytes()
