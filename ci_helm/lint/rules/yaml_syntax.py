"""Chart.yaml, values.yaml, ci values files and values.schema.json parse, safely.

Reports syntax errors with their line, duplicate keys (Helm silently keeps the last one,
which hides mistakes), YAML alias bombs and documents nested absurdly deep (refused before
they can exhaust memory), and a values.schema.json that is not JSON. A chart whose
Chart.yaml or values.yaml does not parse is not rendered.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.model.results import Level

ID = "yaml-syntax"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "chart"


@dataclass(frozen=True)
class Options:
    pass


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    chart = ctx.chart
    for f in (chart.chart_yaml, chart.values_yaml, *chart.ci_values):
        if f is not None and f.error:
            fix = "; remove the duplicate" if "duplicate key" in f.error else ""
            yield Finding(f"{f.error}{fix}", f.path, f.error_line)
    if chart.values_schema_error:
        yield Finding(
            f"values.schema.json is not valid JSON: {chart.values_schema_error}", "values.schema.json"
        )
