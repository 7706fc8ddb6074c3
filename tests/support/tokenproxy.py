"""Bearer-token auth in front of docker-registry, the way ghcr.io, Docker Hub and Harbor do it.

Every ``/v2/`` request without a valid token gets ``401`` with
``WWW-Authenticate: Bearer realm=".../token",service=...,scope=...``; ``/token`` trades
Basic credentials for a token; authorised requests are forwarded to the real registry.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.localhttp import running
from tests.support.registry import REGISTRY_PASSWORD, REGISTRY_USER, Registry

__all__ = ["token_registry"]


class _Handler(BaseHTTPRequestHandler):
    upstream: str
    tokens: set[str]
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _token(self) -> None:
        expected = base64.b64encode(f"{REGISTRY_USER}:{REGISTRY_PASSWORD}".encode()).decode()
        if self.headers.get("Authorization") != f"Basic {expected}":
            self._reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}')
            return
        token = secrets.token_hex(16)
        self.tokens.add(token)
        self._reply(
            200,
            f'{{"token":"{token}","access_token":"{token}"}}'.encode(),
            {"Content-Type": "application/json"},
        )

    def _forward(self) -> None:
        auth = self.headers.get("Authorization", "")
        if not (auth.startswith("Bearer ") and auth[7:] in self.tokens):
            host = self.headers.get("Host")
            repo = self.path.split("/")[2] if self.path.count("/") > 3 else ""
            challenge = f'Bearer realm="http://{host}/token",service="test-registry",scope="repository:{repo}:pull,push"'
            self._reply(401, b'{"errors":[{"code":"UNAUTHORIZED"}]}', {"WWW-Authenticate": challenge})
            return
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            k: v
            for k, v in self.headers.items()
            if k.lower() not in ("host", "authorization", "content-length")
        }
        reply = requests.request(self.command, self.upstream + self.path, headers=headers, data=body,
                                 allow_redirects=False, timeout=30)  # fmt: skip
        out = {
            k: v
            for k, v in reply.headers.items()
            if k.lower() not in ("content-length", "transfer-encoding", "connection")
        }
        if "Location" in out:
            loc = urlsplit(out["Location"])
            out["Location"] = loc.path + (f"?{loc.query}" if loc.query else "")
        self._reply(reply.status_code, reply.content, out)

    def _route(self) -> None:
        if self.path.startswith("/token"):
            self._token()
        else:
            self._forward()

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = _route


@pytest.fixture
def token_registry(oci_registry: Registry) -> Iterator[str]:
    """``127.0.0.1:PORT`` of a bearer-token registry backed by the plain ``oci_registry``."""
    handler = type("H", (_Handler,), {"upstream": f"http://{oci_registry.host}", "tokens": set()})
    with running(handler) as port:
        yield f"127.0.0.1:{port}"
