"""The four patch types of the Kubernetes API.

- JSON patch (RFC 6902), JSON merge patch (RFC 7386);
- strategic merge patch: merge patch plus keyed merging of the well-known lists
  (containers by name, ports by port, ...) and the ``$patch``/``$setElementOrder``
  directives - a fall-back without the per-type schema the real server has;
- server-side apply (``application/apply-patch+yaml``), with field ownership per manager
  (see ``apply``): lists are atomic, which is what the real server does for lists
  without a merge key and close enough for Helm's use.
"""

from __future__ import annotations

import copy
from typing import Any

Obj = dict[str, Any]
Path = tuple[str, ...]


class PatchError(ValueError):
    pass


class ApplyConflict(ValueError):
    def __init__(self, conflicts: list[tuple[str, Path]]) -> None:
        self.conflicts = conflicts
        detail = "; ".join(
            f'conflict with "{m.removeprefix("apply:")}": .{".".join(p)}' for m, p in conflicts
        )
        super().__init__(f"Apply failed with {len(conflicts)} conflict(s): {detail}")


# --- JSON patch ---------------------------------------------------------------------------


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise PatchError(f"invalid JSON pointer {path!r}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _parent(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _get(doc: Any, parts: list[str]) -> Any:
    node = doc
    for part in parts:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _op_remove(doc: Any, parts: list[str]) -> Any:
    parent = _parent(doc, parts)
    if isinstance(parent, list):
        return parent.pop(int(parts[-1]))
    return parent.pop(parts[-1])


def _op_add(doc: Any, parts: list[str], value: Any) -> Any:
    if not parts:
        return value
    parent = _parent(doc, parts)
    if isinstance(parent, list):
        index = len(parent) if parts[-1] == "-" else int(parts[-1])
        parent.insert(index, value)
    else:
        parent[parts[-1]] = value
    return doc


def json_patch(doc: Obj, ops: list[Obj]) -> Obj:
    result: Any = copy.deepcopy(doc)
    try:
        for op in ops:
            kind, parts = op["op"], _pointer(op["path"])
            if kind == "add":
                result = _op_add(result, parts, copy.deepcopy(op["value"]))
            elif kind == "remove":
                _op_remove(result, parts)
            elif kind == "replace":
                _get(result, parts)
                _op_remove(result, parts) if parts else None
                result = _op_add(result, parts, copy.deepcopy(op["value"]))
            elif kind in ("move", "copy"):
                source = _pointer(op["from"])
                value = _op_remove(result, source) if kind == "move" else copy.deepcopy(_get(result, source))
                result = _op_add(result, parts, value)
            elif kind == "test":
                if _get(result, parts) != op["value"]:
                    raise PatchError(f"test failed at {op['path']}")
            else:
                raise PatchError(f"unknown JSON patch op {kind!r}")
    except (KeyError, IndexError, ValueError, TypeError) as exc:
        raise PatchError(f"the JSON patch cannot be applied: {exc}") from exc
    if not isinstance(result, dict):
        raise PatchError("the JSON patch does not yield an object")
    return result


# --- merge patch and strategic merge ------------------------------------------------------


def merge_patch(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


# Merge keys of the lists strategic merge patches most often touch (from the k8s types).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
    "volumeDevices": "devicePath",
    "hostAliases": "ip",
    "conditions": "type",
    "topologySpreadConstraints": "topologyKey",
}


def _list_key(field_name: str, items: list[Any]) -> str | None:
    if field_name == "ports":
        for candidate in ("containerPort", "port"):
            if items and all(isinstance(i, dict) and candidate in i for i in items):
                return candidate
        return None
    return MERGE_KEYS.get(field_name)


def _merge_list(field_name: str, current: Any, patch: list[Any]) -> list[Any]:
    key = _list_key(field_name, patch)
    if key is None or not isinstance(current, list):
        return [strip_directives(copy.deepcopy(p)) for p in patch if not _is_delete(p)]
    result = [copy.deepcopy(c) for c in current]
    for item in patch:
        if not isinstance(item, dict):
            continue
        index = next(
            (i for i, c in enumerate(result) if isinstance(c, dict) and c.get(key) == item.get(key)), None
        )
        if _is_delete(item):
            if index is not None:
                result.pop(index)
        elif index is None:
            result.append(strip_directives(copy.deepcopy(item)))
        else:
            result[index] = strategic_merge(result[index], item)
    return result


def _is_delete(item: Any) -> bool:
    return isinstance(item, dict) and item.get("$patch") == "delete"


def strip_directives(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: strip_directives(v) for k, v in value.items() if not k.startswith("$")}
    if isinstance(value, list):
        return [strip_directives(v) for v in value]
    return value


def strategic_merge(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    if patch.get("$patch") == "replace":
        return strip_directives(copy.deepcopy(patch))
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if key.startswith("$deleteFromPrimitiveList/"):
            name = key.split("/", 1)[1]
            result[name] = [v for v in result.get(name) or [] if v not in value]
        elif key.startswith("$"):
            continue
        elif value is None:
            result.pop(key, None)
        elif isinstance(value, list):
            result[key] = _merge_list(key, result.get(key), value)
        else:
            result[key] = strategic_merge(result.get(key), value)
    return result


# --- server-side apply --------------------------------------------------------------------

# Identity and bookkeeping fields that no manager owns.
_UNOWNED: set[Path] = {
    ("apiVersion",),
    ("kind",),
    ("metadata", "name"),
    ("metadata", "namespace"),
    ("metadata", "resourceVersion"),
    ("metadata", "uid"),
    ("metadata", "generation"),
    ("metadata", "creationTimestamp"),
    ("metadata", "managedFields"),
}


def leaf_paths(obj: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Every leaf of an object: scalars, lists (atomic) and empty maps."""
    if isinstance(obj, dict) and (obj or not prefix):
        out: dict[Path, Any] = {}
        for key, value in obj.items():
            out.update(leaf_paths(value, (*prefix, key)))
        return {p: v for p, v in out.items() if p not in _UNOWNED}
    return {prefix: obj}


def get_path(obj: Any, path: Path) -> tuple[bool, Any]:
    node = obj
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def set_path(obj: Obj, path: Path, value: Any) -> None:
    node = obj
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = copy.deepcopy(value)


def delete_path(obj: Obj, path: Path) -> None:
    node: Any = obj
    trail = []
    for part in path[:-1]:
        if not isinstance(node, dict) or part not in node:
            return
        trail.append((node, part))
        node = node[part]
    if isinstance(node, dict):
        node.pop(path[-1], None)
    # Prune maps left empty by the removal (the applier no longer asks for them).
    for parent, part in reversed(trail):
        if parent[part] == {}:
            del parent[part]
        else:
            break


Ownership = dict[str, set[Path]]


def apply(current: Obj | None, applied: Obj, manager: str, owners: Ownership, *, force: bool) -> Obj:
    """Merge an applied configuration into ``current`` as ``manager``; mutates ``owners``.

    Fields the manager applied before but omits now are removed unless another manager
    owns them too; a field another manager set to a different value is a conflict
    unless ``force``.
    """
    wanted = leaf_paths(applied)
    result = copy.deepcopy(current) if current else {}
    conflicts = []
    for other, paths in owners.items():
        if other == manager:
            continue
        for path in paths & wanted.keys():
            if get_path(result, path) != (True, wanted[path]):
                conflicts.append((other, path))
    if conflicts and not force:
        raise ApplyConflict(sorted(conflicts))
    for path in owners.get(manager, set()) - wanted.keys():
        if not any(path in p for m, p in owners.items() if m != manager):
            delete_path(result, path)
    for path, value in wanted.items():
        set_path(result, path, value)
    for other, path in conflicts:
        owners[other].discard(path)
    owners[manager] = set(wanted)
    return result


def take_ownership(before: Obj | None, after: Obj, manager: str, owners: Ownership) -> None:
    """An update (not an apply) makes its manager own every field it changed."""
    old = leaf_paths(before or {})
    changed = {p for p, v in leaf_paths(after).items() if old.get(p, object()) != v}
    for owned in owners.values():
        owned.difference_update(changed)
    owners.setdefault(manager, set()).update(changed)
    remaining = set(leaf_paths(after))
    for name in list(owners):
        owners[name] &= remaining
        if not owners[name]:
            del owners[name]


def fields_v1(paths: set[Path]) -> Obj:
    """The ``fieldsV1`` form of a set of paths, as shown in metadata.managedFields."""
    tree: Obj = {}
    for path in sorted(paths):
        node = tree
        for part in path:
            node = node.setdefault(f"f:{part}", {})
    return tree
