"""A fake of the few Google Cloud Storage JSON API endpoints ci-helm uses, with real generation
preconditions (``ifGenerationMatch``, 412), on 127.0.0.1. No GCS emulator ships in Debian."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.support.localhttp import running

__all__ = ["GCS_TOKEN", "FakeGcs", "fake_gcs"]

GCS_TOKEN = "ya29.fake-gcs-token-abcdef"


@dataclass
class FakeGcs:
    url: str = ""
    buckets: dict[str, dict[str, tuple[bytes, int]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    generation: int = 1000


class _Handler(BaseHTTPRequestHandler):
    gcs: FakeGcs

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(
        self, status: int, body: Any = None, raw: bytes | None = None, generation: int | None = None
    ) -> None:
        data = raw if raw is not None else json.dumps(body or {}).encode()
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        if generation is not None:
            self.send_header("x-goog-generation", str(generation))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self, method: str) -> None:
        if self.headers.get("Authorization") != f"Bearer {GCS_TOKEN}":
            self._reply(401, {"error": {"code": 401, "message": "Invalid Credentials"}})
            return
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.split("/")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.gcs.lock:
            self._dispatch(method, parts, query, body)

    def _dispatch(self, method: str, parts: list[str], query: dict[str, str], body: bytes) -> None:
        # /storage/v1/b/B/o[/NAME]   /upload/storage/v1/b/B/o
        upload = parts[1] == "upload"
        bucket_name = parts[5 if upload else 4]
        bucket = self.gcs.buckets.get(bucket_name)
        if bucket is None:
            self._reply(404, {"error": {"code": 404, "message": "The specified bucket does not exist."}})
            return
        name = unquote(parts[6]) if not upload and len(parts) > 6 else None
        if upload:
            self._upload(bucket, query, body)
        elif name is None:
            items = [{"name": n} for n in sorted(bucket) if n.startswith(query.get("prefix", ""))]
            self._reply(200, {"items": items})
        elif method == "GET":
            found = bucket.get(name)
            self._reply(200, raw=found[0], generation=found[1]) if found else self._reply(
                404, {"error": {"message": "No such object"}}
            )
        elif method == "DELETE":
            self._reply(204 if bucket.pop(name, None) else 404, {})

    def _upload(self, bucket: dict[str, tuple[bytes, int]], query: dict[str, str], body: bytes) -> None:
        name = query["name"]
        current = bucket.get(name)
        want = query.get("ifGenerationMatch")
        if want is not None and int(want) != (current[1] if current else 0):
            self._reply(412, {"error": {"code": 412, "message": "Precondition Failed"}})
            return
        self.gcs.generation += 1
        bucket[name] = (body, self.gcs.generation)
        self._reply(200, {"name": name, "generation": str(self.gcs.generation)})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


@pytest.fixture
def fake_gcs() -> Iterator[FakeGcs]:
    gcs = FakeGcs()
    with running(type("H", (_Handler,), {"gcs": gcs})) as port:
        gcs.url = f"http://127.0.0.1:{port}"
        yield gcs
