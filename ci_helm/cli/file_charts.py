"""Which charts a list of files belongs to (``ci-helm lint --files``, as pre-commit passes them).

A file belongs to the outermost folder above it that holds a ``Chart.yaml``, below the working
directory: a change to a vendored subchart (``shop/charts/cache/...``) is linted as part of the
chart that ships it, as chart-testing does. Files outside every chart are ignored.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["charts_containing"]


def charts_containing(root: Path, files: Iterable[str]) -> list[str]:
    """Chart folders (relative to ``root``, ``/``-separated, sorted, unique) containing ``files``."""
    root = root.resolve()
    found: set[str] = set()
    for name in files:
        chart = _outermost_chart(root, (root / name).resolve())
        if chart is not None:
            found.add(chart.relative_to(root).as_posix() or ".")
    return sorted(found)


def _outermost_chart(root: Path, path: Path) -> Path | None:
    if path != root and root not in path.parents:
        return None  # outside the working directory: not ours to lint
    start = path if path.is_dir() else path.parent
    outermost = None
    for folder in (start, *start.parents):
        if (folder / "Chart.yaml").is_file():
            outermost = folder
        if folder == root:
            break
    return outermost
