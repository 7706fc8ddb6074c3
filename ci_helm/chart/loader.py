"""Load a chart from a directory or a ``.tgz`` into :class:`ci_helm.chart.model.Chart`.

Mirrors Helm's ``loader.LoadDir`` / ``LoadArchive`` / ``LoadFiles``: ``.helmignore`` applies
to directories only (as in Helm, an archive is taken as packaged); UTF-8 BOMs are trimmed;
``Chart.yaml`` is decoded like Helm's Metadata struct; ``requirements.yaml`` (v1) supplies
dependencies; ``charts/`` holds subcharts as directories or archives, recursively, and
entries starting with ``_`` or ``.`` are skipped. Where Helm is lax on untrusted input we
are not: symlinks that leave the chart, irregular files and oversized files are errors.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ci_helm.chart.archive import (
    MAX_CHART_BYTES,
    MAX_FILE_BYTES,
    ArchiveFile,
    Limits,
    read_archive,
    read_archive_bytes,
)
from ci_helm.chart.goyaml import HelmLoader, load_values
from ci_helm.chart.helmignore import HELMIGNORE, IgnoreRules, parse_rules
from ci_helm.chart.jinja.detect import detect_engine
from ci_helm.chart.metadata import metadata_from_document
from ci_helm.chart.model import Chart, ChartFile
from ci_helm.errors import ChartError, YamlError
from ci_helm.yamlio import load_yaml

__all__ = ["load_chart", "load_chart_dir", "load_chart_files", "read_chart_dir_files"]

_BOM = b"\xef\xbb\xbf"
_MAX_DIR_FILES = 50_000


@dataclass
class _Budget:
    """Bytes a chart may still expand to, shared by the chart and all its nested archives."""

    remaining: int = MAX_CHART_BYTES

    def take(self, size: int, where: str | Path) -> None:
        self.remaining -= size
        if self.remaining < 0:
            raise ChartError(f"chart expands past the {MAX_CHART_BYTES}-byte limit", path=where)


def load_chart(path: str | Path) -> Chart:
    """A chart from a directory or an archive. ChartError / YamlError on bad input."""
    source = Path(path)
    if source.is_dir():
        return load_chart_dir(source)
    if source.is_file():
        contents = read_archive(source)
        budget = _Budget()
        budget.take(sum(len(f.data) for f in contents.files), source)
        return load_chart_files(list(contents.files), source=source, where=str(source), budget=budget)
    if not source.exists():
        raise ChartError("no such chart directory or archive", path=source)
    raise ChartError("not a chart directory or archive", path=source)


def load_chart_dir(directory: Path) -> Chart:
    if not (directory / "Chart.yaml").is_file():
        raise ChartError("not a chart directory: Chart.yaml is missing", path=directory)
    files = read_chart_dir_files(directory)
    if not any(f.name == "Chart.yaml" for f in files):
        raise ChartError("not a chart: Chart.yaml is missing", path=directory)
    budget = _Budget()
    budget.take(sum(len(f.data) for f in files), directory)
    return load_chart_files(files, source=directory, where=str(directory), budget=budget)


def read_chart_dir_files(directory: Path) -> list[ArchiveFile]:
    """Every file Helm would load from a chart directory, in Helm's walk order."""
    root = directory.resolve()
    rules = IgnoreRules()
    ignore_file = root / HELMIGNORE
    if ignore_file.is_file():
        rules = parse_rules(_read_text(ignore_file), source=str(directory / HELMIGNORE))
    else:
        rules = parse_rules("")
    walker = _Walker(root, directory, rules, _Budget())
    walker.walk(root, "")
    return walker.files


@dataclass
class _Walker:
    root: Path
    shown: Path  # the path as the user gave it, for messages
    rules: IgnoreRules
    budget: _Budget
    files: list[ArchiveFile] = field(default_factory=list)

    def walk(self, directory: Path, prefix: str) -> None:
        try:
            names = sorted(os.listdir(directory))
        except OSError as exc:
            raise ChartError(f"cannot read directory: {exc.strerror or exc}", path=directory) from None
        for name in names:
            self._visit(directory / name, f"{prefix}{name}")

    def _visit(self, path: Path, rel: str) -> None:
        info = self._stat(path, rel)
        if stat.S_ISDIR(info.st_mode):
            if not self.rules.ignored(rel, is_dir=True):
                self.walk(path, rel + "/")
            return
        if self.rules.ignored(rel, is_dir=False):
            return
        if not stat.S_ISREG(info.st_mode):
            raise ChartError(f"cannot load irregular file {rel} (device, socket or FIFO)", path=self.shown)
        if info.st_size > MAX_FILE_BYTES:
            raise ChartError(
                f"chart file {rel} is larger than the {MAX_FILE_BYTES}-byte limit", path=self.shown
            )
        self.budget.take(info.st_size, self.shown)
        if len(self.files) >= _MAX_DIR_FILES:
            raise ChartError(f"chart has more than {_MAX_DIR_FILES} files", path=self.shown)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ChartError(f"error reading {rel}: {exc.strerror or exc}", path=self.shown) from None
        self.files.append(ArchiveFile(rel, data.removeprefix(_BOM)))

    def _stat(self, path: Path, rel: str) -> os.stat_result:
        """Follow symlinks like Helm, but only to targets inside the chart."""
        if path.is_symlink():
            target = path.resolve()
            if target != self.root and self.root not in target.parents:
                raise ChartError(f"symlink {rel} points outside the chart (to {target})", path=self.shown)
        try:
            return path.stat()
        except OSError as exc:
            raise ChartError(f"cannot read {rel}: {exc.strerror or exc}", path=self.shown) from None


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", errors="replace")
    except OSError as exc:
        raise ChartError(f"cannot read: {exc.strerror or exc}", path=path) from None


def load_chart_files(
    files: list[ArchiveFile],
    *,
    source: Path,
    where: str,
    parent: Chart | None = None,
    budget: _Budget | None = None,
) -> Chart:
    """Helm's ``LoadFiles``: build a chart (and its subcharts) from in-memory files.

    ``budget`` bounds what nested subchart archives may expand to, all levels together.
    """
    budget = budget or _Budget()
    by_name = {f.name: f for f in files}
    chart_yaml = by_name.get("Chart.yaml")
    if chart_yaml is None:
        raise ChartError("Chart.yaml file is missing", path=where)
    chart = Chart(metadata=_metadata(by_name, where), source=source, parent=parent)
    subchart_files: dict[str, list[ArchiveFile]] = {}
    for f in files:
        _place(chart, f, subchart_files, where)
    chart.engine = detect_engine(chart.metadata.annotations, [t.name for t in chart.templates])
    for name in sorted(subchart_files):
        sub = _load_subchart(name, subchart_files[name], chart, source, where, budget=budget)
        if sub is not None:
            chart.subcharts.append(sub)
    return chart


def _metadata(by_name: dict[str, ArchiveFile], where: str) -> Any:
    chart_path = f"{where}/Chart.yaml"
    document = load_yaml(by_name["Chart.yaml"].data, path=chart_path, loader=HelmLoader)
    requirements = by_name.get("requirements.yaml")
    req_doc = None
    req_path = f"{where}/requirements.yaml"
    if requirements is not None:
        req_doc = load_yaml(requirements.data, path=req_path, loader=HelmLoader) or {}
    text = by_name["Chart.yaml"].data.decode("utf-8", errors="replace")
    return metadata_from_document(
        document, path=chart_path, requirements=req_doc, requirements_path=req_path, text=text
    )


def _place(chart: Chart, f: ArchiveFile, subcharts: dict[str, list[ArchiveFile]], where: str) -> None:
    name = f.name
    if name == "Chart.yaml":
        return
    if name in ("Chart.lock", "requirements.lock"):
        chart.lock = _lock(f, where)
        if name == "requirements.lock" and chart.metadata.api_version == "v1":
            chart.files.append(ChartFile(name, f.data))
    elif name == "values.yaml":
        chart.values = load_values(f.data, path=f"{where}/values.yaml")
        chart.values_text = f.data.decode("utf-8", errors="replace")
        chart.has_values_file = True
    elif name == "values.schema.json":
        _schema(chart, f, where)
    elif name == "requirements.yaml":
        if chart.metadata.api_version == "v1":
            chart.files.append(ChartFile(name, f.data))
    elif name.startswith("templates/"):
        chart.templates.append(ChartFile(name, f.data))
    elif name.startswith("charts/") and not name.endswith(".prov"):
        rest = name.removeprefix("charts/")
        subcharts.setdefault(rest.split("/", 1)[0], []).append(ArchiveFile(rest, f.data))
    elif name.startswith("crds/"):
        chart.crds.append(ChartFile(name, f.data))
    else:
        chart.files.append(ChartFile(name, f.data))


def _lock(f: ArchiveFile, where: str) -> dict[str, Any] | None:
    document = load_yaml(f.data, path=f"{where}/{f.name}", loader=HelmLoader)
    if document is not None and not isinstance(document, dict):
        raise YamlError("lock file must be a mapping", path=f"{where}/{f.name}")
    return document


def _schema(chart: Chart, f: ArchiveFile, where: str) -> None:
    chart.schema_text = f.data.decode("utf-8", errors="replace")
    try:
        schema = json.loads(chart.schema_text)
    except ValueError as exc:
        chart.schema_error = f"{where}/values.schema.json: invalid JSON: {exc}"
        return
    if isinstance(schema, dict):
        chart.schema = schema
    else:
        chart.schema_error = f"{where}/values.schema.json: a JSON schema must be an object"


def _load_subchart(
    name: str, files: list[ArchiveFile], parent: Chart, source: Path, where: str, *, budget: _Budget
) -> Chart | None:
    if name.startswith(("_", ".")):
        return None
    sub_where = f"{where}/charts/{name}"
    source = source / "charts" / name if source.is_dir() else source
    try:
        if name.endswith(".tgz"):
            if files[0].name != name:
                raise ChartError(f"expected the archive {name}, found {files[0].name}", path=sub_where)
            limits = Limits(chart_bytes=max(budget.remaining, 0))
            contents = read_archive_bytes(files[0].data, source=sub_where, limits=limits)
            budget.take(sum(len(f.data) for f in contents.files), sub_where)
            return load_chart_files(
                list(contents.files), source=source, where=sub_where, parent=parent, budget=budget
            )
        inner = [ArchiveFile(f.name.split("/", 1)[1], f.data) for f in files if "/" in f.name]
        return load_chart_files(inner, source=source, where=sub_where, parent=parent, budget=budget)
    except ChartError as exc:
        if exc.path is None:
            exc.path = sub_where
        raise
