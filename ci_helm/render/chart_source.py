"""Where the chart to render comes from: a directory, a ``.tgz``, and later repo/name, URL, oci://.

Classification and loading are chartmodel's (``ci_helm.chart.refs``/``loader``): an archive
is read by our safe loader (no ``..``, absolute paths, links, oversized members) before the
Helm engine ever sees the file, so a hostile archive is refused with one clear line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ci_helm.chart.loader import load_chart
from ci_helm.chart.model import Chart
from ci_helm.chart.refs import parse_chart_ref, resolve_chart

__all__ = ["ChartSource", "load_chart_source"]


@dataclass(frozen=True)
class ChartSource:
    path: Path  # what the engine loads: the chart directory or the validated archive
    chart: Chart


def load_chart_source(ref: str, cwd: Path) -> ChartSource:
    path = resolve_chart(parse_chart_ref(ref, cwd=cwd)).resolve()
    return ChartSource(path, load_chart(path))
