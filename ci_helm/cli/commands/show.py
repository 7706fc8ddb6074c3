"""``ci-helm show chart|values|readme|crds|all CHART``: what ``helm show`` prints, byte for byte.

With ``--format json`` the same information comes structured: the chart's metadata as
Helm reads it, its default values (parsed), the README text and the CRD files.
"""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.chart.loader import load_chart
from ci_helm.chart.model import Chart
from ci_helm.chart.refs import parse_chart_ref, resolve_chart
from ci_helm.chart.show import SECTIONS, Section, chart_crds, find_readme, show
from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode, UsageError

__all__ = ["register", "run"]

_HELP: dict[Section, str] = {
    "all": "show all information of the chart",
    "chart": "show the chart's definition (Chart.yaml as Helm reads it)",
    "values": "show the chart's values.yaml",
    "readme": "show the chart's README",
    "crds": "show the chart's CRDs (its own and its subcharts')",
}


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser(
        "show",
        help="show information of a chart (same output as helm show)",
        description="Print a chart's definition, values, README or CRDs exactly as `helm show` does.",
        parents=[parent],
    )
    sections = group.add_subparsers(dest="section", metavar="SECTION", parser_class=type(group))
    sections.required = True
    for section in SECTIONS:
        parser = sections.add_parser(
            section, help=_HELP[section], description=_HELP[section], parents=[parent]
        )
        parser.add_argument(
            "chart", metavar="CHART", help="chart directory, .tgz, repo/name, https:// or oci://"
        )
        parser.add_argument("--version", dest="chart_version", help="version constraint for a remote chart")
        parser.set_defaults(handler=run, settings=())


def run(args: argparse.Namespace, ctx: Context) -> int:
    section: Section = args.section
    ref = parse_chart_ref(args.chart, cwd=ctx.cwd, version=args.chart_version)
    if args.chart_version and not ref.is_remote:
        raise UsageError(f"--version applies to remote charts only; {args.chart} is a local chart")
    chart = load_chart(resolve_chart(ref))
    if ctx.format == "json":
        ctx.out.json(_document(chart, section))
    elif ctx.format == "text":
        text = show(chart, section)
        if text:
            ctx.out.stdout.write(text)  # exact bytes: no newline added
            ctx.out.stdout.flush()
    else:
        raise UsageError(f"show supports --format text or json, not {ctx.format}")
    return ExitCode.OK


def _document(chart: Chart, section: Section) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if section in ("chart", "all"):
        doc["chart"] = chart.metadata.document
    if section in ("values", "all"):
        doc["values"] = chart.values if chart.has_values_file else None
    if section in ("readme", "all"):
        readme = find_readme(chart)
        doc["readme"] = None if readme is None else {"name": readme.name, "text": readme.text}
    if section in ("crds", "all"):
        doc["crds"] = [{"name": crd.name, "text": crd.text} for crd in chart_crds(chart)]
    return doc
