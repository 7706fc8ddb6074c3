"""``ci-helm test``: fresh namespace per chart x scenario, readiness, test hooks, clean-up, bundles."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.support.deploy_charts import write_chart
from tests.support.fakekube import PodRule
from tests.support.kube import KubeCluster

pytestmark = pytest.mark.kube

Run = Callable[..., CliResult]
HOOK_RULES = [PodRule("-test-ok$", True, "connected\n"), PodRule("-test-bad$", False, "connection refused\n")]


def _cluster(kube: KubeCluster, hold: Callable[[dict[str, Any]], bool] | None = None) -> None:
    kube.auto_ready(hold=hold)
    if kube.fake is not None:
        kube.fake.kubelet.pod_rules = list(HOOK_RULES)


def _test_namespaces(kube: KubeCluster) -> list[str]:
    """Namespaces ``ci-helm test`` made and has not deleted (a real cluster may keep them
    Terminating for a while after the deletion; the fixture's own ``ci-helm-test-*`` excluded)."""
    namespaces = kube.dynamic().resources.get(api_version="v1", kind="Namespace")
    return [
        n["metadata"]["name"]
        for n in namespaces.get(label_selector="app.kubernetes.io/managed-by=ci-helm").to_dict()["items"]
        if not n["metadata"].get("deletionTimestamp")
    ]


def _report(result: CliResult) -> dict[str, Any]:
    return {c["name"]: c for c in json.loads(result.stdout)["charts"]}


def test_passing_and_failing_test_hooks_in_parallel(run_cli: Run, kube: KubeCluster, tmp_path: Path) -> None:
    _cluster(kube)
    good = write_chart(tmp_path, "good", tests=("ok",))
    bad = write_chart(tmp_path, "bad", tests=("ok", "bad"))
    (good / "ci").mkdir()
    (good / "ci" / "small-values.yaml").write_text("replicaCount: 1\n")
    (good / "ci" / "large-values.yaml").write_text("replicaCount: 3\n")
    artifacts = tmp_path / "artifacts"
    result = run_cli(
        "test", str(good), str(bad), "--parallel", "3", "--artifacts", str(artifacts),
        "--format", "json", "--kubeconfig", str(kube.kubeconfig), "--wait-timeout", "30",
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    charts = _report(result)
    assert charts["good"]["ok"] is True
    assert [c["check"] for c in charts["good"]["checks"]] == ["install (large)", "install (small)"]
    if kube.fake is not None:
        assert all("connected" in c["output"] for c in charts["good"]["checks"])
    [failing] = charts["bad"]["checks"]
    assert failing["status"] == "failed"
    [problem] = failing["problems"]
    assert problem["rule"] == "test-hooks" and "bad-test-bad" in problem["message"]
    bundle = artifacts / "bad" / "default"
    assert (bundle / "events.txt").is_file() and "kind: Deployment" in (bundle / "objects.yaml").read_text()
    assert not (artifacts / "good").exists(), "a passing run leaves no bundle"
    assert _test_namespaces(kube) == [], "every test namespace is removed, also after a failure"


def test_install_failure_names_the_unready_object(run_cli: Run, kube: KubeCluster, tmp_path: Path) -> None:
    _cluster(kube, hold=lambda obj: obj.get("kind") == "Deployment")
    chart = write_chart(tmp_path, "stuck")
    result = run_cli(
        "test",
        str(chart),
        "--kubeconfig",
        str(kube.kubeconfig),
        "--wait-timeout",
        "3",
        "--artifacts",
        str(tmp_path / "a"),
    )
    assert result.exit_code == 1
    assert "install failed: Deployment/stuck-web not ready" in result.stdout
    assert (tmp_path / "a" / "stuck" / "default" / "objects.yaml").is_file()
    assert _test_namespaces(kube) == []


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def test_upgrade_from_the_target_branch(run_cli: Run, kube: KubeCluster, tmp_path: Path) -> None:
    _cluster(kube, hold=lambda obj: "broken" in json.dumps(obj.get("spec") or {}))
    repo = tmp_path / "repo"
    chart = write_chart(repo / "charts", "shop", "0.1.0")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "shop 0.1.0")
    _git(repo, "checkout", "-qb", "feature")
    (chart / "Chart.yaml").write_text((chart / "Chart.yaml").read_text().replace("0.1.0", "0.2.0"))
    (chart / "values.yaml").write_text(
        (chart / "values.yaml").read_text().replace("message: hello", "message: hi")
    )
    _git(repo, "commit", "-qam", "shop 0.2.0")
    flags = ("--kubeconfig", str(kube.kubeconfig), "--wait-timeout", "30", "--format", "json")
    good = run_cli("test", "charts/shop", "--upgrade", *flags, cwd=repo)
    assert good.exit_code == 0, good.stdout + good.stderr

    (chart / "values.yaml").write_text((chart / "values.yaml").read_text().replace("nginx:1.27", "broken:2"))
    _git(repo, "commit", "-qam", "shop 0.2.0 with a broken image")
    broken = run_cli(
        "test", "charts/shop", "--upgrade", *flags[:2], "--wait-timeout", "3", "--format", "json", cwd=repo
    )
    assert broken.exit_code == 1
    [problem] = _report(broken)["shop"]["checks"][0]["problems"]
    assert problem["rule"] == "upgrade"
    assert problem["message"].startswith(
        "upgrade from the target branch's version failed: Deployment/shop-web not ready"
    )
    assert _test_namespaces(kube) == []


def test_interrupt_cleans_up(kube: KubeCluster, tmp_path: Path) -> None:
    import os
    import signal
    import sys
    import time

    from tests.conftest import REPO_ROOT

    _cluster(kube, hold=lambda obj: obj.get("kind") == "Deployment")
    chart = write_chart(tmp_path, "slow")
    argv = [sys.executable, "-m", "ci_helm", "test", str(chart), "--kubeconfig", str(kube.kubeconfig)]
    run = subprocess.Popen(
        [*argv, "--wait-timeout", "300"],
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not _test_namespaces(kube) and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)  # let the install start waiting
    started = time.monotonic()
    run.send_signal(signal.SIGINT)
    _, stderr = run.communicate(timeout=90)
    assert run.returncode == 130, stderr
    assert time.monotonic() - started < 60, "an interrupt does not wait for the 300s readiness timeout"
    assert "interrupted" in stderr and "Traceback" not in stderr
    assert _test_namespaces(kube) == []


@pytest.mark.parametrize("example", ["shop", "guestbook"])
def test_the_examples_pass(run_cli: Run, kube: KubeCluster, example: str) -> None:
    """A Go-template chart with a subchart and a Jinja2 (Deployment-Manager-style) chart, each scenario."""
    from tests.conftest import REPO_ROOT

    kube.auto_ready()
    chart = REPO_ROOT / "examples" / example
    result = run_cli(
        "test", str(chart), "--parallel", "3", "--kubeconfig", str(kube.kubeconfig),
        "--wait-timeout", "60", "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    checks = json.loads(result.stdout)["charts"][0]["checks"]
    scenarios = sorted(p.name.removesuffix("-values.yaml") for p in (chart / "ci").glob("*-values.yaml"))
    assert [c["check"] for c in checks] == [f"install ({s})" for s in scenarios]
    assert _test_namespaces(kube) == []


def test_a_jinja_chart_deploys_as_an_ordinary_helm_release(
    run_cli: Run, kube: KubeCluster, helm_oracle: Path
) -> None:
    from tests.conftest import REPO_ROOT

    kube.auto_ready()
    flags = ("--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace, "--wait-timeout", "60")
    guestbook = str(REPO_ROOT / "examples" / "guestbook")
    assert run_cli("deploy", guestbook, "-n", "gb", *flags).exit_code == 0
    upgraded = run_cli("deploy", guestbook, "-n", "gb", "--set", "frontend.replicas=3", *flags)
    assert upgraded.exit_code == 0, upgraded.stderr
    helm = [str(helm_oracle), "--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace]
    listed = subprocess.run([*helm, "list", "-o", "json"], capture_output=True, text=True, check=True)
    assert [(r["name"], r["chart"], r["revision"]) for r in json.loads(listed.stdout)] == [
        ("gb", "guestbook-0.1.0", "2")
    ]
    deployments = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")
    frontend = deployments.get(name="gb-guestbook-frontend", namespace=kube.namespace).to_dict()
    assert frontend["spec"]["replicas"] == 3
    assert yaml_load(run_cli("get", "values", "gb", *flags[:4]).stdout) == {"frontend": {"replicas": 3}}


def yaml_load(text: str) -> Any:
    import yaml

    return yaml.safe_load(text)


def test_github_actions_gets_the_bundle_in_a_collapsed_group(
    run_cli: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    _cluster(kube, hold=lambda obj: obj.get("kind") == "Deployment")
    chart = write_chart(tmp_path, "stuck")
    flags = ("--kubeconfig", str(kube.kubeconfig), "--wait-timeout", "2", "--artifacts", str(tmp_path / "a"))
    result = run_cli("test", str(chart), *flags, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code == 1
    assert "::group::stuck install (default): events" in result.stdout and "::endgroup::" in result.stdout


def test_upgrade_test_catches_an_immutable_field_change(
    run_cli: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    _cluster(kube)
    repo = tmp_path / "repo"
    chart = write_chart(repo / "charts", "shop", "0.1.0")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "shop 0.1.0")
    _git(repo, "checkout", "-qb", "feature")
    deployment = chart / "templates" / "deployment.yaml"
    # A new selector label: fine for a fresh install, refused by the API server on upgrade.
    text = (
        deployment.read_text()
        .replace(
            "    matchLabels:\n      app.kubernetes.io/instance: {{ .Release.Name }}",
            "    matchLabels:\n      app.kubernetes.io/instance: {{ .Release.Name }}\n      tier: web",
        )
        .replace(
            "      labels:\n        app.kubernetes.io/instance",
            "      labels:\n        tier: web\n        app.kubernetes.io/instance",
        )
    )
    deployment.write_text(text)
    _git(repo, "commit", "-qam", "shop: selector change")
    flags = ("--kubeconfig", str(kube.kubeconfig), "--wait-timeout", "30", "--format", "json")
    plain = run_cli("test", "charts/shop", *flags, cwd=repo)
    assert plain.exit_code == 0, plain.stdout + plain.stderr
    upgrade = run_cli("test", "charts/shop", "--upgrade", *flags, cwd=repo)
    assert upgrade.exit_code == 1
    [problem] = _report(upgrade)["shop"]["checks"][0]["problems"]
    assert (
        problem["rule"] == "upgrade"
        and "spec.selector" in problem["message"]
        and "field is immutable" in problem["message"]
    )


def test_nothing_changed_needs_no_cluster(run_cli: Run, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_chart(repo / "charts", "shop")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "shop")
    result = run_cli(
        "test", "--kubeconfig", str(tmp_path / "no-cluster"), "--target-branch", "main", cwd=repo
    )
    assert result.exit_code == 0, result.stderr
    assert "no charts to test" in result.stderr
