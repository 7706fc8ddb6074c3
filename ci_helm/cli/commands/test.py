"""``ci-helm test [CHART...] [--all | --changed]``: install, wait, run test hooks, clean up.

Each chart x scenario runs in a fresh namespace (in parallel with ``--parallel N``), is
always removed afterwards - also after a failure or Ctrl-C - and leaves a debug bundle in
``--artifacts DIR`` when it fails. ``--upgrade`` installs the target branch's version
first and upgrades it to the working tree's.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from ci_helm.chart.values import ValueOptions, merge_user_values
from ci_helm.cli.chart_selection import SELECTION_SETTINGS, change_options, select_charts
from ci_helm.cli.common import ENGINE_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.cli.kube_flags import DEPLOY_SETTINGS, KUBE_SETTINGS, kube_target
from ci_helm.cli.reporting import REPORT_SETTINGS, emit_reports, report_targets
from ci_helm.deploy.chart_test import ChartTester, TestJob, find_scenarios
from ci_helm.engine.releases import ClusterTarget
from ci_helm.errors import ExitCode, UsageError
from ci_helm.model.results import ChartReport, CheckResult, RunReport
from ci_helm.settings import Setting, add_flags, declare
from ci_helm.wiring import git_repo, kube_client, release_engine

__all__ = ["register", "run"]

TEST_SETTINGS = declare(
    Setting("ci-values-dir", "folder (in each chart) holding scenario values files", default="ci"),
    Setting("ci-values-pattern", "glob of scenario values files in ci-values-dir", default="*-values.yaml"),
    Setting("parallel", "chart scenarios installed at the same time", kind="int", default=1),
    Setting("artifacts", "folder for the debug bundles of failed scenarios"),
    Setting(
        "upgrade",
        "install the target branch's version first, then upgrade to this one",
        kind="bool",
        default=False,
    ),
)
SETTINGS = (
    SELECTION_SETTINGS + ENGINE_SETTINGS + KUBE_SETTINGS + DEPLOY_SETTINGS + TEST_SETTINGS + REPORT_SETTINGS
)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "test",
        help="install charts in fresh namespaces and run their test hooks (ct install, done better)",
        parents=[parent],
    )
    parser.add_argument("charts", nargs="*", metavar="CHART", help="chart folders (default: changed charts)")
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.settings
    parallel = int(s.get("parallel") or 1)
    if parallel < 1:
        raise UsageError("--parallel must be at least 1")
    started = time.monotonic()
    report_targets(ctx)  # a bad --report fails before any cluster work
    selection = select_charts(ctx, args.charts)
    if not selection.charts:
        ctx.out.info("no charts to test")
        emit_reports(RunReport(command="test"), ctx)
        return ExitCode.OK
    cluster = kube_target(ctx).cluster
    kube = kube_client(cluster)
    kube.check_reachable()
    artifacts = Path(s["artifacts"]) if s.get("artifacts") else None
    tester = ChartTester(
        lambda ns: release_engine(s, ClusterTarget(cluster.kubeconfig, cluster.context, ns), ctx.environ),
        kube,
        timeout=float(s.get("wait-timeout", 300.0)),
        artifacts=artifacts if artifacts is None or artifacts.is_absolute() else ctx.cwd / artifacts,
    )
    with ExitStack() as stack:
        bases = _bases(ctx, selection.charts, stack) if s.get("upgrade") else {}
        plan = [(chart, _jobs(ctx, chart, bases.get(chart))) for chart in selection.charts]
        results = iter(_run_all(tester, [job for _, jobs in plan for job in jobs], parallel, ctx))
    report = RunReport(
        command="test",
        charts=[
            ChartReport(
                chart=chart.as_posix(),
                name=jobs[0].chart_name,
                version=jobs[0].chart_version,
                checks=[next(results) for _ in jobs],
            )
            for chart, jobs in plan
        ],
        duration_s=time.monotonic() - started,
    )
    emit_reports(report, ctx)
    if ctx.in_github_actions:
        _bundle_groups(ctx, report)
    return report.exit_code()


def _bundle_groups(ctx: Context, report: RunReport) -> None:
    """Failed scenarios' events in collapsed log groups, so the job log stays short."""
    for chart in report.charts:
        for check in chart.checks:
            marker = "debug bundle: "
            if not check.failed() or marker not in check.output:
                continue
            bundle = Path(check.output.split(marker, 1)[1].strip())
            events = bundle / "events.txt"
            ctx.out.write(f"::group::{chart.name} {check.check}: events (bundle in {bundle})")
            ctx.out.write(events.read_text(encoding="utf-8") if events.is_file() else "(no events)")
            ctx.out.write("::endgroup::")


def _jobs(ctx: Context, chart: Path, base: Path | None) -> list[TestJob]:
    from ci_helm.render.chart_source import load_chart_source

    source = load_chart_source(str(chart), ctx.cwd)

    def load(path: Path) -> dict[str, Any]:
        return merge_user_values(ValueOptions(value_files=(str(path),)), base_dir=ctx.cwd)

    scenarios = find_scenarios(
        source.path,
        load,
        str(ctx.settings.get("ci-values-dir") or ""),
        str(ctx.settings.get("ci-values-pattern")),
    )
    version = str(getattr(source.chart.metadata, "version", ""))
    return [TestJob(source.path, source.chart.name, scenario, base, version) for scenario in scenarios]


def _run_all(tester: ChartTester, jobs: list[TestJob], parallel: int, ctx: Context) -> list[CheckResult]:
    pool = ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="ci-helm-test")
    try:
        futures = [pool.submit(tester.run, job) for job in jobs]
        for job in jobs:
            ctx.out.info(f"testing {job.chart_name} ({job.scenario.name})")
        return [f.result() for f in futures]
    except KeyboardInterrupt:
        ctx.out.info("interrupted: cancelling and removing the test namespaces")
        pool.shutdown(wait=False, cancel_futures=True)
        tester.cancel()
        pool.shutdown(wait=True)  # running jobs clean up after themselves
        for namespace in list(tester.live_namespaces):
            tester.remove_namespace(namespace)
        raise
    finally:
        pool.shutdown(wait=True)


def _bases(ctx: Context, charts: list[Path], stack: ExitStack) -> dict[Path, Path]:
    """Each chart as it is on the merge-base with the target branch (absent: a new chart)."""
    from ci_helm.changes import resolve_base

    repo = git_repo(ctx.cwd, ctx.environ)
    base = resolve_base(repo, change_options(ctx, repo.root))
    files = repo.list_files(base.commit)
    tmp = Path(tempfile.mkdtemp(prefix="ci-helm-base-"))
    stack.callback(shutil.rmtree, tmp, True)
    found: dict[Path, Path] = {}
    for chart in charts:
        rel = (ctx.cwd / chart).resolve().relative_to(repo.root.resolve()).as_posix()
        members = [f for f in files if f.startswith(rel + "/")]
        if f"{rel}/Chart.yaml" not in members:
            ctx.out.info(f"{chart}: new on {base.ref}, installed without the upgrade test")
            continue
        for member in members:
            data = repo.read(base.commit, member) or b""
            target = tmp / member
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        found[chart] = tmp / rel
    return found
