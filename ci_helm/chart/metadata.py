"""Chart.yaml (and v1 requirements.yaml) read the way Helm reads them into its Metadata struct.

Helm decodes Chart.yaml through JSON into a Go struct: unknown keys vanish, keys match
field names case-insensitively, a number or boolean given for a string field becomes
its Go formatting (``version: 1.10`` is ``"1.1"``), and ``Validate`` then strips control
characters and turns whitespace into spaces in most string fields. ``show chart`` prints
that struct, so we keep it (``ChartMetadata.document``) next to the typed fields.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from ci_helm.chart.metadata_decode import METADATA_FIELDS, DecodeError, decode_struct
from ci_helm.chart.model import ChartMetadata, Dependency, Maintainer
from ci_helm.errors import ChartError

__all__ = ["is_valid_semver", "metadata_from_document"]

_SEMVER = re.compile(
    r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?"
    r"(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
    r"(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?"
)
_SANITIZED = ("name", "description", "home", "icon", "condition", "tags", "appVersion", "kubeVersion")
_ALIAS = re.compile(r"^[a-zA-Z0-9_-]+$")


def _sanitize(text: str) -> str:
    out = []
    for ch in text:
        if ch.isspace() and (ord(ch) >= 0x100 or ch in "\t\n\v\f\r \x85\xa0"):
            out.append(" ")
        elif unicodedata.category(ch)[0] not in "CZ" or ch == " ":
            out.append(ch)
    return "".join(out)


def is_valid_semver(version: str) -> bool:
    """Masterminds/semver ``NewVersion`` (lenient: ``v`` prefix, ``1.2``, leading zeros)."""
    match = _SEMVER.fullmatch(version)
    if match is None:
        return False
    numbers = [match.group(1), (match.group(2) or ".0")[1:], (match.group(3) or ".0")[1:]]
    if any(int(n) >= 1 << 64 for n in numbers):
        return False
    prerelease = match.group(5) or ""
    return all(not (p.isdigit() and len(p) > 1 and p.startswith("0")) for p in prerelease.split(".") if p)


def metadata_from_document(
    chart_yaml: Any,
    *,
    path: str | Path,
    requirements: Any = None,
    requirements_path: str | Path = "",
    text: str = "",
) -> ChartMetadata:
    """Decode, default and validate Chart.yaml like Helm's loader; ChartError on failure.

    ``text`` (Chart.yaml as written) lets a validation error name the line of its key.
    """
    try:
        document = decode_struct(_mapping(chart_yaml, path), METADATA_FIELDS, "Metadata")
    except DecodeError as exc:
        raise ChartError(f"cannot load Chart.yaml: {exc}", path=path) from None
    if requirements is not None:
        try:
            extra = decode_struct(_mapping(requirements, requirements_path), METADATA_FIELDS, "Metadata")
        except DecodeError as exc:
            raise ChartError(f"cannot load requirements.yaml: {exc}", path=requirements_path) from None
        document = {**document, **extra}
        document = {name: document[name] for name in METADATA_FIELDS if name in document}
    document.setdefault("apiVersion", "v1")
    _sanitize_document(document)
    _validate(document, path, text)
    raw = chart_yaml if isinstance(chart_yaml, dict) else {}
    return _typed(document, raw)


def _mapping(value: Any, path: str | Path) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ChartError("must be a YAML mapping", path=path)
    return value


def _sanitize_document(document: dict[str, Any]) -> None:
    for name in _SANITIZED:
        if name in document:
            document[name] = _sanitize(document[name])
    for name in ("sources", "keywords"):
        if name in document:
            document[name] = [_sanitize(s) for s in document[name]]
    for person in document.get("maintainers", []):
        if person is not None:
            person.update({key: _sanitize(text) for key, text in person.items()})
    for dep in document.get("dependencies", []):
        if dep is not None:
            _sanitize_dependency(dep)
    for name in [k for k in document if document[k] in ("", [], {}, False)]:
        del document[name]


def _sanitize_dependency(dep: dict[str, Any]) -> None:
    for key in ("name", "version", "repository", "condition"):
        if key in dep:
            dep[key] = _sanitize(dep[key])
    if "tags" in dep:
        dep["tags"] = [_sanitize(t) for t in dep["tags"]]


def _validate(document: dict[str, Any], path: str | Path, text: str) -> None:
    name, version = document.get("name", ""), document.get("version", "")

    def fail(message: str, key: str) -> None:
        raise ChartError(f"validation: {message}", path=path, line=_key_line(text, key))

    if not name:
        fail("chart.metadata.name is required", "name")
    if name in (".", "..") or "/" in name:
        fail(f"chart.metadata.name {name!r} is not allowed", "name")
    if not version:
        fail("chart.metadata.version is required", "version")
    if not is_valid_semver(version):
        fail(f"chart.metadata.version {version!r} is invalid", "version")
    if document.get("type", "") not in ("", "application", "library"):
        fail("chart.metadata.type must be application or library", "type")
    if any(m is None for m in document.get("maintainers", [])):
        fail("maintainers must not contain empty or null nodes", "maintainers")
    seen: set[str] = set()
    for dep in document.get("dependencies", []):
        if dep is None:
            fail("dependencies must not contain empty or null nodes", "dependencies")
        alias = dep.get("alias", "")
        if alias and not _ALIAS.match(alias):
            fail(f"dependency {dep.get('name', '')!r} has disallowed characters in the alias", "dependencies")
        key = alias or dep.get("name", "")
        if key in seen:
            fail(f"more than one dependency with name or alias {key!r}", "dependencies")
        seen.add(key)


def _key_line(text: str, key: str) -> int | None:
    """The line of a top-level key in Chart.yaml, when it is written plainly there."""
    match = re.search(rf"^[\"']?{re.escape(key)}[\"']?\s*:", text, re.MULTILINE)
    return None if match is None else text.count("\n", 0, match.start()) + 1


def _typed(document: dict[str, Any], raw: dict[str, Any]) -> ChartMetadata:
    def opt(name: str) -> str | None:
        return document.get(name) or None

    return ChartMetadata(
        api_version=document["apiVersion"],
        name=document["name"],
        version=document["version"],
        type=opt("type"),
        app_version=opt("appVersion"),
        kube_version=opt("kubeVersion"),
        description=opt("description"),
        home=opt("home"),
        icon=opt("icon"),
        keywords=tuple(document.get("keywords", ())),
        sources=tuple(document.get("sources", ())),
        maintainers=tuple(
            Maintainer(m.get("name", ""), m.get("email"), m.get("url"))
            for m in document.get("maintainers", ())
        ),
        dependencies=tuple(_dependency(d) for d in document.get("dependencies", ())),
        deprecated=bool(document.get("deprecated", False)),
        annotations=dict(document.get("annotations", {})),
        condition=opt("condition"),
        tags=opt("tags"),
        raw=raw,
        document=document,
    )


def _dependency(dep: dict[str, Any]) -> Dependency:
    return Dependency(
        name=dep.get("name", ""),
        version=dep.get("version") or None,
        repository=dep.get("repository") or None,
        alias=dep.get("alias") or None,
        condition=dep.get("condition") or None,
        tags=tuple(dep.get("tags", ())),
        import_values=tuple(dep.get("import-values", ())),
        enabled=True,
    )
