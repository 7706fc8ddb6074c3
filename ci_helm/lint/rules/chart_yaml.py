"""Chart.yaml follows the Helm chart specification (what chart-testing's chart_schema.yaml checks, and more).

Checks, each with the line to fix: required fields (apiVersion, name, version, and
whatever ``required-fields`` adds; chart-testing also requires ``description`` and
``home``), ``apiVersion`` v1 or v2, ``name`` in lowercase letters, digits and dashes and
equal to the directory name, ``version`` a SemVer 2 version, ``type`` application or
library (v2 only), ``kubeVersion`` a valid constraint, ``icon``/``home``/``sources`` absolute
URLs, ``dependencies`` well formed (name, version constraint, repository URL form, no
duplicate names or aliases), ``annotations`` string to string, ``deprecated`` a boolean,
unknown top-level fields (usually typos). Maintainers are checked by the ``maintainers`` rule.

chart-testing's ``chart-yaml-schema`` (a Yamale file) maps onto ``required-fields``
(every ``required=True`` field) and ``allowed-fields`` (every declared field).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.lint.constraint_syntax import constraint_error
from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.yamlpos import KeyLines
from ci_helm.model.results import Level
from ci_helm.model.semver import strict_version

ID = "chart-yaml"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "chart"

_SPEC_FIELDS = [
    "apiVersion",
    "name",
    "version",
    "kubeVersion",
    "description",
    "type",
    "keywords",
    "home",
    "sources",
    "dependencies",
    "maintainers",
    "icon",
    "appVersion",
    "deprecated",
    "annotations",
    "engine",
    "tags",
    "condition",
]
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_URL = re.compile(r"^https?://[^\s/$.?#].\S*$", re.IGNORECASE)
_REPO = re.compile(r"^(https?://|oci://|file://|@|alias:)\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Options:
    required_fields: tuple[str, ...] = ("apiVersion", "name", "version")
    recommended_fields: tuple[str, ...] = ("description",)
    allowed_fields: tuple[str, ...] = tuple(_SPEC_FIELDS)
    name_matches_directory: bool = True


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    chart_yaml = ctx.chart.chart_yaml
    data = chart_yaml.data
    if data is None and chart_yaml.error:
        return  # reported by yaml-syntax
    if not isinstance(data, Mapping):
        yield Finding("Chart.yaml must be a mapping of fields (name: ..., version: ...)", "Chart.yaml", 1)
        return
    lines = KeyLines(chart_yaml.text)

    def at(message: str, *key: str | int, level: Level | None = None) -> Finding:
        return Finding(message, "Chart.yaml", lines.line(key) or 1, level=level)

    yield from _presence(data, options, at)
    yield from _identity(data, ctx.chart.directory.name, options, at)
    yield from _urls(data, at)
    yield from _dependencies(data, at)
    yield from _misc(data, at)


def _presence(data: Mapping[str, Any], options: Options, at: Any) -> Iterator[Finding]:
    for name in options.required_fields:
        if data.get(name) in (None, ""):
            yield at(f"required field {name!r} is missing: add `{name}: ...`")
    for name in options.recommended_fields:
        if data.get(name) in (None, ""):
            yield at(f"field {name!r} is recommended", level=Level.WARNING)
    for key in data:
        if key not in options.allowed_fields:
            close = [f for f in _SPEC_FIELDS if f.lower() == str(key).lower()]
            hint = f"; did you mean {close[0]!r}?" if close else "; remove it or move it under annotations"
            yield at(f"unknown field {key!r}{hint}", key, level=Level.WARNING)


def _identity(data: Mapping[str, Any], directory: str, options: Options, at: Any) -> Iterator[Finding]:
    api = data.get("apiVersion")
    if api is not None and api not in ("v1", "v2"):
        yield at(f"apiVersion {api!r} is not v1 or v2: use `apiVersion: v2`", "apiVersion")
    elif api == "v1":
        yield at("apiVersion v1 is the Helm 2 format: use `apiVersion: v2`", "apiVersion", level=Level.INFO)
    name = data.get("name")
    if name not in (None, ""):
        if not isinstance(name, str) or not _NAME.match(name):
            yield at(
                f"name {name!r} should use only lowercase letters, digits and dashes",
                "name",
                level=Level.WARNING,
            )
        elif options.name_matches_directory and name != directory:
            yield at(
                f"name {name!r} differs from the directory {directory!r}: rename one",
                "name",
                level=Level.WARNING,
            )
    yield from _version(data, at)
    chart_type = data.get("type")
    if chart_type is not None:
        if chart_type not in ("application", "library"):
            yield at(f"type {chart_type!r} must be 'application' or 'library'", "type")
        elif api == "v1":
            yield at(
                "type is a v2 field; it is ignored in an apiVersion v1 chart", "type", level=Level.WARNING
            )


def _version(data: Mapping[str, Any], at: Any) -> Iterator[Finding]:
    version = data.get("version")
    parsed = strict_version(version.strip()) if isinstance(version, str) else None
    if version in (None, ""):
        pass  # reported as a missing required field
    elif not isinstance(version, str):
        yield at(
            f"version {version!r} is a YAML {type(version).__name__}: quote it and make it SemVer, "
            'e.g. "1.0.0"',
            "version",
        )
    elif parsed is None:
        yield at(
            f"version {version!r} is not a SemVer 2 version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])",
            "version",
        )
    elif version.strip().startswith("v"):
        yield at(
            f"version {version!r} has a leading 'v'; SemVer 2 has none: use {str(parsed)!r}",
            "version",
            level=Level.WARNING,
        )
    app = data.get("appVersion")
    if app is not None and not isinstance(app, str):
        yield at(
            f'appVersion {app!r} is a YAML {type(app).__name__}: quote it ("{app}")',
            "appVersion",
            level=Level.WARNING,
        )
    kube = data.get("kubeVersion")
    if kube is not None:
        problem = constraint_error(str(kube)) if isinstance(kube, str) else "it must be a string"
        if problem:
            yield at(f"kubeVersion {kube!r} is not a version constraint: {problem}", "kubeVersion")


def _urls(data: Mapping[str, Any], at: Any) -> Iterator[Finding]:
    icon = data.get("icon")
    if icon is not None and not (
        isinstance(icon, str) and (_URL.match(icon) or icon.startswith("data:image/"))
    ):
        yield at(
            f"icon {icon!r} must be an absolute http(s) URL or a data:image/ URL", "icon", level=Level.WARNING
        )
    home = data.get("home")
    if home is not None and not (isinstance(home, str) and _URL.match(home)):
        yield at(f"home {home!r} must be an absolute http(s) URL", "home", level=Level.WARNING)
    sources = data.get("sources")
    if sources is not None:
        if not isinstance(sources, list):
            yield at("sources must be a list of URLs", "sources")
        else:
            for i, src in enumerate(sources):
                if not (isinstance(src, str) and re.match(r"^[a-z][a-z0-9+.-]*://\S+$", src, re.IGNORECASE)):
                    yield at(f"sources[{i}] {src!r} is not a URL", "sources", i, level=Level.WARNING)


def _dependencies(data: Mapping[str, Any], at: Any) -> Iterator[Finding]:
    deps = data.get("dependencies")
    if deps is None:
        return
    if not isinstance(deps, list):
        yield at("dependencies must be a list", "dependencies")
        return
    if data.get("apiVersion") == "v1":
        yield at(
            "dependencies in Chart.yaml need apiVersion v2 (v1 charts use requirements.yaml)", "dependencies"
        )
    seen: dict[str, int] = {}
    for i, dep in enumerate(deps):
        if not isinstance(dep, Mapping):
            yield at(
                f"dependencies[{i}] must be a mapping with name, version and repository", "dependencies", i
            )
            continue
        yield from _dependency(i, dep, at)
        effective = str(dep.get("alias") or dep.get("name") or "")
        if effective in seen:
            yield at(
                f"dependencies[{i}]: {effective!r} appears twice (also at index {seen[effective]}); "
                "give one an alias",
                "dependencies",
                i,
            )
        seen[effective] = i


def _dependency(i: int, dep: Mapping[str, Any], at: Any) -> Iterator[Finding]:
    where = f"dependencies[{i}]"
    if not dep.get("name"):
        yield at(f"{where}: name is required", "dependencies", i)
    version = dep.get("version")
    if version is not None:
        problem = constraint_error(str(version))
        if problem:
            yield at(
                f"{where}: version {version!r} is not a version constraint: {problem}",
                "dependencies",
                i,
                "version",
            )
    repo = dep.get("repository")
    if repo not in (None, "") and not (isinstance(repo, str) and _REPO.match(repo)):
        yield at(
            f"{where}: repository {repo!r} must be an https://, oci:// or file:// URL or a @repo alias",
            "dependencies",
            i,
            "repository",
        )
    alias = dep.get("alias")
    if alias is not None and not (isinstance(alias, str) and re.match(r"^[a-zA-Z0-9_-]+$", alias)):
        yield at(
            f"{where}: alias {alias!r} may only contain letters, digits, '-' and '_'",
            "dependencies",
            i,
            "alias",
        )


def _misc(data: Mapping[str, Any], at: Any) -> Iterator[Finding]:
    deprecated = data.get("deprecated")
    if deprecated is not None and not isinstance(deprecated, bool):
        yield at(f"deprecated must be true or false, not {deprecated!r}", "deprecated")
    elif deprecated:
        yield at("the chart is marked deprecated", "deprecated", level=Level.INFO)
    annotations = data.get("annotations")
    if annotations is not None:
        if not isinstance(annotations, Mapping):
            yield at("annotations must be a mapping of strings to strings", "annotations")
        else:
            for key, value in annotations.items():
                if not isinstance(value, str):
                    yield at(f"annotation {key!r} must be a string: quote the value", "annotations", key)
    keywords = data.get("keywords")
    if keywords is not None and not (
        isinstance(keywords, list) and all(isinstance(k, str) for k in keywords)
    ):
        yield at("keywords must be a list of strings", "keywords", level=Level.WARNING)
    if data.get("engine") not in (None, "gotpl"):
        yield at(
            f"engine {data.get('engine')!r} is not supported by Helm (only gotpl)",
            "engine",
            level=Level.WARNING,
        )
