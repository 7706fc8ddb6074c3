"""``ci-helm lint [CHART...] [--all | --changed]``: every check chart-testing runs, and more.

Rules are plug-ins (``ci-helm lint --list-rules``); configuration and exit codes are in
the README. Charts and scenarios are checked in parallel; a progress bar shows on a TTY.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ci_helm.cli.chart_selection import SELECTION_SETTINGS, ChartSelection, detect_changes, select_charts
from ci_helm.cli.common import ENGINE_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.cli.reporting import REPORT_SETTINGS, emit_reports, report_targets
from ci_helm.errors import CiHelmError, ConfigError, ExitCode
from ci_helm.kube.schemas import KubeVersion, available_versions, parse_kube_version
from ci_helm.lint.config import configure_rules
from ci_helm.lint.history import ChangeSetHistory, index_versions
from ci_helm.lint.inputs import ScenarioLayout
from ci_helm.lint.model import LintServices
from ci_helm.lint.output import print_rules, rich_progress
from ci_helm.lint.runner import LintRequest, lint_charts
from ci_helm.settings import Setting, Settings, add_flags, declare

__all__ = ["DEFAULT_KUBE_VERSION", "LINT_SETTINGS", "register", "run"]

# Helm 4.2's default Capabilities.KubeVersion: rendering and schema validation agree on it.
DEFAULT_KUBE_VERSION = "1.36.0"

# Shared with chart-testing (same meaning as its ct.yaml keys and CT_* variables).
CT_SETTINGS = declare(
    Setting(
        "lint-conf", "yamllint config file (default: chart-testing's lintconf)", env_aliases=("CT_LINT_CONF",)
    ),
    Setting(
        "chart-yaml-schema",
        "chart-testing Yamale schema for Chart.yaml: its required/declared fields are enforced",
        env_aliases=("CT_CHART_YAML_SCHEMA",),
    ),
    Setting(
        "validate-chart-schema",
        "check Chart.yaml (rule chart-yaml)",
        kind="bool",
        default=True,
        env_aliases=("CT_VALIDATE_CHART_SCHEMA",),
    ),
    Setting(
        "validate-yaml",
        "run yamllint on Chart.yaml, values and ci values (rule yaml-style)",
        kind="bool",
        default=True,
        env_aliases=("CT_VALIDATE_YAML",),
    ),
    Setting(
        "validate-maintainers",
        "look each maintainer up as an account on the git host (network)",
        kind="bool",
        default=False,
        env_aliases=("CT_VALIDATE_MAINTAINERS",),
    ),
    Setting(
        "check-version-increment",
        "a changed chart must have a higher version than on the target branch",
        kind="bool",
        default=True,
        env_aliases=("CT_CHECK_VERSION_INCREMENT",),
    ),
)

LINT_SETTINGS = declare(
    Setting("strict", "warnings fail the run too (exit 1)", kind="bool", default=False),
    Setting("ci-values-dir", "folder (in each chart) holding scenario values files", default="ci"),
    Setting("ci-values-pattern", "glob of scenario values files in ci-values-dir", default="*-values.yaml"),
    Setting("index", "a repository index.yaml (path or URL): versions already published must not be reused"),
    Setting("enable-rules", "turn these rules on (repeatable)", kind="list", default=[]),
    Setting("disable-rules", "turn these rules off (repeatable)", kind="list", default=[]),
    Setting("maintainer-host", "git host where maintainer accounts are checked", default="github.com"),
    Setting(
        "lint", "per-rule settings: lint.rules.<id>: {enabled, level, options}", kind="mapping", flag=False
    ),
)

SETTINGS = SELECTION_SETTINGS + ENGINE_SETTINGS + CT_SETTINGS + LINT_SETTINGS + REPORT_SETTINGS


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "lint",
        help="lint charts: Chart.yaml, YAML style, helm lint, schemas, Kubernetes APIs, best practices",
        description="Lint charts (the changed ones by default) and report every problem found.",
        parents=[parent],
    )
    parser.add_argument("charts", nargs="*", metavar="CHART", help="chart folders (default: changed charts)")
    parser.add_argument("--list-rules", action="store_true", help="describe every rule and exit")
    parser.add_argument(
        "--files",
        nargs="+",
        metavar="FILE",
        help="lint the charts containing these files (what the pre-commit hook passes)",
    )
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    s = ctx.settings
    if args.list_rules:
        print_rules(ctx)
        return ExitCode.OK
    rules = configure_rules(
        s.get("lint"),
        enable=s.get("enable-rules") or [],
        disable=_disabled(s),
        options_overrides=_overrides(s),
    )
    report_targets(ctx)  # a bad --report FORMAT=PATH fails before any work
    if args.files:
        from ci_helm.cli.file_charts import charts_containing

        charts = charts_containing(ctx.cwd, args.files)
        if not charts:
            ctx.out.info("no chart contains the given files: nothing to lint")
            return ExitCode.OK
        args.charts = [*args.charts, *charts]
    selection = select_charts(ctx, args.charts)
    if not selection.charts:
        ctx.out.info("no charts to lint")
        emit_reports(ctx=ctx, report=lint_charts(LintRequest([], rules, _services(ctx, selection)), None))
        return ExitCode.OK
    services = _services(ctx, selection)
    request = LintRequest(
        charts=[(ctx.cwd / c, c.as_posix()) for c in selection.charts],
        rules=rules,
        services=services,
        layout=ScenarioLayout(str(s.get("ci-values-dir") or ""), str(s.get("ci-values-pattern"))),
    )
    from ci_helm.wiring import lint_scenario_runner, offload_pool

    runner = lint_scenario_runner(s, ctx.environ)
    offload = offload_pool(1) if len(selection.charts) > 1 else None  # yamllint: one process keeps up
    if offload is not None:
        services.offload = lambda fn, *a: offload.submit(fn, *a).result()
    try:
        with rich_progress(ctx) as progress:
            report = lint_charts(request, runner, progress)
    finally:
        runner.close()
        if offload is not None:
            offload.shutdown(cancel_futures=True)
    emit_reports(ctx=ctx, report=report)
    return report.exit_code()


def kube_versions(raw: str | None) -> list[KubeVersion]:
    """``--kube-version 1.29,1.31``: one or several target releases (Helm's default when unset)."""
    texts = [t.strip() for t in (raw or DEFAULT_KUBE_VERSION).split(",") if t.strip()]
    try:
        versions = sorted({parse_kube_version(t) for t in texts})
    except ValueError as exc:
        raise ConfigError(f"--kube-version: {exc}") from None
    newest = available_versions()[-1]
    for v in versions:
        if (v.major, v.minor) > (newest.major, newest.minor):
            raise ConfigError(f"--kube-version {v}: newer than the bundled schemas (up to {newest})")
    return versions


def _disabled(s: Settings) -> list[str]:
    off = list(s.get("disable-rules") or [])
    if not s.get("validate-chart-schema", True):
        off.append("chart-yaml")
    if not s.get("validate-yaml", True):
        off.append("yaml-style")
    if not s.get("check-version-increment", True):
        off.append("version-increment")
    return off


def _overrides(s: Settings) -> dict[str, dict[str, Any]]:
    """Settings that are really rule options (chart-testing's flags)."""
    out: dict[str, dict[str, Any]] = {}
    if s.get("lint-conf"):
        out["yaml-style"] = {"config-file": s.get("lint-conf")}
    if s.get("chart-yaml-schema"):
        from ci_helm.lint.yamale_map import chart_yaml_options

        out["chart-yaml"] = chart_yaml_options(Path(s.get("chart-yaml-schema")))
    return out


def _services(ctx: Context, selection: ChartSelection) -> LintServices:
    s = ctx.settings
    history: ChangeSetHistory | None = None
    if s.get("check-version-increment", True) and "version-increment" not in _disabled(s):
        history = _history(ctx, selection)
    services = LintServices(
        kube_versions=kube_versions(s.get("kube-version")),
        strict=bool(s.get("strict")),
        history=history,
        git_host=str(s.get("maintainer-host") or "github.com"),
        settings={"lint-conf": s.get("lint-conf")},
    )
    if history is not None:
        services.changed = history.is_changed
    if s.get("validate-maintainers"):
        from ci_helm.adapters.http_probe import head_status

        services.http_get = head_status
    return services


def _history(ctx: Context, selection: ChartSelection) -> ChangeSetHistory | None:
    published: dict[str, list[str]] = {}
    if ctx.settings.get("index"):
        from ci_helm.adapters.http_probe import fetch_text

        location = str(ctx.settings.get("index"))
        published = index_versions(fetch_text(location), location)
    changes, root = selection.changes, None
    if changes is None:
        try:
            changes, root = detect_changes(ctx)
        except CiHelmError as exc:
            ctx.out.warn(f"version increment against the target branch not checked: {exc}")
            return ChangeSetHistory(None, None, published) if published else None
    else:
        from ci_helm.wiring import git_repo

        root = git_repo(ctx.cwd, ctx.environ).root
    return ChangeSetHistory(changes, root, published)
