"""Where the chart to render comes from: a local directory or a ``.tgz`` (validated first).

``repo/name``, ``https://`` and ``oci://`` references resolve to a local archive first (a
later issue); the resolved path is what the Helm engine loads, and only after our own safe
loader has accepted it, so a hostile archive never reaches Helm.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ci_helm.chart.model import Chart
from ci_helm.errors import ChartError, UsageError

__all__ = ["ChartSource", "load_chart_source"]

_REMOTE = re.compile(r"^(oci|https?)://", re.IGNORECASE)


@dataclass(frozen=True)
class ChartSource:
    path: Path  # what the engine loads: the chart directory or the validated archive
    chart: Chart


def load_chart_source(ref: str, cwd: Path) -> ChartSource:
    if _REMOTE.match(ref):
        raise UsageError(f"{ref}: remote charts are not supported by template yet; pull the chart first")
    path = Path(ref) if Path(ref).is_absolute() else cwd / ref
    if not path.exists():
        hint = " (repo/name references need a pulled chart)" if ref.count("/") == 1 else ""
        raise ChartError(f"chart not found{hint}", path=ref)
    from ci_helm.render._chart_shim import load_chart

    return ChartSource(path.resolve(), load_chart(path.resolve()))
