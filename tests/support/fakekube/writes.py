"""Writes: create (POST), update (PUT), the four patch types (PATCH), server-side apply, delete
and deletecollection (DELETE), including the scale subresource and ``?dryRun=All``."""

from __future__ import annotations

import contextlib
from typing import Any

from . import patching
from .resources import Route
from .store import ApiError, Obj, Store


class WriteMixin:
    """The writing half of the request handler (``Handler`` supplies body, query and output)."""

    query: dict[str, str]
    headers: Any

    def _create(self, route: Route, store: Store) -> None:
        if route.name:
            raise ApiError(405, "MethodNotAllowed", "POST to a named resource is not supported")
        body = self._body()
        if self._dry_run():
            obj = store.dry_create(route.rtype, route.ns, body)
        else:
            obj = store.create(route.rtype, route.ns, body, manager=self._manager("unknown"))
        self._send(201, self._versioned(route, obj))

    def _update(self, route: Route, store: Store) -> None:
        body = self._body()
        if not isinstance(body, dict):
            raise ApiError(400, "BadRequest", "the body of the request must be an object")
        if route.sub == "scale":
            replicas = (body.get("spec") or {}).get("replicas", 0)
            obj = store.replace(route.rtype, route.ns, route.name, lambda cur: _with_replicas(cur, replicas))
            self._send(200, scale_of(obj))
            return
        obj = store.replace(
            route.rtype,
            route.ns,
            route.name,
            lambda current: body,
            subresource=route.sub,
            manager=self._manager("unknown"),
            dry_run=self._dry_run(),
        )
        self._send(200, self._versioned(route, obj))

    def _patch(self, route: Route, store: Store) -> None:
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        patch = self._body()
        if content_type == "application/apply-patch+yaml":
            self._apply(route, store, patch)
            return
        functions = {
            "application/json-patch+json": patching.json_patch,
            "application/merge-patch+json": patching.merge_patch,
            "application/strategic-merge-patch+json": patching.strategic_merge,
        }
        function = functions.get(content_type)
        if function is None:
            raise ApiError(
                415,
                "UnsupportedMediaType",
                f"the body of the request was in an unknown format: {content_type}",
            )

        def mutate(current: Obj) -> Obj:
            try:
                new = function(current, patch)
            except patching.PatchError as exc:
                raise ApiError(422, "Invalid", str(exc)) from exc
            if (
                (patch.get("metadata") or {}).get("resourceVersion") is None
                if isinstance(patch, dict)
                else True
            ):
                new.setdefault("metadata", {}).pop("resourceVersion", None)
            return dict(new)

        if route.sub == "scale":
            replicas = (patch.get("spec") or {}).get("replicas", 0)
            obj = store.replace(route.rtype, route.ns, route.name, lambda cur: _with_replicas(cur, replicas))
            self._send(200, scale_of(obj))
            return
        obj = store.replace(
            route.rtype,
            route.ns,
            route.name,
            mutate,
            subresource=route.sub,
            manager=self._manager("unknown"),
            dry_run=self._dry_run(),
        )
        self._send(200, self._versioned(route, obj))

    def _apply(self, route: Route, store: Store, body: Any) -> None:
        if not isinstance(body, dict):
            raise ApiError(400, "BadRequest", "the apply configuration must be an object")
        manager = self.query.get("fieldManager")
        if not manager:
            raise ApiError(
                422,
                "Invalid",
                "PatchOptions.meta.k8s.io is invalid: fieldManager: Required value: "
                "is required for apply patch",
            )
        force = self.query.get("force") in ("true", "1")
        try:
            obj, created = store.apply(
                route.rtype,
                route.ns,
                route.name,
                body,
                manager,
                force=force,
                subresource=route.sub,
                dry_run=self._dry_run(),
            )
        except patching.ApplyConflict as exc:
            raise ApiError(409, "Conflict", str(exc)) from exc
        self._send(201 if created else 200, self._versioned(route, obj))

    def _delete(self, route: Route, store: Store) -> None:
        options = self._body()
        dry_run = self._dry_run() or bool(isinstance(options, dict) and options.get("dryRun"))
        if not route.name:
            items, rv = store.list(route.rtype, route.ns, self._matcher())
            if not dry_run:
                for item in items:
                    meta = item["metadata"]
                    with contextlib.suppress(ApiError):  # deleted concurrently
                        store.delete(route.rtype, meta.get("namespace", ""), meta["name"])
            self._send(
                200,
                {
                    "kind": route.rtype.list_kind,
                    "apiVersion": route.rtype.api_version(route.version),
                    "metadata": {"resourceVersion": str(rv)},
                    "items": items,
                },
            )
            return
        preconditions = (options or {}).get("preconditions") or {} if isinstance(options, dict) else {}
        current = store.get(route.rtype, route.ns, route.name)
        for field in ("uid", "resourceVersion"):
            actual = current["metadata"].get(field)
            if preconditions.get(field) and preconditions[field] != actual:
                wanted = preconditions[field]
                message = f"Precondition failed: {field} in precondition: {wanted}, in object meta: {actual}"
                raise ApiError(409, "Conflict", message)
        obj = current if dry_run else store.delete(route.rtype, route.ns, route.name)
        self._send(200, self._versioned(route, obj))


def scale_of(obj: Obj) -> Obj:
    meta = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            k: meta[k]
            for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in meta
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 0)},
        "status": {"replicas": (obj.get("status") or {}).get("replicas", 0)},
    }


def _with_replicas(current: Obj, replicas: int) -> Obj:
    current.setdefault("spec", {})["replicas"] = replicas
    current["metadata"].pop("resourceVersion", None)
    return current
