"""What lint rules look at: a chart read once, its scenarios, and each scenario's render, shared.

Nothing here does I/O. :mod:`ci_helm.lint.inputs` builds :class:`ChartInput` from disk and
:mod:`ci_helm.lint.runner` fills :class:`Rendered` from the engine; rules only read them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from ci_helm.kube.crd import CrdSchemas
from ci_helm.kube.schemas import KubeVersion, SchemaStore
from ci_helm.model.results import Level

__all__ = [
    "RELEASE_NAME",
    "RELEASE_NAMESPACE",
    "ChartInput",
    "Document",
    "Finding",
    "HelmMessage",
    "HistoryUnavailable",
    "HttpGetter",
    "LintServices",
    "Rendered",
    "RuleContext",
    "Scenario",
    "Scope",
    "VersionHistory",
    "YamlFile",
]

Scope = Literal["chart", "render"]
# Scenarios render into this namespace, so a namespace hard-coded in a template stands out.
RELEASE_NAMESPACE = "lint-release-ns"
RELEASE_NAME = "release-name"


@dataclass(frozen=True)
class Finding:
    """What a rule reports; the runner adds the rule id, the level and the chart's path."""

    message: str
    path: str | None = None  # relative to the chart directory
    line: int | None = None
    column: int | None = None
    level: Level | None = None  # None: the rule's configured level


@dataclass
class YamlFile:
    """A YAML file of the chart as written, parsed once (``error`` when it does not parse)."""

    path: str  # relative to the chart directory
    text: str
    data: Any = None
    error: str | None = None
    error_line: int | None = None


@dataclass(frozen=True)
class Scenario:
    """One set of user values the chart is checked with: a ci values file, or the defaults."""

    name: str  # "default" or the values file relative to the chart, e.g. "ci/ingress-values.yaml"
    values: Mapping[str, Any] = field(default_factory=dict)
    values_path: str | None = None


@dataclass(frozen=True)
class HelmMessage:
    """One message of Helm's own linter."""

    severity: Level
    path: str
    message: str


@dataclass(frozen=True)
class Document:
    """One rendered Kubernetes object and the template that produced it."""

    obj: Mapping[str, Any]
    template: str  # relative to the chart directory, e.g. "templates/deployment.yaml"
    index: int = 0  # position among the template's documents

    @property
    def kind(self) -> str:
        return str(self.obj.get("kind") or "")

    @property
    def api_version(self) -> str:
        return str(self.obj.get("apiVersion") or "")

    @property
    def name(self) -> str:
        meta = self.obj.get("metadata")
        return str(meta.get("name") or "") if isinstance(meta, Mapping) else ""

    def describe(self) -> str:
        return f"{self.kind} {self.name!r}" if self.name else self.kind or "object"


@dataclass
class Rendered:
    """One scenario rendered for one Kubernetes version; every render-scope rule reads it."""

    scenario: Scenario
    kube_version: KubeVersion
    documents: list[Document] = field(default_factory=list)
    helm_messages: list[HelmMessage] | None = None  # None when Helm's linter did not run
    error: str | None = None  # the render failed; documents is empty

    @property
    def label(self) -> str:
        return f"{self.scenario.name} @ {self.kube_version}"


@dataclass
class ChartInput:
    """A chart as read from disk, once per run."""

    directory: Path
    display: str  # the chart's path as shown in reports
    chart_yaml: YamlFile
    values_yaml: YamlFile | None
    ci_values: list[YamlFile] = field(default_factory=list)
    values_schema: Mapping[str, Any] | None = None
    values_schema_error: str | None = None
    # crds/ of the chart and subcharts, parsed on first use (they can be megabytes, off the critical path)
    crd_loader: Callable[[], list[Mapping[str, Any]]] = field(default=list, repr=False)
    template_engine: Literal["gotpl", "jinja"] = "gotpl"
    scenarios: list[Scenario] = field(default_factory=list)
    _crds: CrdSchemas | None = field(default=None, repr=False)
    _crd_objects: list[Mapping[str, Any]] | None = field(default=None, repr=False)
    _crd_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def crd_objects(self) -> list[Mapping[str, Any]]:
        with self._crd_lock:
            if self._crd_objects is None:
                self._crd_objects = self.crd_loader()
            return self._crd_objects

    @property
    def metadata(self) -> Mapping[str, Any]:
        data = self.chart_yaml.data
        return data if isinstance(data, Mapping) else {}

    @property
    def name(self) -> str:
        return str(self.metadata.get("name") or self.directory.name)

    @property
    def version(self) -> str:
        return str(self.metadata.get("version") or "")

    def crd_schemas(self, rendered: Iterable[Document] = ()) -> CrdSchemas:
        """Schemas of the chart's own CRDs (crds/ folders) plus any CRDs its templates render."""
        if self._crds is None:
            self._crds = CrdSchemas.from_objects(self.crd_objects)  # two threads may race: same result
        extra = [d.obj for d in rendered if d.kind == "CustomResourceDefinition"]
        if not extra:
            return self._crds
        store = CrdSchemas.from_objects([*self.crd_objects, *extra])
        return store


class Offload(Protocol):
    def __call__(self, fn: Callable[..., Any], /, *args: Any) -> Any: ...


class HttpGetter(Protocol):
    """``GET``/``HEAD`` a URL and return its status code (maintainer account checks)."""

    def __call__(self, url: str) -> int: ...


class HistoryUnavailable(Exception):
    """The previous version cannot be known (no git repository, target branch not fetched, ...)."""


class VersionHistory(Protocol):
    """Versions a chart had before: on the target branch, and in a published index."""

    def previous_version(self, chart: ChartInput) -> str | None:
        """The version on the target branch; ``None`` for a new chart; raises HistoryUnavailable."""
        ...

    def published_versions(self, chart: ChartInput) -> list[str]: ...


@dataclass
class LintServices:
    """Shared, thread-safe helpers built once per run and handed to every rule."""

    kube_versions: list[KubeVersion]
    strict: bool = False
    http_get: HttpGetter | None = None  # None: no online checks
    history: VersionHistory | None = None  # None: version increment not checked
    changed: Callable[[ChartInput], bool] = field(default=lambda _chart: True)
    git_host: str = "github.com"  # maintainer accounts are looked up on this host
    settings: Mapping[str, Any] = field(default_factory=dict)
    # Runs a pure, picklable CPU-heavy function (yamllint) off the GIL: a process pool in the CLI.
    offload: Offload = field(default=lambda fn, *args: fn(*args))
    memo: dict[str, Any] = field(default_factory=dict)  # per-run caches of rules (guard with memo_lock)
    memo_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _schema_stores: dict[bool, SchemaStore] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def remember(self, key: str, compute: Callable[[], Any]) -> Any:
        """A per-run cache for rules: ``compute()`` once per key (two threads may race; both agree)."""
        with self.memo_lock:
            if key in self.memo:
                return self.memo[key]
        value = compute()
        with self.memo_lock:
            return self.memo.setdefault(key, value)

    def schema_store(self, *, strict: bool) -> SchemaStore:
        """The Kubernetes schema store (compiled validators are cached in it for the whole run)."""
        with self._lock:
            if strict not in self._schema_stores:
                self._schema_stores[strict] = SchemaStore(strict=strict)
            return self._schema_stores[strict]


@dataclass
class RuleContext:
    chart: ChartInput
    services: LintServices
    rendered: Rendered | None = None  # set for render-scope rules
