"""Plain data for a loaded chart. Loading lives in ``ci_helm.chart.loader``; nothing here does I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

_TEST_HOOK = re.compile(r"""["']?helm\.sh/hook["']?\s*:\s*["']?[a-z,\s-]*\btest(-success|-failure)?\b""")

__all__ = ["Chart", "ChartFile", "ChartMetadata", "Dependency", "Maintainer", "TemplateEngine"]

TemplateEngine = Literal["gotpl", "jinja"]


@dataclass(frozen=True)
class Maintainer:
    name: str
    email: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Dependency:
    """A dependency from Chart.yaml (v2) or requirements.yaml (v1)."""

    name: str
    version: str | None = None  # a SemVer constraint
    repository: str | None = None  # https://, oci://, file://, @alias, or None for a vendored subchart
    alias: str | None = None
    condition: str | None = None
    tags: tuple[str, ...] = ()
    import_values: tuple[Any, ...] = ()
    enabled: bool = True

    @property
    def effective_name(self) -> str:
        return self.alias or self.name


@dataclass(frozen=True)
class ChartMetadata:
    """Chart.yaml, typed. ``raw`` keeps the document as written for lint rules and ``show chart``."""

    api_version: str | None
    name: str
    version: str
    type: str | None = None  # "application" | "library" | None (v1)
    app_version: str | None = None
    kube_version: str | None = None
    description: str | None = None
    home: str | None = None
    icon: str | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    maintainers: tuple[Maintainer, ...] = ()
    dependencies: tuple[Dependency, ...] = ()
    deprecated: bool = False
    annotations: dict[str, str] = field(default_factory=dict)
    condition: str | None = None  # legacy top-level field (Helm 2)
    tags: str | None = None  # legacy top-level field (Helm 2)
    raw: dict[str, Any] = field(default_factory=dict)
    # Chart.yaml as Helm holds it: known fields only, Go types, omitempty applied, in
    # Helm's struct order (``show chart`` prints this, sorted).
    document: dict[str, Any] = field(default_factory=dict)

    @property
    def is_library(self) -> bool:
        return self.type == "library"

    @property
    def effective_type(self) -> str | None:
        """The declared type, ``application`` for a v2 chart that declares none, None for v1."""
        if self.type:
            return self.type
        return "application" if self.api_version == "v2" else None


@dataclass(frozen=True)
class ChartFile:
    """A file inside a chart, by its slash-separated path relative to the chart root."""

    name: str
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass
class Chart:
    """A loaded chart (directory or archive), its files already filtered by ``.helmignore``."""

    metadata: ChartMetadata
    source: Path  # the directory or .tgz it was loaded from
    values: dict[str, Any] = field(default_factory=dict)  # values.yaml, parsed
    values_text: str = ""  # values.yaml as written (comments feed `chart show`)
    has_values_file: bool = False  # values.yaml exists (Helm's Values is nil otherwise)
    schema: dict[str, Any] | None = None  # values.schema.json, when it is a valid JSON object
    schema_text: str | None = None  # values.schema.json as written (None: the chart has none)
    schema_error: str | None = None  # why schema_text is not a usable schema (Helm fails at render)
    templates: list[ChartFile] = field(default_factory=list)  # templates/**
    crds: list[ChartFile] = field(default_factory=list)  # crds/**
    files: list[ChartFile] = field(default_factory=list)  # every other file (README, ci/, files/ ...)
    subcharts: list[Chart] = field(default_factory=list)  # charts/* (directories and archives)
    lock: dict[str, Any] | None = None  # Chart.lock / requirements.lock
    engine: TemplateEngine = "gotpl"
    parent: Chart | None = field(default=None, repr=False)
    alias: str | None = None  # set on the copy of a subchart that a dependency alias renames

    @property
    def name(self) -> str:
        return self.metadata.name

    @property
    def version(self) -> str:
        return self.metadata.version

    @property
    def helm_files(self) -> list[ChartFile]:
        """What Helm's ``.Files`` holds: crds/ and every other non-template file, in walk order."""
        return sorted([*self.crds, *self.files], key=lambda f: f.name.split("/"))

    @property
    def effective_name(self) -> str:
        """The name this chart has inside its parent: the dependency alias, else its name."""
        return self.alias or self.name

    @property
    def test_templates(self) -> list[ChartFile]:
        """Templates that define ``helm test`` hooks: under templates/tests/, or annotated
        ``helm.sh/hook: test`` (or Helm 2's ``test-success`` / ``test-failure``)."""
        return [
            t for t in self.templates if t.name.startswith("templates/tests/") or _TEST_HOOK.search(t.text)
        ]

    def file(self, name: str) -> ChartFile | None:
        for f in (*self.templates, *self.crds, *self.files):
            if f.name == name:
                return f
        return None
