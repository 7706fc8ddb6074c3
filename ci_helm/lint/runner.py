"""Lint many charts: read each once, render each scenario once, run every rule on shared data.

Renders (and Helm's own linter) run in the engine's worker processes; the pure-Python
rules run in a thread pool as each render arrives, so the workers never wait for them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ci_helm.errors import ChartError, UsageError
from ci_helm.lint.config import ConfiguredRule
from ci_helm.lint.documents import chart_relative, split_manifests
from ci_helm.lint.engine_port import RenderJob, RenderOutcome, ScenarioRunner
from ci_helm.lint.inputs import ScenarioLayout, read_chart
from ci_helm.lint.model import ChartInput, Finding, HelmMessage, LintServices, Rendered, RuleContext
from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport

__all__ = ["LintRequest", "Progress", "lint_charts"]

RENDER_CHECK = "render"  # not a rule: a scenario that cannot render fails the chart
_HELM_LEVELS = {1: Level.INFO, 2: Level.WARNING, 3: Level.ERROR}


class Progress(Protocol):
    def start(self, total: int) -> None: ...

    def advance(self, description: str) -> None: ...


@dataclass
class LintRequest:
    charts: list[tuple[Path, str]]  # (directory, path as shown in reports)
    rules: list[ConfiguredRule]
    services: LintServices
    layout: ScenarioLayout = field(default_factory=ScenarioLayout)
    threads: int = 4  # rule threads; several wait on renders or offloaded yamllint at once


@dataclass
class _ChartState:
    report: ChartReport
    chart: ChartInput | None = None
    checks: dict[str, CheckResult] = field(default_factory=dict)
    # finding -> its index in its check's problems
    seen: dict[tuple[str, str, str | None, int | None], int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)  # scenarios finish on several threads

    def add(self, rule: str, problems: Iterable[Problem], duration: float = 0.0) -> None:
        with self.lock:
            check = self.checks.setdefault(rule, CheckResult(rule))
            check.duration_s += duration
            for p in problems:
                key = (rule, p.message, p.path, p.line)
                where = self.seen.get(key)
                if where is None:
                    self.seen[key] = len(check.problems)
                    check.problems.append(p)
                elif (p.scenario or "") < (check.problems[where].scenario or ""):
                    # The same finding in several scenarios is reported once, under the first
                    # scenario by name, whichever finished first: the report does not vary by run.
                    check.problems[where] = p


def lint_charts(
    request: LintRequest, engine: ScenarioRunner | None, progress: Progress | None = None
) -> RunReport:
    started = time.monotonic()
    states = [_load(directory, display, request.layout) for directory, display in request.charts]
    chart_rules = [r for r in request.rules if r.rule.scope == "chart"]
    render_rules = [r for r in request.rules if r.rule.scope == "render"]
    jobs, job_owner = _jobs(states, request, render_rules)
    if progress:
        progress.start(len(states) + len(jobs))
    futures: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=request.threads, thread_name_prefix="lint") as pool:
        for state in states:
            futures.append(pool.submit(_run_chart_rules, state, chart_rules, request.services, progress))
        if jobs and engine is not None:
            for job, outcome in engine.run(jobs):
                state, rendered = job_owner[job.key]
                futures.append(
                    pool.submit(
                        _run_render_rules,
                        state,
                        rendered,
                        outcome,
                        render_rules,
                        services=request.services,
                        progress=progress,
                    )
                )
        for f in futures:
            f.result()
    for state in states:
        state.report.checks = [state.checks[k] for k in sorted(state.checks)]
        for check in state.report.checks:  # scenarios finish in any order; reports must not
            check.problems.sort(key=_report_order)
    return RunReport(
        command="lint",
        charts=[s.report for s in states],
        strict=request.services.strict,
        duration_s=time.monotonic() - started,
    )


def _report_order(p: Problem) -> tuple[str, int, str, str]:
    return (p.path or "", p.line or 0, p.scenario or "", p.message)


def _load(directory: Path, display: str, layout: ScenarioLayout) -> _ChartState:
    state = _ChartState(ChartReport(chart=display))
    try:
        chart = read_chart(directory, display, layout)
    except ChartError as exc:
        state.add("chart-load", [Problem("chart-load", Level.ERROR, exc.message, path=display)])
        return state
    state.chart = chart
    state.report.name, state.report.version = chart.name, chart.version
    return state


def _jobs(
    states: list[_ChartState], request: LintRequest, render_rules: list[ConfiguredRule]
) -> tuple[list[RenderJob], dict[int, tuple[_ChartState, Rendered]]]:
    wants_helm_lint = any(r.rule.id == "helm-lint" for r in render_rules)
    jobs: list[RenderJob] = []
    owner: dict[int, tuple[_ChartState, Rendered]] = {}
    if not render_rules:
        return jobs, owner
    for state in states:
        chart = state.chart
        if chart is None or not _renderable(state, chart):
            continue
        for scenario in chart.scenarios:
            for version in request.services.kube_versions:
                key = len(jobs)
                jinja = chart.template_engine == "jinja"  # Helm cannot lint Jinja2 templates
                values = dict(scenario.values)
                jobs.append(
                    RenderJob(
                        key,
                        str(chart.directory),
                        values,
                        version.full,
                        wants_helm_lint and not jinja,
                        jinja=jinja,
                    )
                )
                owner[key] = (state, Rendered(scenario, version))
    # Big charts first: with few workers, a large chart started last would set the wall time alone.
    size = {d: _template_bytes(Path(d)) for d in {j.chart_dir for j in jobs}}
    jobs.sort(key=lambda j: -size[j.chart_dir])
    return jobs, owner


def _template_bytes(chart_dir: Path) -> int:
    return sum(p.stat().st_size for p in chart_dir.rglob("templates/*") if p.is_file())


def _renderable(state: _ChartState, chart: ChartInput) -> bool:
    if chart.metadata.get("type") == "library":
        reason = "a library chart renders nothing on its own"
        state.checks.setdefault(RENDER_CHECK, CheckResult(RENDER_CHECK, skipped=reason))
        return False
    broken = [
        f for f in (chart.chart_yaml, chart.values_yaml) if f is not None and f.data is None and f.error
    ]
    if broken:
        reason = f"{broken[0].path} does not parse (see yaml-syntax)"
        state.checks.setdefault(RENDER_CHECK, CheckResult(RENDER_CHECK, skipped=reason))
        return False
    return True


def _run_chart_rules(
    state: _ChartState, rules: list[ConfiguredRule], services: LintServices, progress: Progress | None
) -> None:
    if state.chart is not None:
        ctx = RuleContext(state.chart, services)
        for configured in rules:
            _apply(state, configured, ctx)
    if progress:
        progress.advance(state.report.chart)


def _run_render_rules(
    state: _ChartState,
    rendered: Rendered,
    outcome: RenderOutcome,
    rules: list[ConfiguredRule],
    *,
    services: LintServices,
    progress: Progress | None,
) -> None:
    assert state.chart is not None
    _fill(state, rendered, outcome)
    ctx = RuleContext(state.chart, services, rendered)
    for configured in rules:
        if rendered.error is None or configured.rule.runs_on_render_error:
            _apply(state, configured, ctx)
    if progress:
        progress.advance(f"{state.report.chart} ({rendered.scenario.name})")


def _fill(state: _ChartState, rendered: Rendered, outcome: RenderOutcome) -> None:
    display = state.report.chart
    if outcome.lint_messages is not None:
        rendered.helm_messages = [
            HelmMessage(_HELM_LEVELS.get(sev, Level.INFO), path, msg)
            for sev, path, msg in outcome.lint_messages
        ]
    if outcome.error is not None:
        rendered.error = outcome.error
        path, line = _error_location(state.chart, outcome)
        where = display if path is None else f"{display}/{path}"
        problem = Problem(
            RENDER_CHECK, Level.ERROR, _render_advice(outcome), path=where, line=line, scenario=rendered.label
        )
        state.add(RENDER_CHECK, [problem])
        return
    split = split_manifests(outcome.manifests)
    rendered.documents = split.documents
    state.add(
        RENDER_CHECK,
        [
            Problem(
                RENDER_CHECK, Level.ERROR, msg, path=f"{display}/{tpl}", line=line, scenario=rendered.label
            )
            for tpl, msg, line in split.errors
        ],
    )


def _error_location(chart: ChartInput | None, outcome: RenderOutcome) -> tuple[str | None, int | None]:
    """The failing template relative to the chart (the engine names it ``<chart>/templates/x.yaml``)."""
    path = outcome.error_path
    if chart is None or not path or Path(path).is_absolute() or "/" not in path:
        return None, None
    return chart_relative(path), outcome.error_line


def _render_advice(outcome: RenderOutcome) -> str:
    if outcome.timed_out:
        return (
            f"{outcome.error}: a template loops or recurses without end (raise --timeout if it is just slow)"
        )
    return f"the chart does not render: {outcome.error}"


def _apply(state: _ChartState, configured: ConfiguredRule, ctx: RuleContext) -> None:
    rule = configured.rule
    scenario = ctx.rendered.label if ctx.rendered is not None else None
    started = time.monotonic()
    try:
        findings = list(rule.check(ctx, configured.options))
    except UsageError:
        raise  # a bad rule configuration (e.g. an unreadable lint-conf) stops the run
    except Exception as exc:  # one broken rule must not hide every other finding
        findings = [
            Finding(
                f"internal error in rule {rule.id}: {type(exc).__name__}: {exc} (please report it)",
                level=Level.ERROR,
            )
        ]
    problems = [_problem(state.report.chart, rule.id, configured.level, f, scenario) for f in findings]
    state.add(rule.id, problems, time.monotonic() - started)


def _problem(display: str, rule_id: str, level: Level, f: Finding, scenario: str | None) -> Problem:
    path = display if f.path is None else f"{display}/{f.path}"
    return Problem(
        rule_id, f.level or level, f.message, path=path, line=f.line, column=f.column, scenario=scenario
    )
