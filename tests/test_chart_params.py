"""Chart parameters from values.yaml comments and values.schema.json; values stubs that change nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from ci_helm.chart.params import Parameter, chart_parameters
from ci_helm.chart.stub import StubSection, values_stub
from ci_helm.errors import UsageError

VALUES = """\
# Default values for demo.
# This is a YAML-formatted file.
# Declare variables to be passed into your templates.

# -- Number of pods
replicaCount: 1

image:
  # -- Image repository
  # (a second line of the same description)
  repository: nginx
  # -- (string) Image tag; empty means appVersion
  # @default -- the chart's appVersion
  tag: ""
  pullPolicy: IfNotPresent  # when to pull

# A plain comment describes the key below it
service:
  # resources:
  #   limits:
  #     cpu: 100m
  port: 80

# -- Hidden helper
# @ignored
internal:
  x: 1

## @param extra.enabled Bitnami-style description
extra:
  enabled: false
  # -- dotted keys stay one key
  annotations:
    helm.sh/hook: test
nothing:
"""

SCHEMA = {
    "type": "object",
    "required": ["image"],
    "properties": {
        "replicaCount": {"type": "integer", "description": "from the schema"},
        "image": {
            "$ref": "#/definitions/image",
        },
        "service": {"type": "object", "properties": {"port": {"type": "integer", "enum": [80, 443]}}},
        "tls": {"type": "boolean", "default": False, "description": "only in the schema"},
    },
    "definitions": {
        "image": {
            "type": "object",
            "required": ["repository"],
            "properties": {
                "repository": {"type": "string"},
                "pullPolicy": {
                    "type": "string",
                    "enum": ["Always", "IfNotPresent"],
                    "description": "pull policy",
                },
            },
        }
    },
}


def by_path(params: list[Parameter]) -> dict[str, Parameter]:
    return {p.path: p for p in params}


def test_descriptions_from_every_comment_style() -> None:
    params = by_path(chart_parameters(VALUES))
    assert params["replicaCount"].description == "Number of pods"  # helm create's header is not used
    assert (
        params["image.repository"].description == "Image repository (a second line of the same description)"
    )
    assert (
        params["image.tag"].type == "string" and params["image.tag"].default_text == "the chart's appVersion"
    )
    assert params["image.pullPolicy"].description == "when to pull"
    assert params["service.port"].description == ""  # commented-out YAML is not a description
    assert params["extra.enabled"].description == "Bitnami-style description"
    assert "internal" not in params and "internal.x" not in params
    assert params["extra.annotations"].parts == ("extra", "annotations")
    assert params["extra.annotations.helm.sh/hook"].parts == ("extra", "annotations", "helm.sh/hook")
    assert params["nothing"].type == "null"
    assert params["replicaCount"].line == 6
    assert [p.path for p in chart_parameters(VALUES)][:3] == ["replicaCount", "image.repository", "image.tag"]


def test_plain_comment_above_a_section() -> None:
    text = "# A plain comment describes the key below it\nservice:\n  port: 80\n"
    assert (
        by_path(chart_parameters(text))["service"].description == "A plain comment describes the key below it"
    )


def test_schema_adds_types_enums_required_and_schema_only_parameters() -> None:
    params = by_path(chart_parameters(VALUES, SCHEMA))
    assert params["replicaCount"].description == "Number of pods"  # values comments first
    assert params["replicaCount"].type == "int" and params["replicaCount"].in_schema
    assert params["image.repository"].required  # through $ref
    assert params["image.pullPolicy"].enum == ("Always", "IfNotPresent")
    assert params["service.port"].enum == (80, 443)
    assert params["tls"].to_dict() == {
        "path": "tls",
        "type": "bool",
        "default": False,
        "description": "only in the schema",
        "enum": [],
        "required": False,
        "line": None,
        "source": "schema",
    }


def test_schema_refs_to_other_files_in_the_chart() -> None:
    schema = {"properties": {"pod": {"$ref": "schemas/pod.json#/pod"}}}
    documents = {
        "schemas/pod.json": {"pod": {"properties": {"dns": {"$ref": "k8s.json#/dns"}}}},
        "schemas/k8s.json": {"dns": {"type": "string", "description": "DNS policy"}},
    }
    params = by_path(chart_parameters("pod:\n  dns: ClusterFirst\n", schema, schema_documents=documents))
    assert params["pod.dns"].description == "DNS policy"


def test_corpus_helm_docs_comments(corpus: Path) -> None:
    chart = corpus / "charts/prometheus-community/prometheus-node-exporter"
    params = by_path(chart_parameters((chart / "values.yaml").read_text()))
    assert params["image.distroless"].description == "Use the distroless image variant."
    assert params["kubeRBACProxy.port"].default == 8100
    assert params["kubeRBACProxy.port"].description.startswith("Specify the port used for the Node exporter")
    assert len(params) > 150


def test_corpus_schema_with_file_refs(corpus: Path) -> None:
    chart = corpus / "charts/bjw-s/common"
    documents = {
        p.relative_to(chart).as_posix(): json.loads(p.read_text()) for p in chart.rglob("schemas/*.json")
    }
    schema = json.loads((chart / "values.schema.json").read_text())
    params = by_path(
        chart_parameters((chart / "values.yaml").read_text(), schema, schema_documents=documents)
    )
    strategy = params["defaultPodOptionsStrategy"]
    assert strategy.enum == ("overwrite", "merge") and strategy.default_text == "overwrite"
    assert params["global.nameOverride"].type == "string|null"
    assert params["defaultPodOptions.automountServiceAccountToken"].type == "bool"
    in_values = [p for p in params.values() if p.in_values]
    assert sum(p.in_schema for p in in_values) > 0.9 * len(in_values)


def stub_for(text: str, name: str = "demo") -> str:
    values = yaml.safe_load(text) or {}
    return values_stub([StubSection(name, "1.0.0", values, chart_parameters(text))])


def test_stub_is_commented_and_loads_back_to_the_defaults() -> None:
    stub = stub_for(VALUES)
    assert "# Number of pods [int]\nreplicaCount: 1\n" in stub
    assert (
        "  # Image repository (a second line of the same description) [string]\n  repository: nginx" in stub
    )
    assert "  helm.sh/hook: test" in stub
    assert "# nothing:  (null by default" in stub  # a null would delete the key, so it stays commented
    expected = {k: v for k, v in yaml.safe_load(VALUES).items() if v is not None}
    assert yaml.safe_load(stub) == expected


def test_stub_keeps_a_map_of_nulls_a_map() -> None:
    stub = stub_for("persistence:\n  size:\n  class:\n")
    assert yaml.safe_load(stub) == {"persistence": {}}


def test_stub_for_several_charts_has_a_section_each() -> None:
    a, b = "x: 1\n", "y:\n  - a\n  - b\n"
    sections = [
        StubSection("alpha", "1", yaml.safe_load(a), chart_parameters(a)),
        StubSection("beta", "2", yaml.safe_load(b), chart_parameters(b)),
    ]
    assert yaml.safe_load(values_stub(sections)) == {"alpha": {"x": 1}, "beta": {"y": ["a", "b"]}}
    with pytest.raises(UsageError, match="share a name"):
        values_stub([sections[0], sections[0]])


def _render(oracle: Path, chart: Path, *args: str) -> tuple[int, list[Any] | str]:
    proc = subprocess.run(
        [str(oracle), "template", "rel", str(chart), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if proc.returncode != 0:
        return proc.returncode, proc.stderr
    return 0, list(yaml.safe_load_all(proc.stdout))


def _corpus_charts() -> list[str]:
    manifest = Path(__file__).resolve().parent.parent.parent / "shared/corpus/manifest.json"
    if not manifest.is_file():
        return ["corpus-missing"]  # the corpus fixture then fails loudly
    records = json.loads(manifest.read_text())
    return [r["path"] for r in records if r["type"] != "library" and not r["needs_external_dependency"]]


@pytest.mark.slow
@pytest.mark.parametrize("name", _corpus_charts())
def test_corpus_stub_renders_exactly_like_the_defaults(
    run_cli: Any, corpus: Path, helm_oracle: Path, tmp_path: Path, name: str
) -> None:
    """`chart params` on every corpus chart: helm template -f stub gives the defaults' manifests.

    Documents that differ between two plain renders (random passwords, certificates) are told
    apart and left out of the comparison; everything else must be identical.
    """
    chart = corpus / name
    stub = tmp_path / "stub.yaml"
    result = run_cli("chart", "params", str(chart), "-o", str(stub))
    assert result.exit_code == 0, result.stderr
    first, second = _render(helm_oracle, chart), _render(helm_oracle, chart)
    with_stub = _render(helm_oracle, chart, "-f", str(stub))
    if first[0] != 0:  # charts that need values to render at all must fail the same way
        assert with_stub == first
        return
    assert isinstance(first[1], list) and isinstance(second[1], list) and isinstance(with_stub[1], list)
    assert len(with_stub[1]) == len(first[1])
    random_docs = {i for i, (a, b) in enumerate(zip(first[1], second[1], strict=True)) if a != b}
    compared = 0
    for i, (a, b) in enumerate(zip(first[1], with_stub[1], strict=True)):
        if i not in random_docs:
            assert a == b, f"document {i} differs"
            compared += 1
    assert compared or not first[1]


def test_merge_keys_and_non_string_keys_are_listed() -> None:
    text = "base: &base\n  cpu: 1\n  mem: 2\nworker:\n  <<: *base\n  # -- worker memory\n  mem: 4\n80: http\n"
    params = by_path(chart_parameters(text))
    assert params["worker.cpu"].default == 1 and params["worker.cpu"].line is None
    assert params["worker.mem"].default == 4 and params["worker.mem"].description == "worker memory"
    assert params["80"].default == "http"
    stub = stub_for(text)
    assert yaml.safe_load(stub) == yaml.safe_load(text)
