"""Where reports go: the main ``--format`` to stdout, ``--report FORMAT=PATH`` files, and GitHub.

Commands that produce a :class:`~ci_helm.model.results.RunReport` (lint, test, ...) add
``REPORT_SETTINGS`` to theirs, call :func:`report_targets` before doing any work (so a bad
``--report`` fails fast) and :func:`emit_reports` at the end. Inside GitHub Actions the
problems are annotated (on stderr, so stdout stays clean for ``--format json``) and a
Markdown summary is appended to ``$GITHUB_STEP_SUMMARY`` without being asked.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import ci_helm
from ci_helm.adapters.atomicfile import atomic_write_text
from ci_helm.cli.context import Context
from ci_helm.errors import UsageError
from ci_helm.model.results import RunReport
from ci_helm.report import FORMATS, RenderOptions, render
from ci_helm.report.common import rebase
from ci_helm.report.github import annotation_lines, step_summary
from ci_helm.settings import Setting, declare

__all__ = ["REPORT_SETTINGS", "ReportTarget", "emit_reports", "report_targets", "write_atomic"]

REPORT_SETTINGS = declare(
    Setting(
        "report",
        f"also write a report file, FORMAT=PATH (repeatable; FORMAT one of {', '.join(FORMATS)})",
        kind="list",
        default=[],
    ),
    Setting(
        "github-annotations",
        "inside GitHub Actions, annotate problems and append a summary to $GITHUB_STEP_SUMMARY",
        kind="bool",
        default=True,
    ),
)

ReportTarget = tuple[str, Path]


def report_targets(ctx: Context, values: Sequence[str] | None = None) -> list[ReportTarget]:
    """Parse ``FORMAT=PATH`` items (paths relative to the current directory)."""
    items = list(ctx.settings.get("report") or []) if values is None else list(values)
    targets: list[ReportTarget] = []
    for item in items:
        fmt, sep, path = item.partition("=")
        fmt = fmt.strip()
        if not sep or not path.strip():
            raise UsageError(f"--report {item!r}: expected FORMAT=PATH, e.g. junit=reports/lint.xml")
        if fmt not in FORMATS:
            raise UsageError(f"--report {item!r}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        targets.append((fmt, ctx.cwd / path.strip()))
    return targets


def emit_reports(
    report: RunReport,
    ctx: Context,
    report_args: Sequence[str] | None = None,
    *,
    rules: Mapping[str, str] | None = None,
) -> None:
    """Print the report in ``--format``, write every ``--report`` file, and feed GitHub Actions.

    ``rules`` maps rule ids to their documentation (the lint rule docstrings) for SARIF.
    """
    docs, levels = (dict(rules), {}) if rules is not None else _registered_rules()
    options = RenderOptions(
        color=ctx.out.color, rules=docs, rule_levels=levels, tool_version=ci_helm.__version__
    )
    targets = report_targets(ctx, report_args)
    from_root = rebase(report, _repo_prefix(ctx))
    ctx.out.write(_render(ctx.format, report, from_root, options))
    for fmt, path in targets:
        write_atomic(path, _render(fmt, report, from_root, replace(options, color=False)))
        ctx.out.info(f"wrote {fmt} report to {path}")
    if ctx.in_github_actions and ctx.settings.get("github-annotations", True):
        _feed_github(from_root, ctx)


def _render(fmt: str, report: RunReport, from_root: RunReport, options: RenderOptions) -> str:
    """People read paths from where they stand; CI servers resolve them from the repository root."""
    if fmt in _CWD_FORMATS:
        return render(fmt, report, options if fmt == "text" else replace(options, color=False))
    return render(fmt, from_root, replace(options, color=False))


_CWD_FORMATS = ("text", "json")


def _repo_prefix(ctx: Context) -> str:
    """The current directory relative to the CI workspace (GitHub, GitLab), when it is below it."""
    root = ctx.environ.get("GITHUB_WORKSPACE") or ctx.environ.get("CI_PROJECT_DIR")
    if not root:
        return ""
    rel = os.path.relpath(ctx.cwd.resolve(), Path(root).resolve())
    return "" if rel.startswith("..") else Path(rel).as_posix()


def _registered_rules() -> tuple[dict[str, str], dict[str, str]]:
    """Lint rule docs (their docstrings) and default levels for SARIF, when the plug-ins are there."""
    try:
        registry = importlib.import_module("ci_helm.lint.registry")
    except ImportError:
        return {}, {}
    rules = list(registry.all_rules())
    docs = {str(r.id): str(r.doc) for r in rules}
    levels = {str(r.id): str(getattr(r.default_level, "value", r.default_level)) for r in rules}
    return docs, levels


def _feed_github(report: RunReport, ctx: Context) -> None:
    if ctx.format != "github":  # the github format already carries its annotations
        ctx.out.stderr.write(annotation_lines(report))
        ctx.out.stderr.flush()
    summary = ctx.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        try:
            with open(summary, "a", encoding="utf-8") as fh:
                fh.write(step_summary(report))
        except OSError as exc:
            ctx.out.warn(f"cannot append to GITHUB_STEP_SUMMARY {summary}: {exc.strerror or exc}")


def write_atomic(path: Path, text: str) -> None:
    """Write a whole report file or nothing; a failure is a usage error naming the file."""
    try:
        atomic_write_text(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write report: {exc.strerror or exc}", path=path) from None
