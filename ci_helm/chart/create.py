"""``ci-helm create``: a new chart from a starter, written atomically, never over an existing path.

The bundled starters (``ci_helm/chart/starters/gotpl`` and ``.../jinja``) are ordinary charts
whose files say ``<CHARTNAME>`` where the new chart's name goes, which is also Helm's starter
convention (``helm create --starter``), so a user's own starter works the same way. They carry
what lint and policy tools ask for: pinned image tags, resources, probes, a non-root security
context, ``values.schema.json``, a ``ci/`` values file and a ``helm test`` hook.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ci_helm.adapters.atomicfile import write_tree_atomic
from ci_helm.chart.model import TemplateEngine
from ci_helm.errors import ChartError, UsageError

__all__ = ["PLACEHOLDER", "STARTERS", "CreatedChart", "create_chart", "starter_files", "validate_chart_name"]

PLACEHOLDER = "<CHARTNAME>"
STARTERS = Path(__file__).parent / "starters"
# Helm's best practice for chart names: lower case letters, digits and dashes.
_NAME = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_MAX_STARTER_FILE = 4 * 1024 * 1024


@dataclass(frozen=True)
class CreatedChart:
    name: str
    path: Path
    engine: TemplateEngine
    files: tuple[str, ...]


def validate_chart_name(name: str) -> None:
    if len(name) > 53 or not _NAME.match(name):
        raise UsageError(
            f"chart name {name!r} is not valid: use lower case letters, digits and dashes, "
            "starting and ending with a letter or digit, at most 53 characters"
        )


def create_chart(destination: Path, *, jinja: bool = False, starter: Path | None = None) -> CreatedChart:
    """Create the chart ``destination.name`` at ``destination`` (which must not exist)."""
    name = destination.name
    validate_chart_name(name)
    if starter is not None and jinja:
        raise UsageError("--jinja and --starter cannot be combined: a starter decides its own engine")
    source = starter if starter is not None else STARTERS / ("jinja" if jinja else "gotpl")
    _check_starter(source)
    files = starter_files(source, name)
    write_tree_atomic(destination, files)
    engine: TemplateEngine = "jinja" if any(f.endswith((".j2", ".jinja")) for f in files) else "gotpl"
    return CreatedChart(name=name, path=destination, engine=engine, files=tuple(files))


def _check_starter(source: Path) -> None:
    if not source.is_dir():
        raise UsageError("starter is not a directory", path=source)
    if not (source / "Chart.yaml").is_file():
        raise UsageError("starter is not a chart: it has no Chart.yaml", path=source)


def starter_files(source: Path, name: str) -> dict[str, bytes]:
    """The starter's regular files (links are skipped) with the chart name filled in."""
    files: dict[str, bytes] = {}
    for path in _regular_files(source):
        rel = path.relative_to(source)
        if path.stat().st_size > _MAX_STARTER_FILE:
            raise ChartError("starter file is over 4 MiB", path=path)
        data = path.read_bytes()
        if rel.as_posix() == "Chart.yaml":
            data = _set_chart_name(data.decode("utf-8"), name).encode()
        files[rel.as_posix()] = data.replace(PLACEHOLDER.encode(), name.encode())
    return files


def _regular_files(source: Path) -> list[Path]:
    """Files under ``source`` without following links (a linked directory could reach anywhere)."""
    found: list[Path] = []
    for root, dirs, names in os.walk(source, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [
            Path(root) / n
            for n in sorted(names)
            if (Path(root) / n).is_file() and not (Path(root) / n).is_symlink()
        ]
    return found


def _set_chart_name(text: str, name: str) -> str:
    """The top-level ``name:`` of Chart.yaml becomes the new name; comments stay as written."""
    replaced, count = re.subn(r"(?m)^name:.*$", f"name: {name}", text, count=1)
    return replaced if count else f"name: {name}\n{text}"
