"""Watches: ``?watch=true`` streams of JSON events (chunked), from a resourceVersion or with
the initial state (``sendInitialEvents`` ends it with a bookmark, as client-go's reflector asks)."""

from __future__ import annotations

import copy
import json
import time
from typing import Any

from .resources import Route
from .store import ApiError, Obj, Store

JSON = "application/json"


class WatchMixin:
    """The watch half of the request handler (``Handler`` supplies query, matcher and output)."""

    query: dict[str, str]
    wfile: Any
    close_connection: bool

    def _watch(self, route: Route, store: Store) -> None:
        match = self._matcher()
        timeout = float(self.query.get("timeoutSeconds") or 1800)
        deadline = time.monotonic() + timeout
        since = self.query.get("resourceVersion") or ""
        initial = self.query.get("sendInitialEvents") == "true"
        bookmarks = self.query.get("allowWatchBookmarks") == "true"
        with store.cond:
            if since and since != "0" and not initial:
                cursor = int(since)
                if store.events and cursor < store.events[0].rv - 1:
                    raise ApiError(
                        410, "Expired", f"too old resource version: {since} ({store.events[0].rv - 1})"
                    )
                backlog: list[Obj] = []
            else:
                items, cursor = store.list(route.rtype, route.ns, match)
                backlog = [{"type": "ADDED", "object": self._versioned(route, i)} for i in items]
        if initial and bookmarks:
            backlog.append(self._bookmark(route, cursor, initial_end=True))
        self.send_response(200)
        self.send_header("Content-Type", JSON)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for event in backlog:
            self._chunk(event)
        self._stream(route, store, match, cursor, deadline)
        self.wfile.write(b"0\r\n\r\n")
        self.close_connection = True

    def _bookmark(self, route: Route, rv: int, initial_end: bool = False) -> Obj:
        meta: Obj = {"resourceVersion": str(rv)}
        if initial_end:
            meta["annotations"] = {"k8s.io/initial-events-end": "true"}
        return {
            "type": "BOOKMARK",
            "object": {
                "kind": route.rtype.kind,
                "apiVersion": route.rtype.api_version(route.version),
                "metadata": meta,
            },
        }

    def _stream(self, route: Route, store: Store, match: Any, cursor: int, deadline: float) -> None:
        while time.monotonic() < deadline:
            with store.cond:
                pending = [e for e in store.events if e.rv > cursor]
                if not pending:
                    if store.closed:
                        return
                    store.cond.wait(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
                    pending = [e for e in store.events if e.rv > cursor]
                if store.closed:
                    return
            for event in pending:
                cursor = event.rv
                if event.rtype.key != route.rtype.key:
                    continue
                if route.ns and event.obj["metadata"].get("namespace") != route.ns:
                    continue
                kind = _seen_as(event.type, match(event.obj), event.previous is None or match(event.previous))
                if kind:
                    self._chunk({"type": kind, "object": self._versioned(route, copy.deepcopy(event.obj))})

    def _chunk(self, event: Obj) -> None:
        data = json.dumps(event).encode() + b"\n"
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()


def _seen_as(kind: str, matches_now: bool, matched_before: bool) -> str | None:
    """What a watch with a selector sees: objects entering the selection are ADDED, leaving it DELETED."""
    if kind == "MODIFIED" and matches_now != matched_before:
        return "ADDED" if matches_now else "DELETED"
    return kind if matches_now else None


def _seen_as(kind: str, matches_now: bool, matched_before: bool) -> str | None:
    """What a watch with a selector sees: objects entering the selection are ADDED, leaving it DELETED."""
    if kind == "MODIFIED" and matches_now != matched_before:
        return "ADDED" if matches_now else "DELETED"
    return kind if matches_now else None
