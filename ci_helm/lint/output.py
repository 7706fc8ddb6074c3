"""Lint's own terminal output: the rule list and a progress bar on a TTY.

The run report itself goes through ``ci_helm.cli.reporting`` (text, json, junit, sarif,
github, codequality, ``--report FORMAT=PATH``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.lint.registry import all_rules

__all__ = ["print_rules", "rich_progress"]


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
