"""``ci-helm dependency update|build|list CHART``: repositories straight from Chart.yaml, no `repo add`."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode
from ci_helm.repoindex.build import rfc3339
from ci_helm.settings import Setting, add_flags, declare

DEPENDENCY_SETTINGS = declare(
    Setting(
        "repo-auth",
        "credentials by repository host: HOST=USER:PASSWORD (basic) or HOST=TOKEN (bearer); repeatable",
        kind="list",
        default=[],
        secret=True,
    ),
    Setting(
        "dependency-cache", "directory caching downloaded dependency archives (default: ~/.cache/ci-helm)"
    ),
)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("dependency", help="manage a chart's dependencies", parents=[parent])
    sub = group.add_subparsers(metavar="ACTION", parser_class=type(group))
    sub.required = True
    for action, text in (
        ("update", "resolve Chart.yaml's dependencies, write Chart.lock, fill charts/"),
        ("build", "fill charts/ exactly as Chart.lock says"),
        ("list", "show each dependency and whether charts/ satisfies it"),
    ):
        parser = sub.add_parser(action, help=text, parents=[parent])
        parser.add_argument("chart", metavar="CHART", help="chart directory")
        add_flags(parser, DEPENDENCY_SETTINGS)
        parser.set_defaults(handler=run, action=action, settings=DEPENDENCY_SETTINGS)


def _sources(ctx: Context) -> Any:
    from ci_helm.adapters.helm_oci import HelmOciClient
    from ci_helm.adapters.http import HttpFetcher, parse_credentials
    from ci_helm.dependency.manager import Sources

    cache = ctx.settings.get("dependency-cache")
    home = Path(
        ctx.environ.get("XDG_CACHE_HOME") or Path(ctx.environ.get("HOME", "~")).expanduser() / ".cache"
    )
    credentials = parse_credentials(ctx.settings.get("repo-auth") or [])
    return Sources(
        HttpFetcher(credentials), HelmOciClient(credentials), Path(cache) if cache else home / "ci-helm"
    )


def update_chart(chart: Path, ctx: Context, *, build: bool = False) -> Any:
    from ci_helm.dependency.manager import build_dependencies, update_dependencies

    generated = rfc3339(datetime.now(UTC))
    action = build_dependencies if build else update_dependencies
    report = action(chart, _sources(ctx), generated=generated)
    for locked in report.resolved:
        ctx.out.info(f"{chart.name}: {locked.name} {locked.version} from {locked.repository or 'charts/'}")
    return report


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.dependency.manager import list_dependencies

    chart = ctx.cwd / args.chart
    if args.action == "list":
        rows = list_dependencies(chart)
        if ctx.format == "json":
            ctx.out.json(rows)
        else:
            for r in rows:
                ctx.out.write(f"{r['name']}\t{r['version']}\t{r['repository']}\t{r['status']}")
        return ExitCode.OK
    report = update_chart(chart, ctx, build=args.action == "build")
    rows = [d.as_dict() for d in report.resolved]
    if ctx.format == "json":
        ctx.out.json(
            {
                "chart": str(chart),
                "dependencies": rows,
                "lockWritten": report.lock_written,
                "written": [str(p) for p in report.written],
            }
        )
    else:
        for path in report.written:
            ctx.out.write(f"wrote {path}")
        if report.lock_written:
            ctx.out.write(f"wrote the lock file of {chart}")
    return ExitCode.OK
