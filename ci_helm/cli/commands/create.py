"""``ci-helm create NAME [--starter DIR] [--jinja]``: a new chart that renders and lints out of the box."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ci_helm.chart.create import create_chart
from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "create",
        help="create a new chart (Go templates, or Jinja2 with --jinja)",
        description="Create a chart directory NAME (its last path element is the chart name). "
        "It carries pinned image tags, resources, probes, a non-root security context, "
        "values.schema.json, a ci/ values file and a helm test hook. NAME must not exist.",
        parents=[parent],
    )
    parser.add_argument("name", metavar="NAME", help="chart directory to create, e.g. charts/web")
    engine = parser.add_mutually_exclusive_group()
    engine.add_argument("--jinja", action="store_true", help="a Deployment-Manager-style Jinja2 chart")
    engine.add_argument(
        "--starter", metavar="DIR", help="copy this starter chart, replacing <CHARTNAME> (as helm create)"
    )
    parser.set_defaults(handler=run, settings=())


def run(args: argparse.Namespace, ctx: Context) -> int:
    destination = Path(args.name)
    if not destination.is_absolute():
        destination = ctx.cwd / destination
    starter = None if args.starter is None else ctx.cwd / Path(args.starter)
    created = create_chart(destination, jinja=args.jinja, starter=starter)
    shown = args.name
    if ctx.format == "json":
        ctx.out.json(
            {
                "chart": created.name,
                "path": str(created.path),
                "engine": created.engine,
                "files": created.files,
            }
        )
        return ExitCode.OK
    ctx.out.write(f"Created {created.engine} chart {created.name} in {shown}")
    ctx.out.info(f"next: ci-helm template {shown}; ci-helm chart show {shown}")
    return ExitCode.OK
