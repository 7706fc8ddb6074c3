"""GitHub Actions: workflow-command annotations, log groups, and a Markdown job summary.

Escaping follows the runner (actions/toolkit ``command.ts``): in the message ``%``, ``\\r``
and ``\\n`` become ``%25``, ``%0D``, ``%0A``; in properties ``:`` and ``,`` also become
``%3A`` and ``%2C``. Without it a message with a newline or a path with a comma breaks
the annotation silently.
"""

from __future__ import annotations

from ci_helm.model.results import ChartReport, Level, Problem, RunReport
from ci_helm.report.common import RenderOptions, chart_file, plural, problem_file, summary_line
from ci_helm.report.text import chart_lines, chart_title

__all__ = ["annotation", "annotation_lines", "escape_data", "escape_property", "render", "step_summary"]

_COMMAND = {Level.ERROR: "error", Level.WARNING: "warning", Level.INFO: "notice"}
# GitHub refuses a step summary over 1 MiB; stay well below, the chart table always fits first.
SUMMARY_LIMIT = 512 * 1024


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(chart: ChartReport, problem: Problem) -> str:
    """One ``::error file=...,line=...,col=...,title=...::message`` line."""
    props = {"file": problem_file(chart, problem) or chart_file(chart)}
    if problem.line is not None:
        props["line"] = str(problem.line)
        if problem.column is not None:
            props["col"] = str(problem.column)
    scenario = f" [{problem.scenario}]" if problem.scenario else ""
    props["title"] = f"{problem.rule} ({chart.name or chart.chart}){scenario}"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props.items())
    return f"::{_COMMAND[problem.level]} {joined}::{escape_data(problem.message)}"


def annotation_lines(report: RunReport) -> str:
    lines = [annotation(chart, p) for chart in report.charts for p in chart.problems]
    return "".join(line + "\n" for line in lines)


def render(report: RunReport, options: RenderOptions) -> str:
    """The ``github`` format: per chart a collapsible log group with its annotations."""
    out: list[str] = []
    for chart in report.charts:
        out.append("::group::" + escape_data(chart_title(chart)))
        out.extend(chart_lines(chart, report.strict))
        out.extend(annotation(chart, p) for p in chart.problems)
        out.append("::endgroup::")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    """Table-cell safe Markdown: no pipes, no newlines, no raw HTML."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("\n", "<br>")
    )


def step_summary(report: RunReport) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: a verdict, a table of charts, problems under ``<details>``."""
    counts = report.counts()
    icon = "❌" if report.failed() else "✅"
    lines = [
        f"### {icon} ci-helm {report.command}: {plural(len(report.charts), 'chart')}, "
        f"{plural(counts[Level.ERROR], 'error')}, {plural(counts[Level.WARNING], 'warning')}",
        "",
        "| chart | version | result | errors | warnings | info |",
        "|---|---|---|---:|---:|---:|",
    ]
    for chart in report.charts:
        c = {level: sum(1 for p in chart.problems if p.level is level) for level in Level}
        result = "❌ failed" if chart.failed(strict=report.strict) else "✅ passed"
        lines.append(
            f"| `{_cell(chart.chart)}` | {_cell(chart.version)} | {result} | "
            f"{c[Level.ERROR]} | {c[Level.WARNING]} | {c[Level.INFO]} |"
        )
    budget = SUMMARY_LIMIT - sum(len(line.encode()) + 1 for line in lines)
    for chart in (c for c in report.charts if c.problems):
        block = _details(chart)
        size = sum(len(line.encode()) + 1 for line in block)
        if size > budget:
            lines += [
                "",
                f"_Details from `{_cell(chart.chart)}` on left out (size limit): see the full report._",
            ]
            break
        lines += block
        budget -= size
    return "\n".join(lines) + "\n\n"


def _details(chart: ChartReport) -> list[str]:
    lines = [
        "",
        f"<details><summary>{_cell(chart.chart)}: {plural(len(chart.problems), 'problem')}</summary>",
        "",
        "| level | rule | location | message |",
        "|---|---|---|---|",
    ]
    for p in chart.problems:
        where = (problem_file(chart, p) or "") + (f":{p.line}" if p.line is not None else "")
        rule = p.rule + (f" [{p.scenario}]" if p.scenario else "")
        lines.append(f"| {p.level.value} | {_cell(rule)} | {_cell(where)} | {_cell(p.message)} |")
    return [*lines, "", "</details>"]
