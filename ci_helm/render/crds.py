"""The CRDs ``--include-crds`` prints: Helm's ``CRDObjects()`` after dependency processing.

A chart's own ``crds/*.yaml|yml|json`` come first (in the loader's walk order, as Helm's
``ch.Files``), then each *enabled* subchart's, recursively, under its alias: Helm runs
``ProcessDependencies`` before rendering, which drops subcharts disabled by ``condition`` or
``tags``. That processing is chartmodel's port (``ci_helm.chart.dependencies``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ci_helm.chart.dependencies import process_dependencies
from ci_helm.chart.model import Chart

__all__ = ["Crd", "crd_objects"]

_MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


@dataclass(frozen=True)
class Crd:
    filename: str  # e.g. "parent/charts/sub/crds/thing.yaml", as in "# Source:"
    text: str


def crd_objects(chart: Chart, user_values: Mapping[str, Any]) -> list[Crd]:
    if not _has_crds(chart):
        return []  # the common case: no need to coalesce values for conditions
    return list(_crds(process_dependencies(chart, dict(user_values)), chart.name))


def _has_crds(chart: Chart) -> bool:
    return bool(chart.crds) or any(_has_crds(sub) for sub in chart.subcharts)


def _crds(chart: Chart, full_path: str) -> Iterator[Crd]:
    for f in chart.crds:
        if f.name.endswith(_MANIFEST_SUFFIXES):
            yield Crd(f"{full_path}/{f.name}", f.data.decode("utf-8", errors="replace"))
    for sub in chart.subcharts:
        yield from _crds(sub, f"{full_path}/charts/{sub.name}")
