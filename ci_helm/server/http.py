"""HTTP front of :class:`ServedRepository`: Helm's repository layout plus the ChartMuseum API.

``GET /index.yaml``, ``GET /<package>.tgz[.prov]`` (also under ``/charts/``) for Helm;
``GET /api/charts[/name[/version]]``, ``POST /api/charts`` (multipart ``chart`` + ``prov``,
``?force``), ``DELETE /api/charts/name/version`` for ChartMuseum clients. Writes need the
bearer token given at start; without one the server is read-only.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ci_helm.server.multipart import form_files
from ci_helm.server.repository import Reply, ServedRepository

__all__ = ["RepoServer"]

log = logging.getLogger(__name__)
MAX_UPLOAD = 64 * 1024 * 1024


def _token_matches(header: str, token: str) -> bool:
    """``Bearer TOKEN``, or Basic auth with TOKEN as the password (what ChartMuseum clients send)."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "basic":
        try:
            value = base64.b64decode(value, validate=True).decode().partition(":")[2]
        except (ValueError, UnicodeDecodeError):
            return False
    elif scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(value.encode(), token.encode())


class _Server(ThreadingHTTPServer):
    # The default listen backlog (5) refuses connections when a burst of CI jobs uploads at once.
    request_queue_size = 128
    daemon_threads = True


class RepoServer:
    """A threaded server on ``host:port`` (port 0 picks a free one)."""

    def __init__(
        self, root: Path, *, host: str = "127.0.0.1", port: int = 0, upload_token: str | None = None
    ) -> None:
        repo = ServedRepository(root)
        handler = type("Handler", (_Handler,), {"repo": repo, "token": upload_token})
        self.httpd = _Server((host, port), handler)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def start(self) -> RepoServer:
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Handler(BaseHTTPRequestHandler):
    repo: ServedRepository
    token: str | None
    server_version = "ci-helm-repo"

    def log_message(self, format: str, *args: Any) -> None:
        log.info("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/api/"):
            self._json(self._api_get(path))
            return
        if path == "/health":
            self._json((200, {"healthy": True}))
            return
        name = unquote(path.removeprefix("/charts/").lstrip("/")) if path != "/" else "index.yaml"
        data = self.repo.file(name)
        if data is None:
            self._json((404, {"error": "not found"}))
            return
        self._send(200, data, "application/x-yaml" if name.endswith(".yaml") else "application/octet-stream")

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path.rstrip("/") != "/api/charts":
            self._json((404, {"error": "not found"}))
            return
        if not self._authorized():
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length <= 0 or length > MAX_UPLOAD:
            self._json((413 if length > MAX_UPLOAD else 400, {"error": "missing or oversized body"}))
            return
        body = self.rfile.read(length)
        files = form_files(self.headers.get("Content-Type", ""), body) or {"chart": body}
        if "chart" not in files:
            self._json((400, {"error": "no chart field in the form"}))
            return
        force = parse_qs(url.query).get("force", ["false"])[0] not in ("false", "0")
        self._json(self.repo.upload(files["chart"], files.get("prov"), force=force))

    def do_DELETE(self) -> None:
        parts = [unquote(p) for p in urlsplit(self.path).path.strip("/").split("/")]
        if len(parts) != 4 or parts[:2] != ["api", "charts"]:
            self._json((404, {"error": "not found"}))
            return
        if self._authorized():
            self._json(self.repo.delete(parts[2], parts[3]))

    def _api_get(self, path: str) -> Reply:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:2] != ["api", "charts"] or len(parts) > 4:
            return 404, {"error": "not found"}
        return self.repo.chart_versions(*parts[2:4])

    def _authorized(self) -> bool:
        if self.token is None:
            self._json((403, {"error": "uploads are disabled (start the server with --upload-token)"}))
            return False
        if not _token_matches(self.headers.get("Authorization", ""), self.token):
            self._json((401, {"error": "unauthorized"}))
            return False
        return True

    def _json(self, reply: Reply) -> None:
        status, body = reply
        self._send(status, json.dumps(body).encode(), "application/json")

    def _send(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
