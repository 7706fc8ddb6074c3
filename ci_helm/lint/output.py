"""Lint's own terminal output: the rule list, a progress bar on a TTY, and the run report.

Reports go through ``ci_helm.report`` when it is available (text, json, junit, sarif,
github, codequality); the plain text and JSON forms here are the fallback.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.errors import UsageError
from ci_helm.lint.registry import all_rules
from ci_helm.model.results import Level, RunReport

__all__ = ["print_report", "print_rules", "rich_progress"]


def print_rules(ctx: Context) -> None:
    rules = all_rules()
    if ctx.format == "json":
        ctx.out.json(
            [
                {
                    "id": r.id,
                    "level": r.default_level.value,
                    "scope": r.scope,
                    "enabled": r.enabled_by_default,
                    "options": r.option_defaults(),
                    "doc": r.doc.strip(),
                }
                for r in rules
            ]
        )
        return
    for r in rules:
        state = "" if r.enabled_by_default else ", off by default"
        ctx.out.write(
            f"{r.id} ({r.default_level.value}{state}, per {'chart' if r.scope == 'chart' else 'scenario'})"
        )
        for line in r.doc.strip().splitlines():
            ctx.out.write(f"    {line}".rstrip())
        options = r.option_defaults()
        if options:
            ctx.out.write("    options: " + ", ".join(f"{k}={v!r}" for k, v in options.items()))
        ctx.out.write("")


class _RichProgress:
    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._task: Any = None

    def start(self, total: int) -> None:
        self._task = self._progress.add_task("lint", total=total)

    def advance(self, description: str) -> None:
        if self._task is not None:
            self._progress.update(self._task, advance=1, description=description[-60:])


@contextmanager
def rich_progress(ctx: Context) -> Iterator[_RichProgress | None]:
    """A progress bar on stderr when it is a TTY and not --quiet; nothing in CI logs."""
    stream = ctx.out.stderr
    if ctx.out.quiet or not (hasattr(stream, "isatty") and stream.isatty()) or ctx.in_github_actions:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(file=stream)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        yield _RichProgress(progress)


def print_report(ctx: Context, report: RunReport) -> None:
    try:
        emit = getattr(importlib.import_module("ci_helm.report"), "emit", None)
    except ImportError:
        emit = None
    if emit is not None:
        emit(ctx, report)
        return
    if ctx.format == "json":
        ctx.out.json(dataclasses.asdict(report) | {"failed": report.failed()})
    elif ctx.format == "text":
        _text(ctx, report)
    else:
        raise UsageError(f"report format {ctx.format!r} needs ci_helm.report, which is not installed")


_MARK = {Level.ERROR: ("E", "31"), Level.WARNING: ("W", "33"), Level.INFO: ("I", "36")}


def _text(ctx: Context, report: RunReport) -> None:
    color = ctx.out.color
    for chart in report.charts:
        problems = sorted(chart.problems, key=lambda p: (-p.level.rank, p.path or "", p.line or 0))
        failed = chart.failed(strict=report.strict)
        head = f"{'FAIL' if failed else 'ok  '} {chart.chart}" + (
            f" ({chart.name} {chart.version})" if chart.name else ""
        )
        ctx.out.write(_paint(head, "31" if failed else "32", color))
        for p in problems:
            mark, code = _MARK[p.level]
            where = p.location() or chart.chart
            scenario = f" [{p.scenario}]" if p.scenario else ""
            ctx.out.write(f"  {_paint(mark, code, color)} {where}: {p.message} ({p.rule}){scenario}")
    counts = report.counts()
    ctx.out.write(
        f"{len(report.charts)} chart(s): {counts[Level.ERROR]} error(s), {counts[Level.WARNING]} warning(s), "
        f"{counts[Level.INFO]} info in {report.duration_s:.1f}s" + (" (strict)" if report.strict else "")
    )


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color and sys.stdout else text
