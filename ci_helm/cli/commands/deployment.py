"""``ci-helm deployment list|show|history|delete|params|manifest`` and Helm's spellings
``list``, ``history``, ``uninstall``, ``get values``, ``get manifest``."""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from ci_helm.cli.common import ENGINE_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.cli.deploy_support import releases, status_line
from ci_helm.cli.kube_flags import DEPLOY_SETTINGS, KUBE_SETTINGS, kube_target
from ci_helm.cli.reporting import write_atomic
from ci_helm.engine.releases import Release
from ci_helm.errors import ExitCode, UsageError
from ci_helm.settings import add_flags

__all__ = ["register"]

SETTINGS = ENGINE_SETTINGS + KUBE_SETTINGS + DEPLOY_SETTINGS


def _parser(sub: Any, name: str, help_text: str, parent: argparse.ArgumentParser, handler: Any) -> Any:
    parser = sub.add_parser(name, help=help_text, parents=[parent])
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=handler, settings=SETTINGS)
    return parser


def _add_list(sub: Any, name: str, parent: argparse.ArgumentParser) -> None:
    parser = _parser(sub, name, "list releases", parent, run_list)
    parser.add_argument("-A", "--all-namespaces", action="store_true", help="releases of every namespace")
    parser.add_argument("--filter", metavar="REGEX", help="only releases whose name matches REGEX")
    parser.add_argument("--chart", metavar="CHART", help="only releases running this chart (by name)")


def _add_names(parser: Any, output: bool = False) -> None:
    parser.add_argument("names", nargs="+", metavar="NAME")
    if output:
        parser.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("deployment", help="inspect and manage releases", parents=[parent])
    sub = group.add_subparsers(metavar="ACTION", parser_class=type(group))
    sub.required = True
    _add_list(sub, "list", parent)
    show = _parser(sub, "show", "a release's state and values", parent, run_show)
    show.add_argument("name", metavar="NAME")
    history = _parser(sub, "history", "a release's revisions", parent, run_history)
    history.add_argument("name", metavar="NAME")
    _add_names(_parser(sub, "delete", "uninstall releases", parent, run_delete))
    _add_names(_parser(sub, "params", "the values releases were deployed with", parent, run_params), True)
    _add_names(_parser(sub, "manifest", "the manifests of releases", parent, run_manifest), True)
    # Helm's spellings.
    _add_list(subparsers, "list", parent)
    helm_history = _parser(
        subparsers, "history", "a release's revisions (= deployment history)", parent, run_history
    )
    helm_history.add_argument("name", metavar="NAME")
    _add_names(
        _parser(subparsers, "uninstall", "uninstall releases (= deployment delete)", parent, run_delete)
    )
    get = subparsers.add_parser("get", help="Helm's get values|manifest", parents=[parent])
    get_sub = get.add_subparsers(metavar="WHAT", parser_class=type(group))
    get_sub.required = True
    _add_names(_parser(get_sub, "values", "= deployment params", parent, run_params), True)
    _add_names(_parser(get_sub, "manifest", "= deployment manifest", parent, run_manifest), True)
    _add_chart_instances(subparsers, parent)


def _add_chart_instances(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    """``ci-helm chart instances CHART``, joined to the ``chart`` group of ci_helm.cli.commands.chart
    (registered before this module: commands register in name order)."""
    group = subparsers.choices.get("chart")
    actions = [a for a in getattr(group, "_actions", []) if isinstance(a, argparse._SubParsersAction)]
    if not actions:
        return
    parser = _parser(actions[0], "instances", "the releases running a chart", parent, run_instances)
    parser.add_argument("chart_name", metavar="CHART", help="chart name (or a chart directory)")
    parser.add_argument("-A", "--all-namespaces", action="store_true", help="releases of every namespace")


def run_instances(args: argparse.Namespace, ctx: Context) -> int:
    name = args.chart_name
    chart_yaml = Path(name) / "Chart.yaml" if Path(name).is_absolute() else ctx.cwd / name / "Chart.yaml"
    if chart_yaml.is_file():
        name = str((yaml.safe_load(chart_yaml.read_text(encoding="utf-8")) or {}).get("name", name))
    args.filter, args.chart = None, name
    return run_list(args, ctx)


def run_list(args: argparse.Namespace, ctx: Context) -> int:
    if args.filter:
        try:
            re.compile(args.filter)
        except re.error as exc:
            raise UsageError(f"--filter: invalid regular expression: {exc}") from None
    found = releases(ctx, kube_target(ctx)).list_releases(
        all_namespaces=args.all_namespaces, name_filter=args.filter
    )
    if args.chart:
        found = [r for r in found if r.chart_name == args.chart]
    if ctx.format == "json":
        ctx.out.json([r.summary() for r in found])
        return ExitCode.OK
    rows = [("NAME", "NAMESPACE", "REVISION", "STATUS", "CHART", "APP VERSION", "UPDATED")]
    rows += [
        (r.name, r.namespace, str(r.revision), r.status, r.chart, r.app_version, r.updated) for r in found
    ]
    _table(ctx, rows)
    return ExitCode.OK


def _table(ctx: Context, rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        ctx.out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def run_show(args: argparse.Namespace, ctx: Context) -> int:
    engine = releases(ctx, kube_target(ctx))
    release = engine.status(args.name)
    values = engine.get_values(args.name)
    if ctx.format == "json":
        ctx.out.json({**release.summary(), "values": values, "notes": release.notes})
        return ExitCode.OK
    ctx.out.write(status_line(release))
    ctx.out.write(f"updated: {release.updated}")
    ctx.out.write(
        "values:"
        + ("\n" + _indent(yaml.safe_dump(values, sort_keys=False)) if values else " (chart defaults)")
    )
    return ExitCode.OK


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.rstrip("\n").splitlines())


def run_history(args: argparse.Namespace, ctx: Context) -> int:
    entries = releases(ctx, kube_target(ctx)).history(args.name)
    if ctx.format == "json":
        ctx.out.json([r.summary() for r in entries])
        return ExitCode.OK
    rows = [("REVISION", "UPDATED", "STATUS", "CHART", "APP VERSION", "DESCRIPTION")]
    rows += [(str(r.revision), r.updated, r.status, r.chart, r.app_version, r.description) for r in entries]
    _table(ctx, rows)
    return ExitCode.OK


def run_delete(args: argparse.Namespace, ctx: Context) -> int:
    engine = releases(ctx, kube_target(ctx))
    wait, timeout = bool(ctx.settings.get("wait", True)), float(ctx.settings.get("wait-timeout", 300.0))
    for name in args.names:
        engine.uninstall(name, wait=wait, timeout=timeout)
        ctx.out.write(f'release "{name}" uninstalled')
    return ExitCode.OK


def _emit(ctx: Context, args: argparse.Namespace, text: str) -> None:
    if args.output:
        write_atomic(Path(args.output) if Path(args.output).is_absolute() else ctx.cwd / args.output, text)
        ctx.out.info(f"wrote {args.output}")
    else:
        ctx.out.stdout.write(text)
        ctx.out.stdout.flush()


def run_params(args: argparse.Namespace, ctx: Context) -> int:
    engine = releases(ctx, kube_target(ctx))
    found = {name: engine.get_values(name) for name in args.names}
    if ctx.format == "json" and not args.output:
        ctx.out.json(found if len(args.names) > 1 else found[args.names[0]])
        return ExitCode.OK
    # Several releases: one document with a section per release.
    data = found if len(args.names) > 1 else found[args.names[0]]
    _emit(ctx, args, yaml.safe_dump(data, sort_keys=False) if data else "{}\n")
    return ExitCode.OK


def run_manifest(args: argparse.Namespace, ctx: Context) -> int:
    engine = releases(ctx, kube_target(ctx))
    found: list[Release] = [engine.status(name) for name in args.names]
    if ctx.format == "json" and not args.output:
        ctx.out.json({r.name: r.manifest for r in found})
        return ExitCode.OK
    if len(found) == 1:
        _emit(ctx, args, found[0].manifest)
        return ExitCode.OK
    parts = [f"# release: {r.name} (revision {r.revision})\n{r.manifest.strip()}\n" for r in found]
    _emit(ctx, args, "---\n".join(parts))
    return ExitCode.OK
