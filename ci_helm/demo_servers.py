"""Local stand-ins for the chart repositories the example workflows publish to, for ``make demo``.

Always: a directory (``file://``) and ``ci-helm repo serve`` (ChartMuseum upload API with a token).
When installed here: Debian's ``docker-registry`` (an OCI registry) and moto's S3 server. Each one
that cannot start says why, so the demo reports what it used and what it skipped.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.demo import StageFailed

__all__ = ["LocalServers", "local_servers"]

REGISTRY_BINARY = "/usr/bin/docker-registry"
S3_ACCESS_KEY = "AKIADEMOCIHELM000001"
S3_SECRET_KEY = "demo-s3-secret-not-real"  # noqa: S105 - moto accepts any key; nothing real is protected
UPLOAD_TOKEN = "demo-upload-token"  # noqa: S105 - a throwaway local server's token
REGISTRY_USER = "ci-demo"
REGISTRY_PASSWORD = "demo-registry-Pa55"  # noqa: S105 - a throwaway local registry's password


@dataclass
class LocalServers:
    workdir: Path
    serve_url: str = ""
    oci_host: str | None = None
    s3_endpoint: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # server -> why it is not running

    def used(self) -> list[str]:
        names = ["file:// directory"]
        if self.serve_url:
            names.append(f"ci-helm repo serve ({self.serve_url})")
        if self.oci_host:
            names.append(f"OCI registry docker-registry ({self.oci_host})")
        if self.s3_endpoint:
            names.append(f"S3 server moto ({self.s3_endpoint})")
        return names

    def s3_bucket(self, name: str) -> str:
        import boto3

        client = boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id=S3_ACCESS_KEY,
            aws_secret_access_key=S3_SECRET_KEY,
        )
        client.create_bucket(Bucket=name)
        return name

    def s3_env(self) -> dict[str, str]:
        return {"CI_HELM_AWS_ACCESS_KEY_ID": S3_ACCESS_KEY, "CI_HELM_AWS_SECRET_ACCESS_KEY": S3_SECRET_KEY}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, proc: subprocess.Popen[bytes] | None, what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 - our own 127.0.0.1 server
            return
        except urllib.error.HTTPError:
            return  # it answers (401 from an auth-protected registry is an answer)
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f}s")


@contextmanager
def _process(argv: list[str], env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _repo_serve(stack: ExitStack, root: Path, env: dict[str, str]) -> str:
    root.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ci_helm", "repo", "serve", str(root), "--port", "0"]
    proc = stack.enter_context(_process([*argv, "--upload-token", UPLOAD_TOKEN], env))
    assert proc.stdout is not None
    line = proc.stdout.readline().decode()
    if " at " not in line:
        raise RuntimeError(f"ci-helm repo serve did not start: {line.strip() or 'no output'}")
    return line.split(" at ", 1)[1].split()[0].rstrip("/")


def _registry(stack: ExitStack, root: Path, *, auth: bool) -> str:
    """docker-registry on 127.0.0.1; with ``auth``, behind htpasswd (REGISTRY_USER / REGISTRY_PASSWORD)."""
    port = _free_port()
    root.mkdir(parents=True, exist_ok=True)
    htpasswd = f"auth:\n  htpasswd:\n    realm: ci-helm-demo\n    path: {_htpasswd(root)}\n" if auth else ""
    config = root / "config.yml"
    config.write_text(
        "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {root / 'data'}\n"
        f"http:\n  addr: 127.0.0.1:{port}\n{htpasswd}"
    )
    proc = stack.enter_context(_process([REGISTRY_BINARY, "serve", str(config)]))
    _wait_http(f"http://127.0.0.1:{port}/v2/", proc, "docker-registry")
    return f"127.0.0.1:{port}"


def _htpasswd(root: Path) -> Path:
    """A bcrypt htpasswd file (the only kind docker-registry accepts), made by apache2-utils."""
    if shutil.which("htpasswd") is None:
        raise RuntimeError("htpasswd not installed (apt-get install apache2-utils) for registry credentials")
    done = subprocess.run(
        ["htpasswd", "-Bbn", REGISTRY_USER, REGISTRY_PASSWORD], capture_output=True, text=True, check=True
    )
    path = root / "htpasswd"
    path.write_text(done.stdout)
    return path


def _moto(stack: ExitStack) -> str:
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log in the demo's output
    port = _free_port()
    server: Any = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    stack.callback(server.stop)
    return f"http://127.0.0.1:{port}"


@contextmanager
def local_servers(
    workdir: Path, env: dict[str, str], *, oci: bool, s3: bool, serve: bool = True, oci_auth: bool = False
) -> Iterator[LocalServers]:
    """Start what a workflow needs; optional servers that cannot run here are listed in ``skipped``."""
    servers = LocalServers(workdir)
    with ExitStack() as stack:
        if serve:
            try:
                servers.serve_url = _repo_serve(stack, workdir / "served", env)
            except RuntimeError as exc:
                raise StageFailed(str(exc)) from None
        if oci and not Path(REGISTRY_BINARY).is_file():
            servers.skipped["OCI registry"] = (
                f"{REGISTRY_BINARY} not installed (apt-get install docker-registry)"
            )
        elif oci:
            servers.oci_host = _optional(
                servers, "OCI registry", lambda: _registry(stack, workdir / "registry", auth=oci_auth)
            )
        if s3 and not (_importable("moto.server") and _importable("boto3")):
            servers.skipped["S3 server"] = "moto[server] / boto3 not installed (pip install 'moto[server]')"
        elif s3:
            servers.s3_endpoint = _optional(servers, "S3 server", lambda: _moto(stack))
        yield servers


def _optional(servers: LocalServers, name: str, start: Callable[[], str]) -> str | None:
    """Start an optional server; one that is installed but fails to start is skipped, with why."""
    try:
        return start()
    except (RuntimeError, OSError) as exc:
        servers.skipped[name] = f"installed but did not start: {exc}"
        return None


def _importable(module: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def environ_with_repo(repo_root: Path) -> dict[str, str]:
    """The environment for child ``ci-helm`` processes: this source tree first on PYTHONPATH."""
    path = os.pathsep.join(filter(None, [str(repo_root), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}
