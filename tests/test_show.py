"""``ci-helm show``: byte-for-byte the output of ``helm show`` (helm CLI oracle)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ci_helm.chart.goyaml_emit import natural_key_less
from ci_helm.chart.loader import load_chart
from ci_helm.chart.show import SECTIONS, show


def _helm_show(helm: Path, section: str, chart: Path, home: Path) -> str:
    env = {
        **os.environ,
        "HOME": str(home),
        "HELM_CACHE_HOME": str(home / "c"),
        "HELM_CONFIG_HOME": str(home / "f"),
        "HELM_DATA_HOME": str(home / "d"),
    }
    proc = subprocess.run(
        [str(helm), "show", section, str(chart)], capture_output=True, env=env, check=False, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode()


@pytest.mark.slow
def test_show_matches_helm_on_every_corpus_chart(corpus: Path, helm_oracle: Path, tmp_path: Path) -> None:
    records: list[dict[str, Any]] = json.loads((corpus / "manifest.json").read_text())
    for record in records:
        path = corpus / record["path"]
        chart = load_chart(path)
        # ``all`` holds every section; ``values`` checks a section on its own (no separators).
        for section in ("all", "values"):
            ours = show(chart, section)
            oracle = _helm_show(helm_oracle, section, path, tmp_path)
            if ours != oracle and section == "all":
                # helm itself orders the CRDs of several subcharts nondeterministically (Go map
                # iteration: tempo-distributed differs in about 1 run of 7), so ours must equal one
                # of the orders helm really prints.
                oracle_runs = {oracle, *(_helm_show(helm_oracle, section, path, tmp_path) for _ in range(8))}
                oracle = ours if ours in oracle_runs else oracle
            assert ours == oracle, (record["path"], section)


TRICKY_CHART = """apiVersion: v2
name: tricky
version: 1.10
appVersion: "1.0"
description: "  leading spaces, a: colon, # hash, 'quotes' and \\"doubles\\" and a line long \\
  enough to be wrapped by an emitter that folds at eighty columns"
home: "-starts-with-dash"
icon: "@at"
keywords: ["true", "y", "1:20", "~", "", "null", "*star", "ok"]
deprecated: false
kubeVersion: ">=1.20.0-0"
annotations:
  a10: ten
  a01: zero-one
  a1: one
  a9: nine
  a-b: dash
  ab: plain
  multi: |
    line one
      indented
  trailing: "x "
  number: 012
maintainers:
  - name: Ann
    email: ann@example.com
dependencies:
  - name: sub
    version: "~1.2"
    repository: "@stable"
    import-values: [data, {child: a.b, parent: c}]
    tags: [t1]
    enabled: true
"""


def test_show_chart_quotes_sorts_and_wraps_like_helm(tmp_path: Path, helm_oracle: Path) -> None:
    root = tmp_path / "tricky"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text(TRICKY_CHART)
    (root / "README.md").write_text("# Tricky\n")
    (root / "crds").mkdir()
    (root / "crds" / "a.yaml").write_text("---\nkind: CustomResourceDefinition\n")
    (root / "crds" / "b.json").write_text('{"kind": "CustomResourceDefinition"}')
    (root / "crds" / "notes.txt").write_text("not a manifest")
    chart = load_chart(root)
    for section in SECTIONS:
        assert show(chart, section) == _helm_show(helm_oracle, section, root, tmp_path / "home"), section


def test_chart_without_values_or_readme_prints_nothing_for_them(tmp_path: Path, helm_oracle: Path) -> None:
    root = tmp_path / "bare"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: bare\nversion: 0.1.0\n")
    chart = load_chart(root)
    assert show(chart, "values") == show(chart, "readme") == show(chart, "crds") == ""
    assert show(chart, "all") == _helm_show(helm_oracle, "all", root, tmp_path / "home")


@pytest.mark.parametrize(
    ("a", "b"), [("a9", "a10"), ("a-b", "ab"), ("a.b", "a/b"), ("x", "xy"), ("a1", "a01"), ("B", "a")]
)
def test_natural_key_order_is_go_yamls(a: str, b: str) -> None:
    assert natural_key_less(a, b) and not natural_key_less(b, a)


def test_cli_show_prints_exact_bytes(
    run_cli: Callable[..., Any], corpus: Path, helm_oracle: Path, tmp_path: Path
) -> None:
    chart = corpus / "charts/grafana/agent-operator"
    result = run_cli("show", "crds", str(chart))
    assert result.exit_code == 0
    assert result.stdout == _helm_show(helm_oracle, "crds", chart, tmp_path)


def test_cli_show_json(run_cli: Callable[..., Any], corpus: Path) -> None:
    result = run_cli("show", "all", "--format", "json", str(corpus / "charts/helm-examples/hello-world"))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["chart"]["name"] == "hello-world" and doc["values"]["replicaCount"] == 1
    assert doc["crds"] == [] and set(doc) == {"chart", "values", "readme", "crds"}


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["show", "chart", "/no/such/chart"], 2, "not found"),
        (["show", "chart", "oci://registry.example/charts/x"], 2, "not supported yet"),
        (["show", "nonsense", "x"], 2, "invalid choice"),
        (["show", "chart", "--version", "1.0.0", "."], 2, "remote charts only"),
    ],
)
def test_cli_show_bad_input(run_cli: Callable[..., Any], argv: list[str], code: int, message: str) -> None:
    result = run_cli(*argv)
    assert result.exit_code == code
    assert message in result.stderr and "Traceback" not in result.stderr


def test_cli_show_broken_chart_is_one_line(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "Chart.yaml").write_text("name: [\n")
    result = run_cli("show", "chart", str(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Chart.yaml:" in result.stderr
