"""The objects a Jinja2 template sees besides ``Values``, named and shaped as in Go templates."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from typing import Any

from ci_helm.chart.jinja.environment import Params, wrap
from ci_helm.chart.jinja.helpers import to_yaml
from ci_helm.chart.model import Chart, ChartFile

__all__ = ["DEFAULT_KUBE_VERSION", "APIVersions", "Files", "KubeVersion", "chart_object", "context_objects"]

DEFAULT_KUBE_VERSION = "v1.35.0"  # what helm v4.1 `template` reports without --kube-version
# Built-in group/versions `helm template` offers without a cluster (a stable subset).
DEFAULT_API_VERSIONS = (
    "v1",
    "apps/v1",
    "batch/v1",
    "autoscaling/v1",
    "autoscaling/v2",
    "policy/v1",
    "networking.k8s.io/v1",
    "rbac.authorization.k8s.io/v1",
    "storage.k8s.io/v1",
    "scheduling.k8s.io/v1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "apiextensions.k8s.io/v1",
    "admissionregistration.k8s.io/v1",
    "certificates.k8s.io/v1",
    "events.k8s.io/v1",
    "node.k8s.io/v1",
)


class KubeVersion:
    def __init__(self, version: str) -> None:
        v = version if version.startswith("v") else f"v{version}"
        parts = v[1:].split(".")
        self.Version = v
        self.GitVersion = v
        self.Major = parts[0]
        self.Minor = parts[1] if len(parts) > 1 else "0"

    def __str__(self) -> str:
        return self.Version


class APIVersions:
    """``Capabilities.APIVersions.Has("apps/v1")`` or ``Has("apps/v1/Deployment")``."""

    def __init__(self, versions: tuple[str, ...]) -> None:
        self.versions = versions

    def Has(self, version: str) -> bool:
        if version in self.versions:
            return True
        group_version, _, kind = version.rpartition("/")
        return bool(kind) and kind[:1].isupper() and group_version in self.versions

    def __iter__(self) -> Iterator[str]:
        return iter(self.versions)


class Files:
    """``Files.Get("files/app.conf")`` and friends over the chart's non-template files."""

    def __init__(self, files: list[ChartFile]) -> None:
        self._files = {f.name: f for f in files}

    def Get(self, name: str) -> str:
        f = self._files.get(name)
        return "" if f is None else f.text

    def GetBytes(self, name: str) -> bytes:
        f = self._files.get(name)
        return b"" if f is None else f.data

    def Lines(self, name: str) -> list[str]:
        return self.Get(name).splitlines()

    def Glob(self, pattern: str) -> Files:
        return Files([f for n, f in self._files.items() if fnmatch.fnmatchcase(n, pattern)])

    def AsConfig(self) -> str:
        return to_yaml({n.rsplit("/", 1)[-1]: f.text for n, f in self._files.items()})

    def AsSecrets(self) -> str:
        import base64

        return to_yaml(
            {n.rsplit("/", 1)[-1]: base64.b64encode(f.data).decode() for n, f in self._files.items()}
        )

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._files))


def _opt(release: Any, name: str, default: Any) -> Any:
    value = getattr(release, name, None) if release is not None else None
    return default if value in (None, "") else value


def context_objects(chart: Chart, release: Any) -> dict[str, Any]:
    name = str(_opt(release, "name", "release-name"))
    namespace = str(_opt(release, "namespace", "default"))
    upgrade = bool(_opt(release, "is_upgrade", False))
    rel = {
        "Name": name,
        "Namespace": namespace,
        "Revision": int(_opt(release, "revision", 1)),
        "IsInstall": not upgrade,
        "IsUpgrade": upgrade,
        "Service": "Helm",
    }
    extra = tuple(str(v) for v in _opt(release, "api_versions", ()) or ())
    caps = {
        "KubeVersion": KubeVersion(str(_opt(release, "kube_version", DEFAULT_KUBE_VERSION))),
        "APIVersions": APIVersions(DEFAULT_API_VERSIONS + extra),
        "HelmVersion": {"Version": "v4"},
    }
    return {
        "Release": Params(rel, "Release"),
        "Capabilities": Params(caps, "Capabilities"),
        "Files": Files([f for f in chart.files if not f.name.startswith("charts/")]),  # as Helm: ci/ too
        "env": Params({"name": name, "deployment": name, "namespace": namespace}, "env"),
    }


def chart_object(chart: Chart) -> Params:
    """``Chart.Name``, ``Chart.Version``... with Helm's field names."""
    m = chart.metadata
    fields = {
        "Name": m.name,
        "Version": m.version,
        "AppVersion": m.app_version or "",
        "APIVersion": m.api_version or "",
        "Type": m.type or "",
        "Description": m.description or "",
        "Home": m.home or "",
        "Icon": m.icon or "",
        "KubeVersion": m.kube_version or "",
        "Keywords": list(m.keywords),
        "Sources": list(m.sources),
        "Maintainers": [{"Name": x.name, "Email": x.email or "", "URL": x.url or ""} for x in m.maintainers],
        "Annotations": dict(m.annotations),
        "Deprecated": m.deprecated,
    }
    result = wrap(fields, "Chart")
    assert isinstance(result, Params)
    return result
