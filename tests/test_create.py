"""``ci-helm create``: charts that pass helm's own lint and render, and refusals that leave no trace."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from ci_helm.chart.jinja import render_jinja_chart
from tests.support.jinja_charts import chart_from_dir


def helm(oracle: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(oracle), *args], capture_output=True, text=True, check=False, timeout=120)


def manifests(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if d]


def test_go_chart_passes_helm_lint_strict_and_renders(
    run_cli: Callable[..., Any], tmp_path: Path, helm_oracle: Path
) -> None:
    result = run_cli("create", "charts/web", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Created gotpl chart web in charts/web" in result.stdout
    chart = tmp_path / "charts/web"
    assert yaml.safe_load((chart / "Chart.yaml").read_text())["name"] == "web"
    assert not list(chart.rglob("*<CHARTNAME>*")) and "<CHARTNAME>" not in (chart / "values.yaml").read_text()
    for extra in ([], ["-f", str(chart / "ci/default-values.yaml")]):
        lint = helm(helm_oracle, "lint", "--strict", str(chart), *extra)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    rendered = helm(helm_oracle, "template", "rel", str(chart), "-f", str(chart / "ci/default-values.yaml"))
    assert rendered.returncode == 0, rendered.stderr
    docs = {d["kind"]: d for d in manifests(rendered.stdout)}
    assert {"Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "Pod"} <= set(docs)
    pod = docs["Deployment"]["spec"]["template"]["spec"]
    container = pod["containers"][0]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["resources"]["limits"] and container["resources"]["requests"]
    assert container["livenessProbe"] and container["readinessProbe"]
    assert not container["image"].endswith((":latest", ":"))
    assert docs["Pod"]["metadata"]["annotations"]["helm.sh/hook"] == "test"


def test_go_chart_schema_rejects_bad_values(
    run_cli: Callable[..., Any], tmp_path: Path, helm_oracle: Path
) -> None:
    assert run_cli("create", "web", cwd=tmp_path).exit_code == 0
    bad = helm(helm_oracle, "template", str(tmp_path / "web"), "--set", "image.tag=latest")
    assert bad.returncode != 0 and "/image/tag" in bad.stderr
    bad = helm(helm_oracle, "template", str(tmp_path / "web"), "--set", "service.port=http")
    assert bad.returncode != 0 and "/service/port" in bad.stderr


def test_jinja_chart_renders_clean(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    result = run_cli("--format", "json", "create", "--jinja", "api", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["engine"] == "jinja" and "templates/deployment.yaml.j2" in report["files"]
    chart = chart_from_dir(tmp_path / "api")
    assert chart.engine == "jinja"
    ci_values = yaml.safe_load((tmp_path / "api/ci/default-values.yaml").read_text())
    out = render_jinja_chart(chart, ci_values, None)
    docs = {d["kind"]: d for k, v in out.items() if not k.endswith("NOTES.txt") for d in manifests(v)}
    assert {"Deployment", "Service", "ServiceAccount", "PodDisruptionBudget", "Pod"} <= set(docs)
    assert docs["Deployment"]["metadata"]["name"] == "release-name-api"
    assert docs["Deployment"]["spec"]["replicas"] == 2
    container = docs["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginxinc/nginx-unprivileged:1.27.3-alpine"
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    everything = render_jinja_chart(
        chart, {"ingress": {"enabled": True}, "autoscaling": {"enabled": True}, "nodeSelector": {"a": "b"}}
    )
    kinds = {d["kind"] for k, v in everything.items() if not k.endswith("NOTES.txt") for d in manifests(v)}
    assert {"Ingress", "HorizontalPodAutoscaler"} <= kinds


def test_refuses_to_overwrite_an_existing_directory(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    (tmp_path / "web/keep.txt").write_text("mine")
    result = run_cli("create", "web", cwd=tmp_path)
    assert result.exit_code == 2
    assert "already exists; refusing to overwrite it" in result.stderr
    assert [p.name for p in (tmp_path / "web").iterdir()] == ["keep.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["web"]  # no staging leftovers


@pytest.mark.parametrize("name", ["Web", "my_chart", "sub/-web", "web-", "a" * 54])
def test_invalid_names_exit_2_and_write_nothing(
    run_cli: Callable[..., Any], tmp_path: Path, name: str
) -> None:
    result = run_cli("create", name, cwd=tmp_path)
    assert result.exit_code == 2
    assert "is not valid" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_starter_fills_in_the_name(run_cli: Callable[..., Any], tmp_path: Path, helm_oracle: Path) -> None:
    starter = tmp_path / "starter"
    (starter / "templates").mkdir(parents=True)
    (starter / "Chart.yaml").write_text(
        "# our house starter\napiVersion: v2\nname: starter\nversion: 1.0.0\n"
    )
    (starter / "values.yaml").write_text("# -- shown as the config map name\nname: <CHARTNAME>-config\n")
    (starter / "templates/cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n"
        "data:\n  chart: <CHARTNAME>\n"
    )
    (starter / "templates/link.yaml").symlink_to("/etc/hostname")
    (starter / "templates/linkdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside/secret.yaml").write_text("secret: 1\n")
    result = run_cli("create", "--starter", "starter", "billing", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    chart = tmp_path / "billing"
    assert (
        (chart / "Chart.yaml").read_text().startswith("# our house starter\napiVersion: v2\nname: billing\n")
    )
    assert not (chart / "templates/link.yaml").exists()  # links in a starter are not followed
    assert not (chart / "templates/linkdir").exists()
    rendered = helm(helm_oracle, "template", str(chart))
    assert rendered.returncode == 0, rendered.stderr
    assert manifests(rendered.stdout)[0]["metadata"]["name"] == "billing-config"
    assert manifests(rendered.stdout)[0]["data"]["chart"] == "billing"


def test_bad_starter_and_exclusive_flags(run_cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "notachart").mkdir()
    result = run_cli("create", "--starter", "notachart", "web", cwd=tmp_path)
    assert result.exit_code == 2 and "has no Chart.yaml" in result.stderr
    result = run_cli("create", "--starter", "missing", "web", cwd=tmp_path)
    assert result.exit_code == 2 and "is not a directory" in result.stderr
    result = run_cli("create", "--jinja", "--starter", "notachart", "web", cwd=tmp_path)
    assert result.exit_code == 2 and "not allowed with argument" in result.stderr
    assert not (tmp_path / "web").exists()
