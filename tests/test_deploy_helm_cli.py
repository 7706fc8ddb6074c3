"""The deploy verbs with ``--engine helm-cli``: the same behaviour through the helm binary."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.support.deploy_charts import write_chart
from tests.support.kube import KubeCluster

pytestmark = pytest.mark.kube


def test_deploy_status_history_rollback_delete_through_the_helm_binary(
    run_cli: Callable[..., CliResult], kube: KubeCluster, tmp_path: Path, helm_oracle: Path
) -> None:
    kube.auto_ready()
    chart = write_chart(tmp_path, secret=True)
    flags = ("--engine", "helm-cli", "--helm-binary", str(helm_oracle), "--kubeconfig", str(kube.kubeconfig))
    flags += ("--namespace", kube.namespace, "--wait-timeout", "30")
    first = run_cli("deploy", str(chart), "-n", "cli", *flags)
    assert first.exit_code == 0, first.stderr
    assert "installed cli" in first.stdout and "chart demo-0.1.0" in first.stdout
    second = run_cli("deploy", str(chart), "-n", "cli", "--set", "replicaCount=2", *flags)
    assert second.exit_code == 0 and "revision 2 deployed" in second.stdout, second.stderr
    dry = run_cli("deploy", str(chart), "-n", "cli", "--set", "replicaCount=3", "--dry-run", *flags)
    assert "~ changed Deployment/cli-web" in dry.stdout and "s3cr3t" not in dry.stdout
    status = json.loads(run_cli("status", "cli", "--format", "json", *flags).stdout)
    assert status["revision"] == 2 and status["ready"] is True
    assert run_cli("rollback", "cli", *flags).exit_code == 0
    history = json.loads(run_cli("history", "cli", "--format", "json", *flags).stdout)
    assert [(h["revision"], h["status"], h["chart"]) for h in history] == [
        (1, "superseded", "demo-0.1.0"),
        (2, "superseded", "demo-0.1.0"),
        (3, "deployed", "demo-0.1.0"),
    ]
    assert run_cli("uninstall", "cli", *flags).exit_code == 0
    missing = run_cli("status", "cli", *flags)
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1 and "not found" in missing.stderr
