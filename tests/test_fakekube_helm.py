"""Helm's own client against the fake API server: helm_python (embedded SDK) and the helm CLI.

Each reads the other's releases: release records are Helm's own Secrets in the cluster.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.support.deploy_charts import write_chart
from tests.support.fakekube import PodRule
from tests.support.kube import KubeCluster

pytestmark = pytest.mark.kube

HELLO = "charts/helm-examples/hello-world"


def _helm(oracle: Path, kube: KubeCluster, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [str(oracle), *args, "--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace]
    return subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)


def _config(kube: KubeCluster) -> Any:
    import helm_python

    return helm_python.Config(kubeconfig_path=kube.kubeconfig, namespace=kube.namespace)


def test_helm_python_release_lifecycle(kube: KubeCluster, corpus: Path) -> None:
    kube.auto_ready()
    chart = corpus / HELLO
    with _config(kube) as cfg:
        installed = cfg.install(chart, "hw", {"replicaCount": 2}, wait="watcher", timeout=60)
        assert (installed["status"], installed["revision"]) == ("deployed", 1)
        assert [r["name"] for r in cfg.list()] == ["hw"]
        upgraded = cfg.upgrade(chart, "hw", {"replicaCount": 3}, wait="watcher", timeout=60)
        assert upgraded["revision"] == 2
        cfg.rollback("hw", version=1, wait="watcher", timeout=60)
        history = [(h["revision"], h["status"]) for h in cfg.history("hw")]
        assert history == [(1, "superseded"), (2, "superseded"), (3, "deployed")]
        assert cfg.get_values("hw") == {"replicaCount": 2}
        assert cfg.status("hw")["status"] == "deployed"
        cfg.uninstall("hw", wait="watcher", timeout=60)
        assert cfg.list(all_states=True) == []
    apps = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")
    assert apps.get(namespace=kube.namespace).items == []


def test_helm_python_wait_times_out_until_ready(kube: KubeCluster, corpus: Path) -> None:
    import helm_python

    with _config(kube) as cfg:
        with pytest.raises(helm_python.HelmError) as timed_out:
            cfg.install(corpus / HELLO, "slow", wait="watcher", timeout=2)
        assert (
            "slow" in str(timed_out.value)
            or "deadline" in str(timed_out.value).lower()
            or "timed out" in str(timed_out.value).lower()
        )
        assert cfg.status("slow")["status"] == "failed"
        kube.make_ready("Deployment", kube.namespace, "slow-hello-world")
        upgraded = cfg.upgrade(corpus / HELLO, "slow", wait="watcher", timeout=30)
        assert upgraded["status"] == "deployed"


def test_helm_python_runs_test_hooks(kube: KubeCluster, tmp_path: Path) -> None:
    import helm_python

    if kube.fake is None:
        pytest.skip("test pods need the fake's pod rules to fail on purpose")
    kube.auto_ready()
    kube.fake.kubelet.pod_rules = [
        PodRule("-test-ok$", True, "connected\n"),
        PodRule("-test-bad$", False, "connection refused\n"),
    ]
    chart = write_chart(tmp_path, tests=("ok",))
    bad_chart = write_chart(tmp_path / "bad", tests=("ok", "bad"))
    with _config(kube) as cfg:
        cfg.install(chart, "good", wait="watcher", timeout=30)
        result = cfg.test("good", logs=True, timeout=30)
        assert "connected" in result["logs"]
        cfg.install(bad_chart, "broken", wait="watcher", timeout=30)
        with pytest.raises(helm_python.HelmError) as failed:
            cfg.test("broken", logs=True, timeout=30)
        assert "broken-test-bad" in str(failed.value)


def test_helm_cli_lifecycle_and_cross_reading(kube: KubeCluster, corpus: Path, helm_oracle: Path) -> None:
    import helm_python

    kube.auto_ready()
    chart = str(corpus / HELLO)
    installed = _helm(helm_oracle, kube, "install", "cli-made", chart, "--wait", "--timeout", "60s")
    assert installed.returncode == 0, installed.stderr
    with _config(kube) as cfg:
        assert cfg.status("cli-made")["status"] == "deployed"
        # Server-side apply: the embedded SDK's field manager is the process name, not "helm",
        # so changing a field the CLI applied conflicts - as on a real cluster.
        with pytest.raises(helm_python.HelmReleaseError) as conflict:
            cfg.upgrade(chart, "cli-made", {"replicaCount": 2}, wait="watcher", timeout=60)
        assert 'conflict with "helm": .spec.replicas' in str(conflict.value)
        cfg.upgrade(chart, "cli-made", wait="watcher", timeout=60)
        cfg.install(chart, "sdk-made", wait="watcher", timeout=60)
    listed = _helm(helm_oracle, kube, "list", "-o", "json")
    assert sorted((r["name"], r["revision"]) for r in json.loads(listed.stdout)) == [
        ("cli-made", "3"),
        ("sdk-made", "1"),
    ]
    rolled = _helm(helm_oracle, kube, "rollback", "cli-made", "1", "--wait")
    assert rolled.returncode == 0, rolled.stderr
    history = json.loads(_helm(helm_oracle, kube, "history", "cli-made", "-o", "json").stdout)
    assert [h["status"] for h in history] == ["superseded", "failed", "superseded", "deployed"]
    values = _helm(helm_oracle, kube, "get", "values", "sdk-made", "-o", "json")
    assert values.returncode == 0 and json.loads(values.stdout) is None
    uninstalled = _helm(helm_oracle, kube, "uninstall", "sdk-made", "--wait")
    assert uninstalled.returncode == 0, uninstalled.stderr
    with _config(kube) as cfg:
        assert [r["name"] for r in cfg.list(all_states=True)] == ["cli-made"]
        assert cfg.history("cli-made")[-1]["status"] == "deployed"


def test_helm_cli_reports_a_missing_namespace(kube: KubeCluster, corpus: Path, helm_oracle: Path) -> None:
    argv = [
        str(helm_oracle),
        "install",
        "x",
        str(corpus / HELLO),
        "--kubeconfig",
        str(kube.kubeconfig),
        "--namespace",
        "nowhere",
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode != 0
    assert 'namespaces "nowhere" not found' in result.stderr
    created = _helm(helm_oracle, kube, "install", "made", str(corpus / HELLO), "--create-namespace")
    assert created.returncode == 0, created.stderr
