"""JUnit XML: parsed back, one test case per chart x check, failures with messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from ci_helm.model.results import CheckResult, Level, Problem
from ci_helm.report import render
from tests.support.reports import sample_report


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(text.encode())


def test_one_case_per_chart_and_check() -> None:
    root = parse(render("junit", sample_report()))
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == (
        "5",
        "2",
        "1",
        "0",
    )
    cases = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert cases == [
        ("charts/web,app", "chart-schema"),
        ("charts/web,app", "helm-lint"),
        ("charts/web,app", "kubeconform"),
        ("charts/db", "chart-schema"),
        ("charts/db", "helm-lint"),
    ]
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert suites["charts/web,app"].get("failures") == "2"
    assert suites["charts/db"].get("failures") == "0"


def test_failures_carry_messages_and_locations() -> None:
    root = parse(render("junit", sample_report()))
    schema = root.find("testsuite/testcase[@name='chart-schema']")
    assert schema is not None
    failure = schema.find("failure")
    assert failure is not None
    assert failure.get("message") == "1 problem: version '1.2' is not SemVer 2: use 1.2.0"
    assert failure.get("type") == "chart-schema"
    assert "charts/web,app/Chart.yaml:3:10" in (failure.text or "")
    lint = root.findall("testsuite/testcase[@name='helm-lint']")[0]
    lint_failure = lint.find("failure")
    assert lint_failure is not None and lint_failure.get("type") == "deprecated-api"
    # the warning does not fail without --strict: it is in the case's output
    assert "image-tag" in (lint.findtext("system-out") or "")
    skipped = root.find("testsuite/testcase[@name='kubeconform']/skipped")
    assert skipped is not None and skipped.get("message") == "no --kube-version given"
    passing = root.findall("testsuite")[1].find("testcase[@name='chart-schema']")
    assert passing is not None and list(passing) == []


def test_strict_warnings_fail() -> None:
    report = sample_report()
    report.strict = True
    root = parse(render("junit", report))
    lint = root.findall("testsuite/testcase[@name='helm-lint']")[0]
    failure = lint.find("failure")
    assert failure is not None and failure.get("message", "").startswith("2 problems: image nginx:latest")


def test_hostile_text_stays_well_formed() -> None:
    report = sample_report()
    evil = 'a <b>&"quotes"\x00\x1b[31m ]]> \ud7ff'
    report.charts[0].checks.append(CheckResult("x<y", [Problem("r&d", Level.ERROR, evil, "t.yaml", 1)]))
    root = parse(render("junit", report))
    case = root.find("testsuite/testcase[@name='x<y']")
    assert case is not None
    failure = case.find("failure")
    assert failure is not None and 'a <b>&"quotes"\ufffd\ufffd[31m ]]>' in (failure.get("message") or "")
