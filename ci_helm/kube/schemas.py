"""Offline Kubernetes OpenAPI JSON schemas, one compiled validator per (version, apiVersion, kind).

The schema files come from the PyPI package ``kubernetes-validate`` (one directory per
Kubernetes minor release, ``-strict`` variants forbid unknown fields). We read them
directly with ``jsonschema`` instead of calling ``kubernetes_validate.validate``, which
re-reads and re-parses the 1 MB definitions file for every object: here each version's
definitions are parsed once and each kind's validator is compiled once per process.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "KubeVersion",
    "SchemaStore",
    "SchemaViolation",
    "available_versions",
    "parse_kube_version",
]

_DEFINITIONS_URI = "/api/_definitions.json"
_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.\d+-local$")
_VERSION_TEXT = re.compile(r"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+].*)?$")


@dataclass(frozen=True, order=True)
class KubeVersion:
    """A Kubernetes minor release (patch kept only for display and for Helm's KubeVersion)."""

    major: int
    minor: int
    patch: int = 0

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}"

    @property
    def full(self) -> str:
        return f"v{self.major}.{self.minor}.{self.patch}"


def parse_kube_version(text: str) -> KubeVersion:
    """``1.29``, ``v1.29.3`` or ``1.29.3-gke.1`` → ``KubeVersion(1, 29, 3)``."""
    match = _VERSION_TEXT.match(text.strip())
    if match is None:
        raise ValueError(f"not a Kubernetes version: {text!r} (expected e.g. 1.31 or v1.31.2)")
    return KubeVersion(int(match[1]), int(match[2]), int(match[3] or 0))


def _schema_root() -> Path:
    return Path(str(resources.files("kubernetes_validate"))) / "kubernetes-json-schema"


@cache
def available_versions() -> tuple[KubeVersion, ...]:
    """Kubernetes minor releases with bundled schemas, oldest first."""
    found = []
    for entry in _schema_root().iterdir():
        match = _VERSION_DIR.match(entry.name)
        if match:
            found.append(KubeVersion(int(match[1]), int(match[2])))
    return tuple(sorted(found))


@dataclass(frozen=True)
class SchemaViolation:
    """One schema error inside one object, with the JSON path of the offending field."""

    path: str  # e.g. "spec.template.spec.containers[0].ports[0].containerPort"
    message: str


class SchemaStore:
    """Compiled validators for built-in kinds, shared by every thread of a run."""

    def __init__(self, *, strict: bool = True, root: Path | None = None) -> None:
        self._strict = strict
        self._root = root or _schema_root()
        self._lock = threading.Lock()
        self._registries: dict[KubeVersion, Registry[Any]] = {}
        self._validators: dict[tuple[KubeVersion, str, str], jsonschema.protocols.Validator | None] = {}

    def schema_version(self, version: KubeVersion) -> KubeVersion | None:
        """The bundled release used for ``version``: the same minor, else ``None`` (not bundled)."""
        for v in available_versions():
            if (v.major, v.minor) == (version.major, version.minor):
                return v
        return None

    def has_schema(self, version: KubeVersion, api_version: str, kind: str) -> bool:
        return self.validator(version, api_version, kind) is not None

    def validate(self, version: KubeVersion, obj: dict[str, Any]) -> Iterator[SchemaViolation] | None:
        """Violations of ``obj`` (``None`` when no bundled schema covers its kind)."""
        validator = self.validator(version, str(obj.get("apiVersion", "")), str(obj.get("kind", "")))
        if validator is None:
            return None
        return (_violation(e) for e in validator.iter_errors(obj))

    def validator(
        self, version: KubeVersion, api_version: str, kind: str
    ) -> jsonschema.protocols.Validator | None:
        key = (version, api_version, kind)
        with self._lock:
            if key not in self._validators:
                self._validators[key] = self._compile(version, api_version, kind)
            return self._validators[key]

    def _compile(
        self, version: KubeVersion, api_version: str, kind: str
    ) -> jsonschema.protocols.Validator | None:
        directory = self._version_dir(version)
        if directory is None or not kind:
            return None
        schema_file = directory / f"{kind.lower()}-{_group_version_slug(api_version)}.json"
        if not schema_file.is_file():
            return None
        schema = json.loads(schema_file.read_text(encoding="utf-8"))
        # The file name drops the group's domain; the enum keeps it, so a CRD group that shares
        # a built-in prefix (e.g. "networking.example.com/v1") is not taken for the built-in kind.
        declared = schema.get("properties", {}).get("apiVersion", {}).get("enum")
        if declared and api_version not in declared:
            return None
        validator_cls = jsonschema.validators.Draft202012Validator
        return validator_cls(schema, registry=self._registry(version, directory))

    def _version_dir(self, version: KubeVersion) -> Path | None:
        bundled = self.schema_version(version)
        if bundled is None:
            return None
        suffix = "-local-strict" if self._strict else "-local"
        return self._root / f"v{bundled.major}.{bundled.minor}.0{suffix}"

    def _registry(self, version: KubeVersion, directory: Path) -> Registry[Any]:
        # Called with the lock held: one parse of the definitions file per version.
        registry = self._registries.get(version)
        if registry is None:
            definitions = json.loads((directory / "_definitions.json").read_text(encoding="utf-8"))
            resource = Resource.from_contents(definitions, default_specification=DRAFT202012)
            registry = Registry().with_resource(_DEFINITIONS_URI, resource).crawl()
            self._registries[version] = registry
        return registry


def _group_version_slug(api_version: str) -> str:
    """``apps/v1`` → ``apps-v1``; ``rbac.authorization.k8s.io/v1`` → ``rbac-v1``; ``v1`` → ``v1``."""
    if "/" not in api_version:
        return api_version
    group, version = api_version.split("/", 1)
    return f"{group.split('.', 1)[0]}-{version}"


def _violation(error: jsonschema.ValidationError) -> SchemaViolation:
    return SchemaViolation(path=json_path(error.absolute_path), message=_short_message(error))


def json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(root)"


def _short_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if error.validator == "oneOf" and error.context:
        # Quantity and IntOrString are oneOf(string, number): say what was expected plainly.
        kinds = sorted({str(c.validator_value) for c in error.context if c.validator == "type"})
        if kinds:
            return f"{error.instance!r} is not one of the types {', '.join(kinds)}"
    text = error.message
    return text if len(text) <= 300 else text[:297] + "..."
