"""Discovery documents: /version, /api, /apis, /apis/<group>, and the APIResourceLists.

Only the legacy (non-aggregated) forms: client-go asks for aggregated discovery first
and falls back to these when the response's Content-Type is plain JSON.
"""

from __future__ import annotations

from typing import Any

from .resources import ALL_VERBS, Registry

Obj = dict[str, Any]
SERVER_ADDRESS = [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]


def version_info() -> Obj:
    return {
        "major": "1",
        "minor": "32",
        "gitVersion": "v1.32.0-fakekube",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2026-01-01T00:00:00Z",
        "goVersion": "go1.23.0",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions() -> Obj:
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": SERVER_ADDRESS}


def _group(name: str, versions: list[str]) -> Obj:
    entries = [{"groupVersion": f"{name}/{v}", "version": v} for v in versions]
    return {"name": name, "versions": entries, "preferredVersion": entries[0]}


def group_list(registry: Registry, only: str | None = None) -> Obj:
    groups = registry.groups()
    if only is not None:
        return {"kind": "APIGroup", "apiVersion": "v1", **_group(only, groups[only])}
    return {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [_group(n, v) for n, v in sorted(groups.items())],
    }


def api_resource_list(registry: Registry, group: str, version: str) -> Obj:
    resources: list[Obj] = []
    for rtype in registry.in_group_version(group, version):
        resources.append(
            {
                "name": rtype.plural,
                "singularName": rtype.singular,
                "namespaced": rtype.namespaced,
                "kind": rtype.kind,
                "verbs": ALL_VERBS,
                **({"shortNames": list(rtype.short_names)} if rtype.short_names else {}),
            }
        )
        for sub in rtype.subresources:
            kind = "Scale" if sub == "scale" else rtype.kind
            verbs = ["get"] if sub == "log" else ["get", "patch", "update"]
            resources.append(
                {
                    "name": f"{rtype.plural}/{sub}",
                    "singularName": "",
                    "namespaced": rtype.namespaced,
                    "kind": kind,
                    "verbs": verbs,
                }
            )
    group_version = f"{group}/{version}" if group else version
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": group_version,
        "resources": resources,
    }


def openapi_v3_root(registry: Registry) -> Obj:
    """The /openapi/v3 index: one document per group-version."""
    paths = {}
    for group, versions in [("", ["v1"]), *registry.groups().items()]:
        for version in versions:
            prefix = f"apis/{group}/{version}" if group else f"api/{version}"
            paths[prefix] = {"serverRelativeURL": f"/openapi/v3/{prefix}?hash=fakekube"}
    return {"paths": paths}


def openapi_v3_group_version(registry: Registry, group: str, version: str) -> Obj:
    """A group-version document with just enough for clients to see that the server validates
    fields itself (a PATCH operation per kind that takes ``fieldValidation``), so they skip
    client-side schema validation; schemas are omitted: the fake accepts any field."""
    paths: Obj = {}
    for rtype in registry.in_group_version(group, version):
        base = f"/apis/{group}/{version}" if group else f"/api/{version}"
        scope = "/namespaces/{namespace}" if rtype.namespaced else ""
        operation = {
            "operationId": f"patch{rtype.kind}",
            "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": rtype.kind},
            "x-kubernetes-action": "patch",
            "parameters": [
                {"name": name, "in": "query", "schema": {"type": "string", "uniqueItems": True}}
                for name in ("dryRun", "fieldManager", "fieldValidation", "force")
            ],
            "responses": {"200": {"description": "OK"}},
        }
        paths[f"{base}{scope}/{rtype.plural}/{{name}}"] = {"patch": operation}
    return {
        "openapi": "3.0.0",
        "info": {"title": "Kubernetes", "version": "v1.32.0"},
        "paths": paths,
        "components": {"schemas": {}},
    }
