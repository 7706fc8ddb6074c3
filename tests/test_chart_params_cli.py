"""``ci-helm chart show`` and ``ci-helm chart params`` end to end, on our examples and the corpus."""

from __future__ import annotations

import json
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

Run = Callable[..., Any]


def test_show_lists_parameters_one_per_line(run_cli: Run, examples: Path) -> None:
    result = run_cli("chart", "show", str(examples / "shop"))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["PARAMETER", "TYPE", "DEFAULT", "DESCRIPTION"]
    row = next(line for line in lines if line.startswith("image.pullPolicy "))
    assert row.split()[:3] == ["image.pullPolicy", "string", '"IfNotPresent"']
    assert row.endswith("When the kubelet pulls the image. [one of: Always, IfNotPresent, Never]")
    assert any(line.startswith("cache.maxMemory ") for line in lines)  # the subchart's, under its name
    assert "shop 0.1.0 (gotpl chart)" in result.stderr


def test_show_json_and_no_subcharts(run_cli: Run, examples: Path) -> None:
    result = run_cli("--format", "json", "chart", "show", "--no-subcharts", str(examples / "shop"))
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["chart"], report["version"], report["engine"]) == ("shop", "0.1.0", "gotpl")
    params = {p["path"]: p for p in report["parameters"]}
    assert "cache.image.tag" not in params
    assert params["replicaCount"] == {
        "path": "replicaCount",
        "type": "int",
        "default": 1,
        "description": "Number of pods when autoscaling is off.",
        "enum": [],
        "required": False,
        "line": 5,
        "source": "both",
    }


def test_show_jinja_chart_uses_dm_schemas(run_cli: Run, examples: Path) -> None:
    result = run_cli("--format", "json", "chart", "show", str(examples / "guestbook"))
    params = {p["path"]: p for p in json.loads(result.stdout)["parameters"]}
    assert params["redis.port"]["enum"] == [6379, 6380]
    assert params["frontend.port"]["required"] is True


def test_show_packaged_chart_and_corpus(run_cli: Run, corpus: Path, tmp_path: Path) -> None:
    chart = corpus / "charts/prometheus-community/prometheus-blackbox-exporter"
    archive = tmp_path / "prometheus-blackbox-exporter.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(chart, arcname=chart.name)
    from_dir = run_cli("--format", "json", "chart", "show", str(chart))
    from_tgz = run_cli("--format", "json", "chart", "show", str(archive))
    assert from_dir.exit_code == from_tgz.exit_code == 0, from_tgz.stderr
    assert json.loads(from_dir.stdout)["parameters"] == json.loads(from_tgz.stdout)["parameters"]
    documented = [p for p in json.loads(from_dir.stdout)["parameters"] if p["description"]]
    assert len(documented) > 50


def test_show_bad_input_is_one_line(run_cli: Run, tmp_path: Path) -> None:
    result = run_cli("chart", "show", str(tmp_path / "nope"))
    assert result.exit_code == 2 and "not found" in result.stderr and len(result.stderr.splitlines()) == 1
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad/Chart.yaml").write_text("apiVersion: v2\nname: bad\nversion: 0.1.0\n")
    (tmp_path / "bad/values.yaml").write_text("a: [1,\n")
    result = run_cli("chart", "show", str(tmp_path / "bad"))
    assert result.exit_code == 1 and "values.yaml" in result.stderr and "Traceback" not in result.stderr


def test_params_writes_a_stub_that_renders_like_the_defaults(
    run_cli: Run, examples: Path, tmp_path: Path, helm_oracle: Path
) -> None:
    result = run_cli("chart", "params", str(examples / "shop"), cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "Wrote values for shop to shop-values.yaml"
    stub = tmp_path / "shop-values.yaml"
    assert "# Number of pods when autoscaling is off. [int]\nreplicaCount: 1" in stub.read_text()

    def render(*extra: str) -> str:
        cmd = [str(helm_oracle), "template", "rel", str(examples / "shop"), *extra]
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

    assert render("-f", str(stub)) == render()


def test_params_never_overwrites_without_force(run_cli: Run, examples: Path, tmp_path: Path) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("keep: me\n")
    result = run_cli("chart", "params", str(examples / "guestbook"), "-o", str(target))
    assert result.exit_code == 2 and "pass --force" in result.stderr
    assert target.read_text() == "keep: me\n"
    result = run_cli("chart", "params", str(examples / "guestbook"), "-o", str(target), "--force")
    assert result.exit_code == 0
    assert yaml.safe_load(target.read_text())["redis"]["port"] == 6379
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]  # no temporary files left


def test_params_several_charts_one_section_each(run_cli: Run, examples: Path, tmp_path: Path) -> None:
    result = run_cli(
        "--format",
        "json",
        "chart",
        "params",
        str(examples / "shop"),
        str(examples / "guestbook"),
        cwd=tmp_path,
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["path"] == str(tmp_path / "values.yaml")
    data = yaml.safe_load((tmp_path / "values.yaml").read_text())
    assert set(data) == {"shop", "guestbook"}
    assert data["guestbook"]["frontend"]["replicas"] == 2
    assert data["shop"]["cache"]["enabled"] is True


def test_params_to_stdout(run_cli: Run, examples: Path, tmp_path: Path) -> None:
    result = run_cli("chart", "params", str(examples / "guestbook"), "-o", "-", cwd=tmp_path)
    assert result.exit_code == 0
    assert yaml.safe_load(result.stdout)["frontend"]["title"] == "Guestbook"
    assert list(tmp_path.iterdir()) == []


def test_show_app_template_documents_its_library_through_the_schema(run_cli: Run, corpus: Path) -> None:
    """bjw-s app-template: empty values.yaml, a remote schema $ref (not fetched), a vendored library."""
    result = run_cli("--format", "json", "chart", "show", str(corpus / "charts/bjw-s/app-template"))
    assert result.exit_code == 0, result.stderr
    params = {p["path"]: p for p in json.loads(result.stdout)["parameters"]}
    strategy = params["common.defaultPodOptionsStrategy"]
    assert strategy["enum"] == ["overwrite", "merge"] and strategy["source"] == "both"
    assert params["global.fullnameOverride"]["description"] == "Set the entire name definition"
