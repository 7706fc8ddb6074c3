"""`ci-helm dependency update` from an `oci://` registry (Debian's docker-registry on 127.0.0.1)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import yaml

from tests.test_dependency import write_chart

REGISTRY = "/usr/bin/docker-registry"
USER, PASSWORD = "robot", "oci-Pa55-word"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _bcrypt(password: str) -> str:
    if shutil.which("htpasswd"):
        out = subprocess.run(["htpasswd", "-Bbn", "x", password], capture_output=True, text=True, check=True)
        return out.stdout.strip().split(":", 1)[1]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt

    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))


@pytest.fixture(scope="module", params=["open", "auth"])
def registry(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, bool]]:
    if not Path(REGISTRY).is_file():
        pytest.fail(f"{REGISTRY} missing: apt-get install docker-registry")
    root = tmp_path_factory.mktemp("registry")
    port = _port()
    auth = ""
    if request.param == "auth":
        (root / "htpasswd").write_text(f"{USER}:{_bcrypt(PASSWORD)}\n")
        auth = f"auth:\n  htpasswd:\n    realm: test\n    path: {root / 'htpasswd'}\n"
    (root / "config.yml").write_text(
        f"version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n{auth}"
    )
    proc = subprocess.Popen(
        [REGISTRY, "serve", str(root / "config.yml")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("docker-registry did not start")
                time.sleep(0.1)
        yield f"127.0.0.1:{port}", request.param == "auth"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def helm(helm_oracle: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        **{k: str(home / k) for k in ("HELM_CONFIG_HOME", "HELM_CACHE_HOME", "HELM_DATA_HOME")},
    }
    return subprocess.run([str(helm_oracle), *args], capture_output=True, text=True, env=env, check=False)


def test_update_from_oci(run_cli, registry: tuple[str, bool], helm_oracle: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    host, needs_auth = registry
    home = tmp_path / "helmhome"
    if needs_auth:
        login = helm(helm_oracle, home, "registry", "login", host, "-u", USER, "-p", PASSWORD, "--plain-http")
        assert login.returncode == 0, login.stderr
    for version in ("1.0.0", "1.0.1", "2.0.0"):
        src = write_chart(tmp_path / "src" / version, "child", version)
        assert run_cli("package", str(src), "-d", str(tmp_path / "pkgs")).exit_code == 0
        pushed = helm(
            helm_oracle,
            home,
            "push",
            str(tmp_path / "pkgs" / f"child-{version}.tgz"),
            f"oci://{host}/charts",
            "--plain-http",
        )
        assert pushed.returncode == 0, pushed.stderr
    parent = write_chart(
        tmp_path / "work",
        "parent",
        "1.0.0",
        f"dependencies:\n- name: child\n  version: ~1.0.0\n  repository: oci://{host}/charts\n",
    )
    env = {"CI_HELM_REPO_AUTH": f"127.0.0.1={USER}:{PASSWORD}"} if needs_auth else {}
    if needs_auth:
        denied = run_cli("dependency", "update", str(parent))
        assert denied.exit_code == 1 and "cannot list tags" in denied.stderr
    result = run_cli("dependency", "update", str(parent), env=env)
    assert result.exit_code == 0, result.stderr
    assert PASSWORD not in result.stdout + result.stderr
    archive = parent / "charts" / "child-1.0.1.tgz"
    assert archive.read_bytes() == (tmp_path / "pkgs" / "child-1.0.1.tgz").read_bytes()
    ours = yaml.safe_load((parent / "Chart.lock").read_text())
    helm_copy = tmp_path / "helmcopy"
    shutil.copytree(parent, helm_copy, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    updated = helm(helm_oracle, home, "dependency", "update", str(helm_copy), "--plain-http")
    assert updated.returncode == 0, updated.stderr
    theirs = yaml.safe_load((helm_copy / "Chart.lock").read_text())
    assert (ours["digest"], ours["dependencies"]) == (theirs["digest"], theirs["dependencies"])
