"""What the deploy-stage commands share: the chart and values of a deploy, engines, printing."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ci_helm.chart.values import merge_user_values
from ci_helm.cli.context import Context
from ci_helm.cli.kube_flags import KubeTarget
from ci_helm.cli.values_flags import value_options
from ci_helm.deploy.deployer import Deployer
from ci_helm.deploy.diff import ManifestDiff
from ci_helm.engine.chart_fetch import is_remote
from ci_helm.engine.releases import Release, ReleaseEngine
from ci_helm.errors import UsageError
from ci_helm.wiring import chart_fetcher, kube_client, release_engine
from ci_helm.yamlio import read_yaml_file

__all__ = ["ChartInput", "chart_input", "deployer", "print_diff", "releases", "status_line"]


@dataclass(frozen=True)
class ChartInput:
    path: Path
    name: str
    version: str
    values: dict[str, Any]
    prepare: Any = None  # a JinjaChartCompiler for Jinja2 charts (close it when done)
    download: Path | None = None  # the folder a remote chart was downloaded into

    def close(self) -> None:
        if self.prepare is not None:
            self.prepare.close()
        if self.download is not None:
            shutil.rmtree(self.download, ignore_errors=True)


def _chart_from_values(files: list[str], cwd: Path) -> tuple[str, Path] | None:
    """A values file may name its chart (``chart: ./charts/shop``), relative to the file."""
    found = None
    for name in files:
        path = Path(name) if Path(name).is_absolute() else cwd / name
        if name == "-" or not path.is_file():
            continue
        data = read_yaml_file(path)
        if isinstance(data, dict) and isinstance(data.get("chart"), str):
            found = (data["chart"], path.parent)
    return found


def chart_input(args: argparse.Namespace, ctx: Context, target: KubeTarget) -> ChartInput:
    from ci_helm.render.chart_source import load_chart_source

    files = [*target.value_files, *args.value_files]
    ref, base, from_values = args.chart, ctx.cwd, False
    if ref is None:
        named = _chart_from_values(files, ctx.cwd)
        if named is None:
            raise UsageError("no chart: give CHART, or a values file with a 'chart:' entry")
        (ref, base), from_values = named, True
    download = None
    if getattr(args, "repo", None) or is_remote(ref):
        download = Path(tempfile.mkdtemp(prefix="ci-helm-chart-"))
        fetcher = chart_fetcher(ctx.settings, ctx.environ)
        ref = str(fetcher.fetch(ref, download, repo_url=getattr(args, "repo", None), version=args.version))
    source = load_chart_source(ref, base)
    values = merge_user_values(replace(value_options(args), value_files=tuple(files)), base_dir=ctx.cwd)
    if from_values:
        values.pop("chart", None)  # a reference for ci-helm, not a value for the chart
    meta = source.chart.metadata
    prepare = None
    if source.chart.engine == "jinja":
        from ci_helm.deploy.jinja_chart import JinjaChartCompiler

        prepare = JinjaChartCompiler(source.chart, source.path, values)
    version = str(getattr(meta, "version", ""))
    return ChartInput(source.path, source.chart.name, version, values, prepare, download)


def releases(ctx: Context, target: KubeTarget) -> ReleaseEngine:
    engine: ReleaseEngine = release_engine(ctx.settings, target.cluster, ctx.environ)
    return engine


def deployer(ctx: Context, target: KubeTarget) -> Deployer:
    return Deployer(releases(ctx, target), kube_client(target.cluster))


def status_line(release: Release) -> str:
    return (
        f"{release.name} (namespace {release.namespace}): revision {release.revision} {release.status}, "
        f"chart {release.chart}" + (f", app {release.app_version}" if release.app_version else "")
    )


def print_diff(ctx: Context, diff: ManifestDiff, *, full: bool) -> None:
    signs = {"added": "+", "changed": "~", "removed": "-"}
    for change in diff.changes:
        ctx.out.write(f"{signs[change.action]} {change.action} {change.obj.ref}")
        if full and change.diff:
            ctx.out.write(change.diff.rstrip("\n"))
    ctx.out.write(f"plan: {diff.summary()}")
