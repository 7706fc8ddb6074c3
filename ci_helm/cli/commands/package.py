"""``ci-helm package CHART...``: reproducible, Helm-compatible chart archives (optionally signed)."""

from __future__ import annotations

import argparse
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ci_helm.cli.chart_selection import SELECTION_SETTINGS, select_charts
from ci_helm.cli.context import Context
from ci_helm.cli.signing import SIGN_SETTINGS
from ci_helm.errors import CiHelmError, ConfigError, ExitCode
from ci_helm.package.packager import PackageOptions, PackageResult, PublishedDigest, package_chart
from ci_helm.provenance import Signer, sign_package
from ci_helm.settings import add_flags


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "package",
        help="package charts into reproducible .tgz archives",
        description="Package charts like `helm package`, byte-for-byte reproducibly, and print each digest.",
        parents=[parent],
    )
    parser.add_argument(
        "charts",
        nargs="*",
        metavar="CHART",
        help="chart directories (default: the charts the change touches)",
    )
    parser.add_argument("-d", "--destination", default=".", help="directory to write packages to")
    parser.add_argument("--version", dest="chart_version", help="set the chart version (SemVer 2.0)")
    parser.add_argument("--app-version", dest="app_version", help="set the chart's appVersion")
    parser.add_argument(
        "-u", "--dependency-update", action="store_true", help="update charts/ from Chart.yaml first"
    )
    parser.add_argument("--sign", action="store_true", help="write a .prov beside each package")
    parser.add_argument(
        "--check-version-bump",
        action="store_true",
        help="refuse a version already published with other content (in the destination or --index)",
    )
    parser.add_argument(
        "--index", metavar="FILE", help="published index.yaml that --check-version-bump reads"
    )
    from ci_helm.cli.commands.dependency import DEPENDENCY_SETTINGS

    settings = (*SELECTION_SETTINGS, *SIGN_SETTINGS, *DEPENDENCY_SETTINGS)
    add_flags(parser, settings)
    parser.set_defaults(handler=run, settings=settings)


def source_date_epoch(ctx: Context) -> int | None:
    raw = ctx.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw == "":
        return None
    if not raw.isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH must be a Unix timestamp, got {raw!r}")
    return int(raw)


def run(args: argparse.Namespace, ctx: Context) -> int:
    options = PackageOptions(
        destination=ctx.cwd / args.destination,
        version=args.chart_version,
        app_version=args.app_version,
        source_date_epoch=source_date_epoch(ctx),
        published=_published(args, ctx) if args.check_version_bump else None,
    )
    with ExitStack() as stack:
        signer: Signer | None = None
        if args.sign:  # the key is set up first: a missing key stops the run before anything is written
            from ci_helm.wiring import signing_keyring

            signer = stack.enter_context(signing_keyring(ctx.settings))
        charts = [str(c) for c in select_charts(ctx, args.charts).charts]
        if not charts:
            ctx.out.info("no charts to package")
        rows = [_one(chart, options, args, ctx, signer) for chart in charts]
    if ctx.format == "json":
        ctx.out.json(rows)
    return ExitCode.CHECKS_FAILED if any("error" in row for row in rows) else ExitCode.OK


def _published(args: argparse.Namespace, ctx: Context) -> PublishedDigest:
    """Digests already published: the --index file's entries (the destination is checked too)."""
    if not args.index:
        return lambda _name, _version: None
    from ci_helm.errors import YamlError
    from ci_helm.repoindex import find_entry, load_index

    path = ctx.cwd / args.index
    try:
        index = load_index(path.read_bytes(), path=str(path))
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror or exc}", path=path) from None

    def digest(name: str, version: str) -> str | None:
        entry = find_entry(index, name, version)
        found = str(entry.get("digest") or "") if entry else ""
        return "sha256:" + found.removeprefix("sha256:") if found else None

    return digest


def _one(
    shown: str,
    options: PackageOptions,
    args: argparse.Namespace,
    ctx: Context,
    signer: Signer | None,
) -> dict[str, Any]:
    path = ctx.cwd / shown
    try:
        if args.dependency_update:
            from ci_helm.cli.commands.dependency import update_chart

            update_chart(path, ctx)
        from ci_helm.adapters.git import last_commit_time

        result = package_chart(path, options, commit_time=last_commit_time)
        row = {**result.as_dict(), "chart": shown}
        if signer is not None:
            row["provenance"] = str(_sign(result, ctx, signer))
    except CiHelmError as exc:
        if exc.exit_code == ExitCode.USAGE:
            raise
        if ctx.format != "json":
            ctx.out.error(str(exc))
        return {"chart": shown, "error": str(exc)}
    if ctx.format != "json":
        ctx.out.write(f"{result.digest}  {result.path}")
        ctx.out.info(f"packaged {result.name} {result.version} (mtime from {result.mtime_source})")
    return row


def _sign(result: PackageResult, ctx: Context, signer: Signer) -> Path:
    signed = sign_package(result.path, signer)
    ctx.out.info(f"signed {result.path.name} with key {signed.fingerprint}")
    return signed.provenance
