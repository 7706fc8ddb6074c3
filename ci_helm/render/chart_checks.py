"""What ``helm template`` checks on the chart before rendering, with Helm's rules.

- a library chart is not installable (``checkIfInstallable`` in pkg/cmd/install.go);
- every dependency declared in Chart.yaml / requirements.yaml must be present in
  ``charts/`` (``action.CheckDependencies``), whatever its condition says.
"""

from __future__ import annotations

from ci_helm.chart.model import Chart
from ci_helm.errors import ChartError

__all__ = ["check_dependencies_present", "check_installable"]


def check_installable(chart: Chart) -> None:
    kind = chart.metadata.type
    if kind in (None, "", "application"):
        return
    if kind == "library":
        raise ChartError(
            "library charts are not installable: a library chart only provides named templates "
            "to charts that depend on it; render one of those instead",
            path=f"{chart.source}/Chart.yaml" if chart.source.is_dir() else chart.source,
        )
    raise ChartError(f"{kind} charts are not installable", path=chart.source)


def check_dependencies_present(chart: Chart) -> None:
    present = {sub.name for sub in chart.subcharts}
    missing = list(dict.fromkeys(d.name for d in chart.metadata.dependencies if d.name not in present))
    if missing:
        raise ChartError(
            f"found in Chart.yaml, but missing in charts/ directory: {', '.join(missing)} "
            "(run `helm dependency build` to fetch them)",
            path=chart.source,
        )
