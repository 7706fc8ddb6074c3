"""Human text: one block per chart, one line per problem, a summary line; colour only when asked."""

from __future__ import annotations

from collections.abc import Callable

from ci_helm.model.results import ChartReport, Level, Problem, RunReport
from ci_helm.report.common import RenderOptions, check_state, plural, problem_file, summary_line

__all__ = ["render"]

Paint = Callable[[str, str], str]
_MARK = {Level.ERROR: ("✖", "31"), Level.WARNING: ("⚠", "33"), Level.INFO: ("i", "36")}


def render(report: RunReport, options: RenderOptions) -> str:
    paint = _painter(options.color)
    lines: list[str] = []
    for chart in report.charts:
        lines.extend(chart_lines(chart, report.strict, paint))
    lines.append(paint(summary_line(report), "31;1" if report.failed() else "32;1"))
    return "\n".join(lines) + "\n"


def _painter(color: bool) -> Paint:
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    return paint


_PLAIN = _painter(False)


def chart_title(chart: ChartReport) -> str:
    return chart.chart + (f" ({chart.name} {chart.version})".rstrip() if chart.name else "")


def chart_lines(chart: ChartReport, strict: bool, paint: Paint | None = None) -> list[str]:
    """The block for one chart (also what the ``github`` format puts inside a log group)."""
    paint = paint or _PLAIN
    failed = chart.failed(strict=strict)
    lines = [paint(("✖ " if failed else "✔ ") + chart_title(chart), "31;1" if failed else "32;1")]
    passed = 0
    for check in chart.checks:
        state = check_state(check, strict)
        if state == "skipped":
            lines.append(f"  - {check.check}: skipped ({check.skipped})")
        elif not check.problems:
            passed += 1
        lines.extend("  " + problem_line(chart, p, paint) for p in check.problems)
    if passed:
        lines.append(paint(f"  ✔ {plural(passed, 'check')} passed", "32"))
    return lines


def problem_line(chart: ChartReport, problem: Problem, paint: Paint | None = None) -> str:
    paint = paint or _PLAIN
    mark, code = _MARK[problem.level]
    where = problem_file(chart, problem) or ""
    if where and problem.line is not None:
        where += f":{problem.line}" + (f":{problem.column}" if problem.column is not None else "")
    scenario = f" [{problem.scenario}]" if problem.scenario else ""
    head = paint(f"{mark} {problem.level.value:<7}", code)
    message = problem.message.replace("\n", "\n      ")  # continuation lines stay inside the block
    return f"{head} {problem.rule}{scenario}: {where + ': ' if where else ''}{message}"
