"""The object store behind the fake API server: objects, resourceVersions, watch events.

One lock guards everything; a condition wakes watchers on every change. Semantics follow
the real API server where clients can tell: resourceVersion conflicts, generation bumps on
spec changes only, status held by the status subresource, namespaces that terminate
before they go, finalizers that hold deletion, owner references that cascade.
"""

from __future__ import annotations

import copy
import datetime as dt
import secrets
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import patching
from .api_errors import ApiError
from .defaults import apply_defaults, check_immutable, spec_of
from .resources import Registry, ResourceType, from_crd

Obj = dict[str, Any]
Listener = Callable[[str, ResourceType, Obj], None]
DEFAULT_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
# Kinds the real server gives no metadata.generation.
_NO_GENERATION = {"Secret", "ConfigMap", "Event", "Namespace", "ServiceAccount", "Endpoints", "Lease"}
MAX_EVENTS = 50_000


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def qualified(rtype: ResourceType) -> str:
    return f"{rtype.plural}.{rtype.group}" if rtype.group else rtype.plural


def not_found(rtype: ResourceType, name: str) -> ApiError:
    details = {"name": name, "group": rtype.group, "kind": rtype.plural}
    return ApiError(404, "NotFound", f'{qualified(rtype)} "{name}" not found', details)


@dataclass
class Event:
    rv: int
    type: str
    rtype: ResourceType
    obj: Obj
    previous: Obj | None = None  # for MODIFIED: the object before (watches with selectors need it)


class Store:
    def __init__(self, namespace_delete_delay: float = 0.2) -> None:
        self.cond = threading.Condition()
        self.registry = Registry.builtin()
        self.objects: dict[tuple[str, str], dict[tuple[str, str], Obj]] = {}
        self.owners: dict[tuple[str, str, str, str], patching.Ownership] = {}
        self.events: list[Event] = []
        self.rv = 1
        self.pod_logs: dict[tuple[str, str], str] = {}
        self.listeners: list[Listener] = []
        self.namespace_delete_delay = namespace_delete_delay
        self.closed = False
        ns_type = self.type_of("", "Namespace")
        for name in DEFAULT_NAMESPACES:
            self.create(ns_type, "", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})

    # --- lookups -------------------------------------------------------------------------

    def type_of(self, group: str, kind: str) -> ResourceType:
        found = self.registry.by_kind(group, kind)
        if found is None:
            raise KeyError(f"{group}/{kind}")
        return found

    def _bucket(self, rtype: ResourceType) -> dict[tuple[str, str], Obj]:
        return self.objects.setdefault(rtype.key, {})

    def get(self, rtype: ResourceType, ns: str, name: str) -> Obj:
        with self.cond:
            obj = self._bucket(rtype).get((ns, name))
            if obj is None:
                raise not_found(rtype, name)
            return copy.deepcopy(obj)

    def list(self, rtype: ResourceType, ns: str, match: Callable[[Obj], bool]) -> tuple[list[Obj], int]:
        with self.cond:
            items = [
                copy.deepcopy(o)
                for (o_ns, _), o in sorted(self._bucket(rtype).items())
                if (not ns or o_ns == ns) and match(o)
            ]
            return items, self.rv

    # --- writes --------------------------------------------------------------------------

    def _record(self, kind: str, rtype: ResourceType, obj: Obj, previous: Obj | None = None) -> None:
        self.events.append(Event(self.rv, kind, rtype, copy.deepcopy(obj), copy.deepcopy(previous)))
        if len(self.events) > MAX_EVENTS:
            del self.events[: MAX_EVENTS // 10]
        self.cond.notify_all()

    def _notify(self, kind: str, rtype: ResourceType, obj: Obj) -> None:
        # Called under the (reentrant) lock: listeners must only schedule work, never block.
        for listener in list(self.listeners):
            listener(kind, rtype, copy.deepcopy(obj))

    def _check_namespace(self, rtype: ResourceType, ns: str) -> None:
        if not rtype.namespaced:
            return
        namespace = self._bucket(self.type_of("", "Namespace")).get(("", ns))
        if namespace is None:
            raise ApiError(
                404, "NotFound", f'namespaces "{ns}" not found', {"name": ns, "kind": "namespaces"}
            )
        if namespace["metadata"].get("deletionTimestamp"):
            raise ApiError(
                403,
                "Forbidden",
                f"{rtype.plural} is forbidden: unable to create new content in namespace {ns} "
                "because it is being terminated",
            )

    def _stamp(self, rtype: ResourceType, obj: Obj, manager: str) -> None:
        self.rv += 1
        meta = obj["metadata"]
        meta["resourceVersion"] = str(self.rv)
        key = (rtype.group, rtype.plural, meta.get("namespace", ""), meta["name"])
        owners = self.owners.get(key, {})
        meta["managedFields"] = [
            {
                "manager": name,
                "operation": "Apply" if name.startswith("apply:") else "Update",
                "apiVersion": obj.get("apiVersion", ""),
                "time": now(),
                "fieldsType": "FieldsV1",
                "fieldsV1": patching.fields_v1(paths),
            }
            for name, paths in sorted(owners.items())
        ]
        for entry in meta["managedFields"]:
            entry["manager"] = entry["manager"].removeprefix("apply:")
        if not meta["managedFields"]:
            del meta["managedFields"]

    def create(self, rtype: ResourceType, ns: str, body: Obj, manager: str = "unknown") -> Obj:
        with self.cond:
            obj = self._prepare_new(rtype, ns, body)
            self._check_namespace(rtype, ns)
            key = (ns, obj["metadata"]["name"])
            if key in self._bucket(rtype):
                name = key[1]
                raise ApiError(
                    409, "AlreadyExists", f'{qualified(rtype)} "{name}" already exists', {"name": name}
                )
            owner_key = (rtype.group, rtype.plural, ns, key[1])
            self.owners[owner_key] = {}
            patching.take_ownership(None, obj, manager, self.owners[owner_key])
            self._stamp(rtype, obj, manager)
            self._bucket(rtype)[key] = obj
            self._on_stored(rtype, obj)
            self._record("ADDED", rtype, obj)
            self._notify("ADDED", rtype, obj)
            return copy.deepcopy(obj)

    def _prepare_new(self, rtype: ResourceType, ns: str, body: Obj) -> Obj:
        obj = copy.deepcopy(body)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = meta["generateName"] + secrets.token_hex(3)[:5]
        if not meta.get("name"):
            raise ApiError(
                422, "Invalid", f"{rtype.kind} is invalid: metadata.name: Required value: name is required"
            )
        if rtype.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise ApiError(
                    400,
                    "BadRequest",
                    "the namespace of the provided object does not match the namespace sent on the request",
                )
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        obj["apiVersion"] = obj.get("apiVersion") or rtype.api_version()
        obj["kind"] = rtype.kind
        meta["uid"] = str(uuid.uuid4())
        meta["creationTimestamp"] = now()
        for transient in ("resourceVersion", "deletionTimestamp", "managedFields"):
            meta.pop(transient, None)
        if rtype.kind not in _NO_GENERATION:
            meta["generation"] = 1
        if "status" in rtype.subresources and rtype.kind not in ("Namespace",):
            obj.pop("status", None)
        apply_defaults(rtype, obj)
        return obj

    def _on_stored(self, rtype: ResourceType, obj: Obj) -> None:
        """Side effects of storing an object: a CRD makes its kind servable."""
        if rtype.kind == "CustomResourceDefinition" and rtype.group == "apiextensions.k8s.io":
            served = from_crd(obj)
            if served is not None:
                self.registry.types[served.key] = served
                obj["status"] = {
                    "conditions": [
                        {
                            "type": "NamesAccepted",
                            "status": "True",
                            "reason": "NoConflicts",
                            "lastTransitionTime": now(),
                        },
                        {
                            "type": "Established",
                            "status": "True",
                            "reason": "InitialNamesAccepted",
                            "lastTransitionTime": now(),
                        },
                    ],
                    "acceptedNames": obj["spec"]["names"],
                    "storedVersions": [served.versions[0]],
                }

    def replace(
        self,
        rtype: ResourceType,
        ns: str,
        name: str,
        mutate: Callable[[Obj], Obj],
        *,
        subresource: str = "",
        manager: str = "unknown",
        check_rv: bool = True,
        dry_run: bool = False,
    ) -> Obj:
        """Update an object with ``mutate(current) -> new`` (PUT, PATCH and apply all end here)."""
        with self.cond:
            current = self._bucket(rtype).get((ns, name))
            if current is None:
                raise not_found(rtype, name)
            new = mutate(copy.deepcopy(current))
            new_rv = (new.get("metadata") or {}).get("resourceVersion")
            if check_rv and new_rv and new_rv != current["metadata"]["resourceVersion"]:
                raise ApiError(
                    409,
                    "Conflict",
                    f'Operation cannot be fulfilled on {qualified(rtype)} "{name}": the object has been '
                    "modified; please apply your changes to the latest version and try again",
                    {"name": name},
                )
            obj = self._merge_update(rtype, current, new, subresource)
            if dry_run:
                obj["metadata"]["resourceVersion"] = current["metadata"]["resourceVersion"]
                return obj
            owners = self.owners.setdefault((rtype.group, rtype.plural, ns, name), {})
            if not manager.startswith("apply:"):
                patching.take_ownership(current, obj, manager, owners)
            if obj == current:
                return copy.deepcopy(current)  # a no-op update keeps the resourceVersion
            return self._commit_update(rtype, ns, name, obj, manager)

    def _commit_update(self, rtype: ResourceType, ns: str, name: str, obj: Obj, manager: str) -> Obj:
        meta = obj["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers") and rtype.kind != "Namespace":
            return self._remove(rtype, ns, name)
        self._stamp(rtype, obj, manager)
        previous = self._bucket(rtype).get((ns, name))
        self._bucket(rtype)[(ns, name)] = obj
        self._on_stored(rtype, obj)
        self._record("MODIFIED", rtype, obj, previous)
        self._notify("MODIFIED", rtype, obj)
        return copy.deepcopy(obj)

    def _merge_update(self, rtype: ResourceType, current: Obj, new: Obj, subresource: str) -> Obj:
        meta, old_meta = new.setdefault("metadata", {}), current["metadata"]
        for fixed in ("uid", "creationTimestamp", "namespace", "name", "deletionTimestamp", "generation"):
            if fixed in old_meta:
                meta[fixed] = old_meta[fixed]
            else:
                meta.pop(fixed, None)
        new["apiVersion"], new["kind"] = current["apiVersion"], current["kind"]
        if subresource == "status":
            result = copy.deepcopy(current)
            result["status"] = new.get("status")
            if result["status"] is None:
                result.pop("status")
            return result
        if "status" in rtype.subresources and rtype.kind != "Namespace":
            if "status" in current:
                new["status"] = copy.deepcopy(current["status"])
            else:
                new.pop("status", None)
        apply_defaults(rtype, new)
        check_immutable(rtype, current, new)
        if "generation" in old_meta and spec_of(new) != spec_of(current):
            meta["generation"] = old_meta["generation"] + 1
        return new

    def apply(
        self,
        rtype: ResourceType,
        ns: str,
        name: str,
        body: Obj,
        manager: str,
        *,
        force: bool,
        subresource: str = "",
        dry_run: bool = False,
    ) -> tuple[Obj, bool]:
        """Server-side apply; returns (object, created)."""
        key = (rtype.group, rtype.plural, ns, name)
        with self.cond:
            exists = (ns, name) in self._bucket(rtype)
            if not exists:
                owners: patching.Ownership = {}
                merged = patching.apply(None, body, "apply:" + manager, owners, force=force)
                merged.setdefault("metadata", {})["name"] = name
                if dry_run:
                    return self.dry_create(rtype, ns, merged), True
                created = self.create(rtype, ns, merged, manager="apply:" + manager)
                stored = self._bucket(rtype)[(ns, name)]
                self.owners[key] = owners
                self._stamp(rtype, stored, manager)
                created["metadata"] = copy.deepcopy(stored["metadata"])
                return created, True

            def mutate(current: Obj) -> Obj:
                owners = self.owners.setdefault(key, {})
                owners = copy.deepcopy(owners) if dry_run else owners
                new = patching.apply(current, body, "apply:" + manager, owners, force=force)
                new["metadata"].pop("resourceVersion", None)
                if body.get("metadata", {}).get("resourceVersion"):
                    new["metadata"]["resourceVersion"] = body["metadata"]["resourceVersion"]
                return new

            obj = self.replace(
                rtype, ns, name, mutate, subresource=subresource, manager="apply:" + manager, dry_run=dry_run
            )
            return obj, False

    def dry_create(self, rtype: ResourceType, ns: str, body: Obj) -> Obj:
        """What ``create`` would store, without storing it (``?dryRun=All``)."""
        with self.cond:
            obj = self._prepare_new(rtype, ns, body)
            self._check_namespace(rtype, ns)
            if (ns, obj["metadata"]["name"]) in self._bucket(rtype):
                name = obj["metadata"]["name"]
                raise ApiError(
                    409, "AlreadyExists", f'{qualified(rtype)} "{name}" already exists', {"name": name}
                )
            return obj

    def delete(self, rtype: ResourceType, ns: str, name: str) -> Obj:
        with self.cond:
            obj = self._bucket(rtype).get((ns, name))
            if obj is None:
                raise not_found(rtype, name)
            if rtype.kind == "Namespace":
                return self._terminate_namespace(rtype, obj)
            if obj["metadata"].get("finalizers"):
                if not obj["metadata"].get("deletionTimestamp"):
                    obj["metadata"]["deletionTimestamp"] = now()
                    self._stamp(rtype, obj, "")
                    self._record("MODIFIED", rtype, obj)
                return copy.deepcopy(obj)
            return self._remove(rtype, ns, name)

    def _remove(self, rtype: ResourceType, ns: str, name: str) -> Obj:
        obj = self._bucket(rtype).pop((ns, name))
        self.owners.pop((rtype.group, rtype.plural, ns, name), None)
        self.pod_logs.pop((ns, name), None) if rtype.kind == "Pod" else None
        self.rv += 1
        obj["metadata"]["resourceVersion"] = str(self.rv)
        self._record("DELETED", rtype, obj)
        if rtype.kind == "CustomResourceDefinition":
            served = from_crd(obj)
            if served is not None:
                self.registry.types.pop(served.key, None)
                self.objects.pop(served.key, None)
        self._cascade(obj)
        return copy.deepcopy(obj)

    def _cascade(self, owner: Obj) -> None:
        """Garbage collection: objects owned (ownerReferences) by a deleted object go too."""
        uid = owner["metadata"]["uid"]
        for rtype in list(self.registry.types.values()):
            for (o_ns, o_name), obj in list(self._bucket(rtype).items()):
                refs = obj["metadata"].get("ownerReferences") or []
                if any(r.get("uid") == uid for r in refs) and (o_ns, o_name) in self._bucket(rtype):
                    self._remove(rtype, o_ns, o_name)

    def _terminate_namespace(self, rtype: ResourceType, ns_obj: Obj) -> Obj:
        name = ns_obj["metadata"]["name"]
        if not ns_obj["metadata"].get("deletionTimestamp"):
            ns_obj["metadata"]["deletionTimestamp"] = now()
            ns_obj["status"] = {"phase": "Terminating"}
            self._stamp(rtype, ns_obj, "")
            self._record("MODIFIED", rtype, ns_obj)
            timer = threading.Timer(self.namespace_delete_delay, self._finish_namespace, (name,))
            timer.daemon = True
            timer.start()
        return copy.deepcopy(ns_obj)

    def _finish_namespace(self, name: str) -> None:
        with self.cond:
            if self.closed:
                return
            for rtype in list(self.registry.types.values()):
                if rtype.namespaced:
                    for o_ns, o_name in [k for k in self._bucket(rtype) if k[0] == name]:
                        if (o_ns, o_name) in self._bucket(rtype):
                            self._remove(rtype, o_ns, o_name)
            ns_type = self.type_of("", "Namespace")
            if ("", name) in self._bucket(ns_type):
                self._remove(ns_type, "", name)

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()
