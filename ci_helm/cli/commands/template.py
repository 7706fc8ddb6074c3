"""``ci-helm template CHART``: render a chart locally, byte for byte like ``helm template``."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.chart.values import merge_user_values
from ci_helm.cli.common import ENGINE_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.cli.values_flags import add_value_flags, value_options
from ci_helm.engine.base import DEFAULT_RELEASE_NAME, ReleaseOptions, check_release_name
from ci_helm.engine.kube_version import check_kube_version
from ci_helm.errors import ExitCode, UsageError
from ci_helm.render.chart_source import load_chart_source
from ci_helm.render.output_dir import write_output_dir
from ci_helm.render.pipeline import Rendered, render_chart
from ci_helm.render.template_output import TemplateOptions, plan_writes, stdout_text
from ci_helm.settings import add_flags
from ci_helm.wiring import engine_from_settings

__all__ = ["register", "run"]

SETTINGS = ENGINE_SETTINGS


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "template",
        help="render a chart locally (same output as helm template)",
        description="Render CHART (a directory or .tgz) and print the manifests exactly as "
        "`helm template` does: install order, hooks last, '# Source:' headers.",
        parents=[parent],
    )
    parser.add_argument("chart", metavar="CHART", help="chart directory or .tgz archive")
    add_value_flags(parser)
    parser.add_argument("--name", default=DEFAULT_RELEASE_NAME, help="release name (default: release-name)")
    parser.add_argument("-n", "--namespace", default="default", help="release namespace (default: default)")
    parser.add_argument(
        "--is-upgrade", action="store_true", help="set .Release.IsUpgrade instead of IsInstall"
    )
    parser.add_argument("--include-crds", action="store_true", help="include CRDs from crds/ in the output")
    parser.add_argument("--skip-tests", action="store_true", help="leave test hooks out of the output")
    parser.add_argument(
        "-s",
        "--show-only",
        action="append",
        default=[],
        metavar="PATH",
        help="only show manifests rendered from templates matching PATH (glob, repeatable)",
    )
    parser.add_argument("--output-dir", metavar="DIR", help="write each template's manifests to files in DIR")
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    if args.output_dir and args.show_only:
        raise UsageError("--show-only cannot be combined with --output-dir (helm template fails on it too)")
    source = load_chart_source(args.chart, ctx.cwd)
    values = merge_user_values(value_options(args), base_dir=ctx.cwd)
    release = _release(args, ctx)
    if source.chart.metadata.deprecated:
        ctx.out.warn(f"chart {source.chart.name} is deprecated")
    engine = engine_from_settings(ctx.settings, environ=ctx.environ)
    try:
        rendered = render_chart(
            engine, source.chart, source.path, values, release, timeout=float(ctx.settings["timeout"])
        )
    finally:
        engine.close()
    for warning in rendered.warnings:
        ctx.out.warn(f"helm: {warning}")
    opts = TemplateOptions(
        include_crds=args.include_crds,
        skip_tests=args.skip_tests,
        show_only=tuple(args.show_only),
        release_name=release.name,
    )
    return _emit(ctx, rendered, opts, args.output_dir)


def _release(args: argparse.Namespace, ctx: Context) -> ReleaseOptions:
    return ReleaseOptions(
        name=check_release_name(args.name),
        namespace=args.namespace,
        is_install=not args.is_upgrade,
        is_upgrade=args.is_upgrade,
        kube_version=_kube_version(ctx.settings.get("kube-version")),
        api_versions=tuple(ctx.settings.get("api-versions") or ()),
    )


def _kube_version(value: str | None) -> str | None:
    return check_kube_version(value) if value else None


def _emit(ctx: Context, rendered: Rendered, opts: TemplateOptions, output_dir: str | None) -> int:
    if output_dir:
        written = write_output_dir(plan_writes(rendered.sorted, output_dir, opts), output_dir)
        if ctx.format == "json":
            ctx.out.json({"written": [line.removeprefix("wrote ") for line in written]})
            return ExitCode.OK
        for line in written:
            ctx.out.write(line)
        ctx.out.stdout.write("\n")  # helm prints the (empty) manifest block after the file list
        return ExitCode.OK
    if ctx.format == "json":
        ctx.out.json(_as_json(rendered, opts))
        return ExitCode.OK
    ctx.out.stdout.write(stdout_text(rendered.sorted, opts))
    ctx.out.stdout.flush()
    return ExitCode.OK


def _as_json(rendered: Rendered, opts: TemplateOptions) -> dict[str, Any]:
    result = rendered.sorted
    return {
        "crds": [{"path": c.filename, "content": c.text} for c in result.crds] if opts.include_crds else [],
        "manifests": [
            {"path": m.path, "kind": m.head.kind, "name": m.head.name, "content": m.content}
            for m in result.manifests
        ],
        "hooks": [
            {
                "path": h.path,
                "kind": h.kind,
                "name": h.name,
                "events": list(h.events),
                "weight": h.weight,
                "content": h.content,
            }
            for h in result.hooks
            if not (opts.skip_tests and h.is_test)
        ],
        "warnings": list(rendered.warnings),
    }
