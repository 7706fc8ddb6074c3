"""A fake of the few GitHub REST endpoints ci-helm uses for release assets, on 127.0.0.1.

In-memory and thread-safe; it answers like GitHub does (422 ``already_exists``, assets with
``digest``, ``upload_url`` templates, 401 ``Bad credentials``), so the adapter meets the
real protocol's awkward corners.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from tests.support.localhttp import running

__all__ = ["FakeGitHub", "fake_github"]

GITHUB_TOKEN = "ghp_fakeTokenForTests0123456789"


@dataclass
class FakeGitHub:
    url: str = ""
    releases: dict[int, dict[str, Any]] = field(default_factory=dict)
    blobs: dict[int, bytes] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 1

    @property
    def api(self) -> str:
        return f"{self.url}/api/v3"

    def by_tag(self, tag: str) -> dict[str, Any] | None:
        return next((r for r in self.releases.values() if r["tag_name"] == tag), None)

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id


class _Handler(BaseHTTPRequestHandler):
    gh: FakeGitHub

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.send_header(
            "Content-Type", "application/octet-stream" if raw is not None else "application/json"
        )
        self.end_headers()
        self.wfile.write(data)

    def _route(self, method: str) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        download = re.fullmatch(r"/([^/]+)/([^/]+)/releases/download/([^/]+)/([^/]+)", path)
        if method == "GET" and download:
            self._download(download.group(3), download.group(4))
            return
        if self.headers.get("Authorization") != f"Bearer {GITHUB_TOKEN}":
            self._reply(401, {"message": "Bad credentials"})
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.gh.lock:
            self._api(method, path, parse_qs(url.query), body)

    def _api(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> None:
        gh = self.gh
        m = re.fullmatch(r"/(?:api/v3|uploads)/repos/[^/]+/[^/]+/(.*)", path)
        tail = m.group(1) if m else ""
        if method == "GET" and tail.startswith("releases/tags/"):
            release = gh.by_tag(tail.removeprefix("releases/tags/"))
            self._reply(200, release) if release else self._reply(404, {"message": "Not Found"})
        elif method == "GET" and tail == "releases":
            page, per = int(query.get("page", ["1"])[0]), int(query.get("per_page", ["30"])[0])
            items = sorted(gh.releases.values(), key=lambda r: -r["id"])
            self._reply(200, items[(page - 1) * per : page * per])
        elif method == "POST" and tail == "releases":
            self._create_release(json.loads(body))
        elif method == "POST" and re.fullmatch(r"releases/\d+/assets", tail):
            self._upload(int(tail.split("/")[1]), query["name"][0], body)
        elif method == "GET" and tail.startswith("releases/assets/"):
            asset_id = int(tail.rsplit("/", 1)[1])
            self._reply(200, raw=gh.blobs[asset_id]) if asset_id in gh.blobs else self._reply(404, {})
        elif method == "DELETE" and tail.startswith("releases/assets/"):
            asset_id = int(tail.rsplit("/", 1)[1])
            gh.blobs.pop(asset_id, None)
            for r in gh.releases.values():
                r["assets"] = [a for a in r["assets"] if a["id"] != asset_id]
            self._reply(204)
        elif method == "DELETE" and re.fullmatch(r"releases/\d+", tail):
            gh.releases.pop(int(tail.split("/")[1]), None)
            self._reply(204)
        elif method == "DELETE" and tail.startswith("git/refs/tags/"):
            self._reply(204)
        else:
            self._reply(404, {"message": "Not Found"})

    def _create_release(self, body: dict[str, Any]) -> None:
        gh = self.gh
        if gh.by_tag(body["tag_name"]):
            self._reply(422, {"message": "Validation Failed", "errors": [{"code": "already_exists"}]})
            return
        rid = gh.new_id()
        gh.releases[rid] = {
            "id": rid, "tag_name": body["tag_name"], "name": body.get("name"), "body": body.get("body"),
            "upload_url": f"{gh.url}/uploads/repos/o/r/releases/{rid}/assets{{?name,label}}", "assets": [],
        }  # fmt: skip
        self._reply(201, gh.releases[rid])

    def _upload(self, rid: int, name: str, data: bytes) -> None:
        gh = self.gh
        release = gh.releases.get(rid)
        if release is None:
            self._reply(404, {"message": "Not Found"})
            return
        if any(a["name"] == name for a in release["assets"]):
            self._reply(422, {"message": "Validation Failed", "errors": [{"code": "already_exists"}]})
            return
        aid = gh.new_id()
        gh.blobs[aid] = data
        asset = {
            "id": aid,
            "name": name,
            "size": len(data),
            "digest": "sha256:" + hashlib.sha256(data).hexdigest(),
            "url": f"{gh.api}/repos/o/r/releases/assets/{aid}",
            "browser_download_url": f"{gh.url}/o/r/releases/download/{release['tag_name']}/{name}",
        }
        release["assets"].append(asset)
        self._reply(201, asset)

    def _download(self, tag: str, name: str) -> None:
        release = self.gh.by_tag(tag)
        asset = None if release is None else next((a for a in release["assets"] if a["name"] == name), None)
        self._reply(200, raw=self.gh.blobs[asset["id"]]) if asset else self._reply(
            404, {"message": "Not Found"}
        )

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    gh = FakeGitHub()
    with running(type("H", (_Handler,), {"gh": gh})) as port:
        gh.url = f"http://127.0.0.1:{port}"
        yield gh
