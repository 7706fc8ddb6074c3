"""SARIF 2.1.0: validated against the official OASIS schema; rules from the docs registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from ci_helm.model.results import RunReport
from ci_helm.report import RenderOptions, render
from tests.support.reports import RULE_DOCS, sample_report

SCHEMA = Path(__file__).parent / "data" / "sarif" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA.read_text())
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    return jsonschema.Draft4Validator(schema)


def sarif(report: RunReport) -> dict[str, Any]:
    options = RenderOptions(rules=RULE_DOCS, rule_levels={"image-tag": "warning"}, tool_version="0.1.0")
    data: dict[str, Any] = json.loads(render("sarif", report, options))
    return data


def test_valid_against_the_official_schema(validator: jsonschema.Draft4Validator) -> None:
    data = sarif(sample_report())
    errors = sorted(validator.iter_errors(data), key=str)
    assert errors == []
    assert sarif(RunReport("lint"))["runs"][0]["results"] == []
    assert list(validator.iter_errors(sarif(RunReport("lint")))) == []


def test_schema_catches_a_broken_document(validator: jsonschema.Draft4Validator) -> None:
    data = sarif(sample_report())
    data["runs"][0]["results"][0]["level"] = "fatal"
    assert list(validator.iter_errors(data)) != []


def test_rules_documented_from_the_registry() -> None:
    rules = sarif(sample_report())["runs"][0]["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    assert list(by_id) == ["chart-schema", "image-tag", "deprecated-api", "chart-info"]
    assert by_id["chart-schema"]["shortDescription"]["text"] == "Chart.yaml follows the Helm chart schema."
    assert "SemVer 2 version" in by_id["chart-schema"]["fullDescription"]["text"]
    assert (
        by_id["chart-info"]["shortDescription"]["text"] == "ci-helm check chart-info"
    )  # not in the registry
    assert by_id["image-tag"]["defaultConfiguration"] == {"level": "warning"}
    assert "defaultConfiguration" not in by_id["chart-schema"]


def test_results_have_levels_locations_and_rule_indexes() -> None:
    run = sarif(sample_report())["runs"][0]
    rules = [r["id"] for r in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("chart-schema", "error"),
        ("image-tag", "warning"),
        ("deprecated-api", "error"),
        ("chart-info", "note"),
    ]
    assert all(rules[r["ruleIndex"]] == r["ruleId"] for r in results)
    locations = [r["locations"][0]["physicalLocation"] for r in results]
    assert locations[0] == {
        "artifactLocation": {"uri": "charts/web,app/Chart.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 10},
    }
    assert locations[1]["artifactLocation"]["uri"] == "charts/web,app/templates/deploy.yaml"
    # no file: the chart's Chart.yaml, so code scanning keeps the result
    assert locations[2] == {
        "artifactLocation": {"uri": "charts/web,app/Chart.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 1},
    }
    assert results[1]["message"]["text"].endswith("(scenario ci/prod-values.yaml)")
    fingerprints = [r["partialFingerprints"]["ciHelm/v1"] for r in results]
    assert len(set(fingerprints)) == 4
    assert fingerprints == [
        r["partialFingerprints"]["ciHelm/v1"] for r in sarif(sample_report())["runs"][0]["results"]
    ]


def test_paths_are_uri_encoded() -> None:
    report = sample_report()
    report.charts[0].chart = "charts/my chart"
    uri = sarif(report)["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    assert uri == "charts/my%20chart/Chart.yaml"
