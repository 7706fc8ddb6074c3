"""A tiny chart repository server on 127.0.0.1 for tests: serves a directory, optional auth, counts hits."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

from tests.support.localhttp import running


@dataclass
class RepoServer:
    root: Path
    url: str
    hits: list[str] = field(default_factory=list)
    username: str | None = None
    password: str | None = None
    token: str | None = None


class _Handler(SimpleHTTPRequestHandler):
    server_state: RepoServer

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        return

    def do_GET(self) -> None:
        state = self.server_state
        if not self._authorised(state):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="charts"')
            self.end_headers()
            return
        state.hits.append(self.path)
        super().do_GET()

    def _authorised(self, state: RepoServer) -> bool:
        header = self.headers.get("Authorization", "")
        if state.token is not None:
            return header == f"Bearer {state.token}"
        if state.username is not None:
            expected = base64.b64encode(f"{state.username}:{state.password}".encode()).decode()
            return header == f"Basic {expected}"
        return True


@contextmanager
def serve(root: Path, **auth: str) -> Iterator[RepoServer]:
    state = RepoServer(root, "", **auth)
    handler = type("Handler", (_Handler,), {"server_state": state})
    with running(partial(handler, directory=str(root))) as port:
        state.url = f"http://127.0.0.1:{port}"
        yield state
