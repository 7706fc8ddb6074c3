"""Read a chart directory once for linting, tolerating every kind of breakage.

Unlike the chart loader (which refuses a broken chart at the first problem), lint must
keep going: a Chart.yaml that does not parse, a values.yaml with duplicate keys or an
alias bomb are recorded on the :class:`YamlFile` and reported by the ``yaml-syntax``
rule, and the checks that can still run do.
"""

from __future__ import annotations

import functools
import io
import json
import tarfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_helm.chart.goyaml import load_values
from ci_helm.chart.jinja.detect import detect_engine
from ci_helm.chart.model import TemplateEngine
from ci_helm.errors import ChartError, YamlError
from ci_helm.lint.model import ChartInput, Scenario, YamlFile
from ci_helm.yamlfast import load_documents
from ci_helm.yamlio import Duplicates, load_yaml

__all__ = ["ScenarioLayout", "read_chart"]

_MAX_CRD_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class ScenarioLayout:
    """Where a chart's test values live: chart-testing's ``ci/*-values.yaml`` by default."""

    directory: str = "ci"
    pattern: str = "*-values.yaml"


def read_chart(directory: Path, display: str, layout: ScenarioLayout = ScenarioLayout()) -> ChartInput:
    """Read everything lint needs from a chart directory; raise only when it is not a chart."""
    chart_file = directory / "Chart.yaml"
    if not chart_file.is_file():
        raise ChartError("not a chart: no Chart.yaml", path=display)
    ci_files = sorted((directory / layout.directory).glob(layout.pattern)) if layout.directory else []
    chart = ChartInput(
        directory=directory,
        display=display,
        chart_yaml=read_yaml_file(directory, "Chart.yaml"),
        values_yaml=read_yaml_file(directory, "values.yaml", values=True)
        if (directory / "values.yaml").is_file()
        else None,
        ci_values=[
            read_yaml_file(directory, f.relative_to(directory).as_posix(), values=True)
            for f in ci_files
            if f.is_file()
        ],
    )
    chart.template_engine = _engine(directory, chart.metadata)
    chart.values_schema, chart.values_schema_error = _read_schema(directory / "values.schema.json")
    chart.crd_loader = functools.partial(_crd_list, directory)
    chart.scenarios = _scenarios(chart)
    return chart


def read_yaml_file(directory: Path, relative: str, *, values: bool = False) -> YamlFile:
    """A YAML file; with ``values=True`` its data follows Helm's scalar rules (``y`` is true)."""
    path = directory / relative
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return YamlFile(relative, "", error=f"cannot read: {exc}")
    out = YamlFile(relative, text)
    try:
        out.data = _parse(text, relative, values=values, duplicates="error")
    except YamlError as exc:
        out.error, out.error_line = exc.message, exc.line
        if "duplicate key" not in exc.message:
            return out
        # Duplicate keys: still usable, Helm keeps the last value (Helm's scalar rules for values).
        try:
            out.data = _parse(text, relative, values=values, duplicates="last")
        except YamlError as again:  # e.g. a list where Helm needs a mapping
            out.error, out.error_line, out.data = again.message, again.line, None
    return out


def _parse(text: str, relative: str, *, values: bool, duplicates: Duplicates) -> Any:
    if values:
        return load_values(text, path=relative, duplicates=duplicates)
    return load_yaml(text, path=relative, duplicates=duplicates)


def _scenarios(chart: ChartInput) -> list[Scenario]:
    usable = [f for f in chart.ci_values if f.error is None or f.data is not None]
    if not usable:
        return [Scenario("default")]
    return [Scenario(f.path, f.data if isinstance(f.data, Mapping) else {}, f.path) for f in usable]


def _read_schema(path: Path) -> tuple[Mapping[str, Any] | None, str | None]:
    if not path.is_file():
        return None, None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, f"cannot read: {exc}"
    except json.JSONDecodeError as exc:
        return None, f"line {exc.lineno}: {exc.msg}"
    if not isinstance(data, Mapping):
        return None, "the schema must be a JSON object"
    return data, None


def _engine(directory: Path, metadata: Mapping[str, Any]) -> TemplateEngine:
    templates = directory / "templates"
    names = [p.relative_to(directory).as_posix() for p in templates.rglob("*")] if templates.is_dir() else []
    annotations = metadata.get("annotations")
    try:
        return detect_engine(annotations if isinstance(annotations, Mapping) else {}, names)
    except ChartError:
        return "gotpl"  # a bad engine annotation is reported by chart-yaml; Helm renders Go templates


def _crd_list(directory: Path) -> list[Mapping[str, Any]]:
    return list(_crd_objects(directory))


def _crd_objects(directory: Path) -> Iterator[Mapping[str, Any]]:
    """CRDs under crds/ of the chart and of every subchart (directories and archives)."""
    for text, name in _crd_texts(directory):
        try:
            docs = load_documents(text, path=name)
        except YamlError:
            continue  # a broken CRD file is Helm's lint finding, not a reason to stop
        yield from (d for d in docs if isinstance(d, Mapping))


def _crd_texts(directory: Path) -> Iterator[tuple[str, str]]:
    crds = directory / "crds"
    if crds.is_dir():
        for f in sorted(crds.rglob("*")):
            if f.suffix in (".yaml", ".yml", ".json") and f.is_file() and f.stat().st_size < _MAX_CRD_BYTES:
                yield f.read_text(encoding="utf-8", errors="replace"), str(f)
    sub = directory / "charts"
    if not sub.is_dir():
        return
    for child in sorted(sub.iterdir()):
        if child.is_dir() and (child / "Chart.yaml").is_file():
            yield from _crd_texts(child)
        elif child.name.endswith(".tgz") and child.is_file():
            yield from _archive_crd_texts(child)


def _archive_crd_texts(archive: Path) -> Iterator[tuple[str, str]]:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            for member in tar.getmembers():
                parts = member.name.split("/")
                if member.isfile() and "crds" in parts and member.size < _MAX_CRD_BYTES:
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield io.TextIOWrapper(handle, encoding="utf-8", errors="replace").read(), member.name
    except (OSError, tarfile.TarError):
        return
