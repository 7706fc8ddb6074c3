"""JUnit XML: one ``<testsuite>`` per chart, one ``<testcase>`` per check (chart x check).

The shape Jenkins' JUnit plugin and GitLab's ``artifacts:reports:junit`` both read:
``<failure message type>`` with the problems in its text, ``<skipped message>`` for
checks that did not run, warnings that do not fail (without ``--strict``) in ``<system-out>``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ci_helm.model.results import ChartReport, CheckResult, Level, RunReport
from ci_helm.report.common import RenderOptions, check_state, plural
from ci_helm.report.text import problem_line

__all__ = ["render"]

# XML 1.0 forbids most control characters even when escaped; template output can carry them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\N{REPLACEMENT CHARACTER}", text)


def render(report: RunReport, options: RenderOptions) -> str:
    root = ET.Element("testsuites", name=f"ci-helm {report.command}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for chart in report.charts:
        suite = _suite(chart, report.strict)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    root.set("skipped", str(totals["skipped"]))
    root.set("time", f"{report.duration_s:.3f}")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(chart: ChartReport, strict: bool) -> ET.Element:
    suite = ET.Element("testsuite", name=_clean(chart.chart))
    states = [check_state(c, strict) for c in chart.checks]
    suite.set("tests", str(len(chart.checks)))
    suite.set("failures", str(states.count("failed")))
    suite.set("errors", "0")
    suite.set("skipped", str(states.count("skipped")))
    suite.set("time", f"{sum(c.duration_s for c in chart.checks):.3f}")
    for check, state in zip(chart.checks, states, strict=True):
        suite.append(_case(chart, check, state, strict))
    return suite


def _case(chart: ChartReport, check: CheckResult, state: str, strict: bool) -> ET.Element:
    case = ET.Element("testcase", classname=_clean(chart.chart), name=_clean(check.check))
    case.set("file", _clean(chart.chart))
    case.set("time", f"{check.duration_s:.3f}")
    failing = [p for p in check.problems if p.level is Level.ERROR or (strict and p.level is Level.WARNING)]
    others = [p for p in check.problems if p not in failing]
    if state == "skipped":
        ET.SubElement(case, "skipped", message=_clean(check.skipped or ""))
    elif failing:
        first = failing[0]
        failure = ET.SubElement(
            case,
            "failure",
            message=_clean(f"{plural(len(failing), 'problem')}: {first.message}"),
            type=first.rule,
        )
        failure.text = _clean("\n".join(problem_line(chart, p) for p in failing))
    out = [problem_line(chart, p) for p in others]
    if check.output:
        out.append(check.output)
    if out:
        ET.SubElement(case, "system-out").text = _clean("\n".join(out))
    return case
