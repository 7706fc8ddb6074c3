"""Debian's ``docker-registry`` (CNCF distribution) on 127.0.0.1, with or without htpasswd auth."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.s3server import free_port

__all__ = ["REGISTRY_PASSWORD", "REGISTRY_USER", "Registry", "oci_registry", "oci_registry_auth"]

REGISTRY_USER = "ciuser"
REGISTRY_PASSWORD = "reg-Pa55-word-q9x"
BINARY = "/usr/bin/docker-registry"


@dataclass
class Registry:
    host: str  # 127.0.0.1:PORT
    auth: bool


def _bcrypt(password: str) -> str:
    """A bcrypt hash (the only kind distribution's htpasswd accepts): apache2-utils, else libxcrypt."""
    if shutil.which("htpasswd"):
        line = subprocess.run(
            ["htpasswd", "-Bbn", "x", password], capture_output=True, text=True, check=True
        ).stdout.strip()
        return line.split(":", 1)[1]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt  # Debian's libxcrypt does bcrypt ($2b$)

    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))


def _config(root: Path, port: int, htpasswd: Path | None) -> str:
    auth = f"auth:\n  htpasswd:\n    realm: ci-helm-test\n    path: {htpasswd}\n" if htpasswd else ""
    return (
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n{auth}"
    )


def _start(root: Path, auth: bool) -> Iterator[Registry]:
    if not Path(BINARY).is_file():
        pytest.fail(f"{BINARY} missing: apt-get install docker-registry")
    htpasswd = None
    if auth:
        htpasswd = root / "htpasswd"
        htpasswd.write_text(f"{REGISTRY_USER}:{_bcrypt(REGISTRY_PASSWORD)}\n")
    port = free_port()
    (root / "config.yml").write_text(_config(root, port, htpasswd))
    proc = subprocess.Popen(
        [BINARY, "serve", str(root / "config.yml")], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait(port, proc)
        yield Registry(f"127.0.0.1:{port}", auth)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _wait(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"docker-registry exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            requests.get(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    pytest.fail("docker-registry did not start within 20s")


@pytest.fixture(scope="session")
def oci_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    yield from _start(tmp_path_factory.mktemp("registry"), auth=False)


@pytest.fixture(scope="session")
def oci_registry_auth(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    yield from _start(tmp_path_factory.mktemp("registry-auth"), auth=True)
