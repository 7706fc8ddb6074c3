"""``ci-helm chart show|params``: what a chart lets you set, and a values file to set it with.

``chart show CHART`` lists every parameter (dotted path, type, default, description) from
values.yaml comments and values.schema.json. ``chart params CHART...`` writes a commented values
stub holding the defaults (one section per chart for several), atomically, never over an
existing file unless ``--force``. Later work adds ``chart instances`` to this group.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ci_helm.adapters.atomicfile import write_text_atomic
from ci_helm.chart.docs import chart_docs, format_default
from ci_helm.chart.model import Chart
from ci_helm.chart.params import Parameter
from ci_helm.chart.refs import load_chart_ref
from ci_helm.chart.stub import StubSection, values_stub
from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode

__all__ = ["register"]


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("chart", help="describe a chart's parameters", parents=[parent])
    sub = group.add_subparsers(metavar="ACTION", parser_class=type(group))
    sub.required = True
    show = sub.add_parser(
        "show",
        help="list the chart's parameters: path, type, default, description",
        description="List every parameter of CHART, documented from the comments in values.yaml "
        "(helm-docs `# --`, Bitnami `## @param`, plain) and from values.schema.json.",
        parents=[parent],
    )
    show.add_argument("chart", metavar="CHART", help="chart directory, .tgz, repo/name, https:// or oci://")
    show.add_argument("--no-subcharts", action="store_true", help="leave out the subcharts' parameters")
    show.set_defaults(handler=run_show, settings=())
    params = sub.add_parser(
        "params",
        help="write a commented values stub holding the defaults",
        description="Write a values file with every default of each CHART, commented, ready to edit. "
        "Loaded as-is it changes nothing. Several charts give one section per chart name.",
        parents=[parent],
    )
    params.add_argument("charts", metavar="CHART", nargs="+", help="one or more charts")
    params.add_argument(
        "-o", "--output", metavar="FILE", help="where to write ('-' for stdout; default: <chart>-values.yaml)"
    )
    params.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    params.set_defaults(handler=run_params, settings=())


def _row(p: Parameter) -> list[str]:
    notes = []
    if p.required:
        notes.append("required")
    if p.enum:
        notes.append("one of: " + ", ".join(str(v) for v in p.enum))
    description = p.description + (f" [{'; '.join(notes)}]" if notes else "")
    return [p.path, p.type, format_default(p), description.strip()]


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    chart = load_chart_ref(args.chart, cwd=ctx.cwd)
    params = chart_docs(chart, subcharts=not args.no_subcharts)
    if ctx.format == "json":
        ctx.out.json(
            {
                "chart": chart.name,
                "version": chart.version,
                "engine": chart.engine,
                "parameters": [p.to_dict() for p in params],
            }
        )
        return ExitCode.OK
    ctx.out.info(f"{chart.name} {chart.version} ({chart.engine} chart): {len(params)} parameters")
    rows = [["PARAMETER", "TYPE", "DEFAULT", "DESCRIPTION"], *(_row(p) for p in params)]
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    widths[0] = min(widths[0], 60)
    for r in rows:
        ctx.out.write(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}".rstrip())
    return ExitCode.OK


def _section(chart: Chart) -> StubSection:
    return StubSection(chart.name, chart.version, chart.values, chart_docs(chart, subcharts=False))


def run_params(args: argparse.Namespace, ctx: Context) -> int:
    charts = [load_chart_ref(ref, cwd=ctx.cwd) for ref in args.charts]
    text = values_stub([_section(c) for c in charts])
    if args.output == "-":
        ctx.out.write(text.removesuffix("\n"))
        return ExitCode.OK
    default_name = f"{charts[0].name}-values.yaml" if len(charts) == 1 else "values.yaml"
    target = Path(args.output or default_name)
    target = target if target.is_absolute() else ctx.cwd / target
    write_text_atomic(target, text, overwrite=args.force)
    shown = args.output or default_name
    if ctx.format == "json":
        ctx.out.json(
            {"path": str(target), "charts": [{"name": c.name, "version": c.version} for c in charts]}
        )
    else:
        ctx.out.write(f"Wrote values for {', '.join(c.name for c in charts)} to {shown}")
    return ExitCode.OK
