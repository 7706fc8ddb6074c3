"""The bundled examples: they render (helm oracle for the Go chart, ci-helm for both) and are clean."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

Run = Callable[..., Any]
CHARTS = ("shop", "guestbook")


def values_sets(chart: Path) -> list[list[str]]:
    return [[], *(["-f", str(f)] for f in sorted((chart / "ci").glob("*-values.yaml")))]


def docs(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]


def containers(doc: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(pod spec, container) for workloads and bare pods."""
    spec = doc.get("spec") or {}
    pod = (spec.get("template") or {}).get("spec") if doc["kind"] != "Pod" else spec
    for c in (pod or {}).get("containers") or []:
        yield pod, c


def assert_clean(objects: list[dict[str, Any]]) -> None:
    """What kube-score, Polaris and Checkov ask first: pinned tags, resources, probes, non-root."""
    seen = 0
    for doc in objects:
        test_hook = "helm.sh/hook" in ((doc.get("metadata") or {}).get("annotations") or {})
        for pod, c in containers(doc):
            seen += 1
            name = f"{doc['kind']}/{doc['metadata']['name']}/{c['name']}"
            image = c["image"]
            assert ":" in image.rsplit("/", 1)[-1] and not image.endswith(":latest"), name
            assert c["resources"]["requests"] and c["resources"]["limits"], name
            assert pod["securityContext"]["runAsNonRoot"] is True, name
            assert pod.get("automountServiceAccountToken") is False, name
            security = c["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["capabilities"]["drop"] == ["ALL"], name
            if not test_hook:
                assert c["livenessProbe"] and c["readinessProbe"], name
    assert seen >= 2


@pytest.mark.parametrize("chart", CHARTS)
def test_example_renders_clean_with_every_values_set(
    run_cli_subprocess: Run, examples: Path, chart: str
) -> None:
    for extra in values_sets(examples / chart):
        result = run_cli_subprocess("template", "--name", "demo", str(examples / chart), *extra)
        assert result.exit_code == 0, result.stderr
        assert_clean(docs(result.stdout))


def test_shop_passes_helm_lint_and_matches_helm(
    run_cli_subprocess: Run, examples: Path, helm_oracle: Path
) -> None:
    chart = examples / "shop"
    for extra in values_sets(chart):
        lint = subprocess.run(
            [str(helm_oracle), "lint", "--strict", str(chart), *extra],
            capture_output=True,
            text=True,
            check=False,
        )
        assert lint.returncode == 0, lint.stdout
        helm = subprocess.run(
            [str(helm_oracle), "template", "demo", str(chart), *extra],
            capture_output=True,
            text=True,
            check=True,
        )
        ours = run_cli_subprocess("template", "--name", "demo", str(chart), *extra)
        assert ours.exit_code == 0, ours.stderr
        assert docs(ours.stdout) == docs(helm.stdout)
    kinds = [d["kind"] for d in docs(helm.stdout)]
    assert "Deployment" in kinds


def test_shop_subchart_follows_its_condition(run_cli_subprocess: Run, examples: Path) -> None:
    on = docs(run_cli_subprocess("template", "--name", "demo", str(examples / "shop")).stdout)
    off = docs(
        run_cli_subprocess(
            "template", "--name", "demo", str(examples / "shop"), "--set", "cache.enabled=false"
        ).stdout
    )
    assert any(d["metadata"]["name"] == "demo-cache" for d in on)
    assert not any(d["metadata"]["name"] == "demo-cache" for d in off)


def test_guestbook_schemas_name_the_parameter(run_cli_subprocess: Run, examples: Path) -> None:
    result = run_cli_subprocess("template", str(examples / "guestbook"), "--set", "frontend.port=80")
    assert result.exit_code == 1
    assert "guestbook/templates/frontend.yaml.j2.schema" in result.stderr
    assert "frontend.port: 80 is less than the minimum of 1024" in result.stderr
    result = run_cli_subprocess("template", str(examples / "guestbook"), "--set", "redis.image.tag=latest")
    assert result.exit_code == 1 and "redis.image.tag" in result.stderr


def test_guestbook_template_error_names_file_and_line(
    run_cli_subprocess: Run, examples: Path, tmp_path: Path
) -> None:
    chart = tmp_path / "guestbook"
    shutil.copytree(examples / "guestbook", chart)
    page = chart / "templates/frontend.yaml.j2"
    lines = page.read_text().splitlines()
    lines[4] = "  name: {{ h.fullname('frontend') }"
    page.write_text("\n".join(lines) + "\n")
    result = run_cli_subprocess("template", str(chart))
    assert result.exit_code == 1
    assert "guestbook/templates/frontend.yaml.j2:5: syntax error" in result.stderr
    assert "Traceback" not in result.stderr
