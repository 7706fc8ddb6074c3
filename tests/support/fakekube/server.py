"""HTTP front of the fake API server: routing, discovery, CRUD, patch, apply, watch, logs.

Plain HTTP on 127.0.0.1 (client-go and the Python client both accept ``http://`` servers
in a kubeconfig). Every response is JSON except pod logs; errors are ``Status`` objects.
"""

from __future__ import annotations

import base64
import contextlib
import json
import socket
import ssl
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import yaml

from . import protobuf
from .discovery import (
    api_resource_list,
    api_versions,
    group_list,
    openapi_v3_group_version,
    openapi_v3_root,
    version_info,
)
from .resources import Route
from .selectors import SelectorError, field_selector, label_selector
from .store import ApiError, Obj, Store
from .watch import WatchMixin
from .writes import WriteMixin, scale_of

JSON = "application/json"


class FakeApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, store: Store, tokens: set[str], tls: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        if tls is not None:
            self.socket = tls.wrap_socket(self.socket, server_side=True)
        self.store = store
        self.tokens = tokens
        self.requests: list[tuple[str, str]] = []
        self.connections: set[socket.socket] = set()
        self.errors: list[str] = []

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that vanish mid-request (a killed pipeline) are normal; keep other errors for tests."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            self.errors.append(repr(error))

    def close_connections(self) -> None:
        """Drop kept-alive client connections too: a stopped server must look down."""
        for conn in list(self.connections):
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class Handler(WatchMixin, WriteMixin, BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: FakeApiServer

    def setup(self) -> None:
        super().setup()
        self.server.connections.add(self.connection)

    def finish(self) -> None:
        self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read server.requests
        pass

    # --- plumbing ------------------------------------------------------------------------

    def _send(self, code: int, body: Any, content_type: str = JSON) -> None:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, error: ApiError) -> None:
        self._send(error.code, error.status())

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not raw:
            return {}
        if raw.startswith(protobuf.MAGIC):
            try:
                return protobuf.decode(raw)
            except (protobuf.ProtobufError, UnicodeDecodeError) as exc:
                raise ApiError(415, "UnsupportedMediaType", str(exc)) from exc
        try:
            return json.loads(raw)
        except ValueError:
            try:
                return yaml.safe_load(raw)
            except yaml.YAMLError as exc:
                raise ApiError(
                    400, "BadRequest", f"the body of the request was in an unknown format: {exc}"
                ) from exc

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.server.requests.append((method, self.path))
        try:
            self._authenticate()
            self._route(method, [p for p in parts.path.split("/") if p])
        except ApiError as error:
            self._error(error)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _authenticate(self) -> None:
        if not self.server.tokens:
            return
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header[7:] not in self.server.tokens:
            raise ApiError(401, "Unauthorized", "Unauthorized")

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    # --- routing -------------------------------------------------------------------------

    def _route(self, method: str, segs: list[str]) -> None:
        store = self.server.store
        if method == "GET" and self._discovery(segs, store):
            return
        route = self._resolve(segs, store)
        if route is None:
            raise ApiError(404, "NotFound", "the server could not find the requested resource")
        handler = {
            "GET": self._get,
            "POST": self._create,
            "PUT": self._update,
            "PATCH": self._patch,
            "DELETE": self._delete,
        }[method]
        handler(route, store)

    def _discovery(self, segs: list[str], store: Store) -> bool:
        with store.cond:
            registry = store.registry
            if segs in (["version"], ["version", ""]):
                self._send(200, version_info())
            elif segs in (["healthz"], ["readyz"], ["livez"]):
                self._send(200, b"ok", "text/plain")
            elif segs == ["api"]:
                self._send(200, api_versions())
            elif segs == ["apis"]:
                self._send(200, group_list(registry))
            elif segs == ["openapi", "v3"]:
                self._send(200, openapi_v3_root(registry))
            elif segs[:2] == ["openapi", "v3"] and len(segs) in (4, 5):
                group, version = (segs[3], segs[4]) if segs[2] == "apis" else ("", segs[3])
                self._send(200, openapi_v3_group_version(registry, group, version))
            elif segs == ["api", "v1"]:
                self._send(200, api_resource_list(registry, "", "v1"))
            elif len(segs) == 2 and segs[0] == "apis" and segs[1] in registry.groups():
                self._send(200, group_list(registry, only=segs[1]))
            elif len(segs) == 3 and segs[0] == "apis" and segs[2] in registry.groups().get(segs[1], []):
                self._send(200, api_resource_list(registry, segs[1], segs[2]))
            else:
                return False
        return True

    def _resolve(self, segs: list[str], store: Store) -> Route | None:
        if segs[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", segs[2:]
        elif len(segs) >= 3 and segs[0] == "apis":
            group, version, rest = segs[1], segs[2], segs[3:]
        else:
            return None
        if rest[:1] == ["watch"]:  # the legacy /watch/ prefix
            self.query["watch"] = "true"
            rest = rest[1:]
        ns = ""
        if len(rest) >= 3 and rest[0] == "namespaces" and rest[2] not in ("status", "finalize"):
            ns, rest = rest[1], rest[2:]
        if not rest or len(rest) > 3:
            return None
        with store.cond:
            rtype = store.registry.lookup(group, version, rest[0])
        if rtype is None or (ns and not rtype.namespaced):
            return None
        name = rest[1] if len(rest) > 1 else ""
        sub = rest[2] if len(rest) > 2 else ""
        if sub and sub not in rtype.subresources and sub != "finalize":
            return None
        return Route(rtype, version, ns, name, sub)

    def _versioned(self, route: Route, obj: Obj) -> Obj:
        obj["apiVersion"] = route.rtype.api_version(route.version)
        return obj

    def _dry_run(self) -> bool:
        return bool(self.query.get("dryRun"))

    def _manager(self, default: str) -> str:
        agent = (self.headers.get("User-Agent") or default).split("/")[0]
        return self.query.get("fieldManager") or agent

    # --- verbs ---------------------------------------------------------------------------

    def _get(self, route: Route, store: Store) -> None:
        if not route.name:
            if self.query.get("watch") in ("true", "1"):
                self._watch(route, store)
            else:
                self._list(route, store)
            return
        if route.sub == "log":
            self._log(route, store)
            return
        obj = store.get(route.rtype, route.ns, route.name)
        if route.sub == "scale":
            self._send(200, scale_of(obj))
            return
        self._send(200, self._versioned(route, obj))

    def _matcher(self) -> Any:
        try:
            labels = label_selector(self.query.get("labelSelector"))
            fields = field_selector(self.query.get("fieldSelector"))
        except SelectorError as exc:
            raise ApiError(400, "BadRequest", str(exc)) from exc
        return lambda obj: labels(obj) and fields(obj)

    def _list(self, route: Route, store: Store) -> None:
        items, rv = store.list(route.rtype, route.ns, self._matcher())
        metadata: Obj = {"resourceVersion": str(rv)}
        offset = _offset(self.query.get("continue"))
        limit = int(self.query.get("limit") or 0)
        items = items[offset:]
        if limit and len(items) > limit:
            # Pages are cut from a fresh list each time (the real server serves a snapshot).
            items = items[:limit]
            metadata["continue"] = base64.urlsafe_b64encode(
                json.dumps({"offset": offset + limit}).encode()
            ).decode()
            metadata["remainingItemCount"] = (
                len(store.list(route.rtype, route.ns, self._matcher())[0]) - offset - limit
            )
        self._send(
            200,
            {
                "kind": route.rtype.list_kind,
                "apiVersion": route.rtype.api_version(route.version),
                "metadata": metadata,
                "items": [self._versioned(route, i) for i in items],
            },
        )

    def _log(self, route: Route, store: Store) -> None:
        store.get(route.rtype, route.ns, route.name)
        key = (route.ns, route.name + ("#previous" if self.query.get("previous") == "true" else ""))
        with store.cond:
            text = store.pod_logs.get(key)
        if text is None and key[1].endswith("#previous"):
            raise ApiError(
                400, "BadRequest", f'previous terminated container not found in pod "{route.name}"'
            )
        self._send(200, (text or "").encode(), "text/plain")


def _offset(token: str | None) -> int:
    if not token:
        return 0
    try:
        return int(json.loads(base64.urlsafe_b64decode(token.encode()))["offset"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ApiError(400, "BadRequest", f"invalid continue token: {exc}") from exc


def serve(
    store: Store, tokens: set[str], tls: ssl.SSLContext | None = None
) -> tuple[FakeApiServer, threading.Thread]:
    server = FakeApiServer(store, tokens, tls)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fakekube", daemon=True
    )
    thread.start()
    return server, thread
