"""Interrupted and concurrent deploys: a killed pipeline, two pipelines deploying one release."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, CliResult
from tests.support.deploy_charts import write_chart
from tests.support.kube import KubeCluster

pytestmark = pytest.mark.kube

Run = Callable[..., CliResult]


def _flags(kube: KubeCluster) -> list[str]:
    return ["--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace]


def _release_labels(kube: KubeCluster, name: str) -> list[dict[str, str]]:
    secrets = kube.dynamic().resources.get(api_version="v1", kind="Secret")
    items = secrets.get(namespace=kube.namespace, label_selector=f"owner=helm,name={name}").to_dict()["items"]
    return sorted((i["metadata"]["labels"] for i in items), key=lambda labels: int(labels["version"]))


def _wait_for(predicate: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail("condition not reached in time")
        time.sleep(0.2)


def test_killed_deploy_leaves_pending_upgrade_and_recover_fixes_it(
    run_cli: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    kube.auto_ready(hold=lambda obj: "broken" in json.dumps(obj.get("spec") or {}))
    chart = write_chart(tmp_path)
    flags = _flags(kube)
    assert run_cli("deploy", str(chart), "-n", "shop", "--wait-timeout", "30", *flags).exit_code == 0
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    argv = [sys.executable, "-m", "ci_helm", "deploy", str(chart), "-n", "shop", "--set", "image=broken"]
    pipeline = subprocess.Popen(
        [*argv, "--wait-timeout", "120", *flags],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: [r["status"] for r in _release_labels(kube, "shop")][-1:] == ["pending-upgrade"])
    finally:
        os.killpg(pipeline.pid, signal.SIGKILL)  # the CI runner cancels the job
        pipeline.wait(timeout=30)

    again = run_cli("deploy", str(chart), "-n", "shop", "--wait-timeout", "30", *flags)
    assert again.exit_code == 1 and again.stderr.count("\n") == 1
    assert 'release "shop" is stuck in pending-upgrade at revision 2' in again.stderr
    assert "roll back to revision 1 (ci-helm deploy --recover" in again.stderr
    status = run_cli("status", "shop", *flags)
    assert "stuck in pending-upgrade" in status.stderr

    recovered = run_cli("deploy", str(chart), "-n", "shop", "--recover", "--wait-timeout", "30", *flags)
    assert recovered.exit_code == 0, recovered.stderr
    assert 'rolled "shop" back from pending-upgrade to revision 1' in recovered.stderr
    statuses = [r["status"] for r in _release_labels(kube, "shop")]
    # Helm's rollback leaves the interrupted revision in history as it was; only the latest counts.
    assert statuses == ["superseded", "pending-upgrade", "superseded", "deployed"]
    assert run_cli("deploy", str(chart), "-n", "shop", "--wait-timeout", "30", *flags).exit_code == 0


def test_two_deploys_of_one_release_at_once(
    run_cli_subprocess: Run, run_cli: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    kube.auto_ready()
    chart = write_chart(tmp_path)
    flags = _flags(kube)
    assert run_cli("deploy", str(chart), "-n", "web", "--wait-timeout", "30", *flags).exit_code == 0

    def deploy(count: int) -> Any:
        return run_cli_subprocess("deploy", str(chart), "-n", "web", "--set", f"replicaCount={count}", *flags)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(deploy, [2, 3]))
    codes = sorted(r.exit_code for r in results)
    assert codes in ([0, 0], [0, 1]), [r.stderr for r in results]
    for loser in (r for r in results if r.exit_code == 1):
        assert loser.stderr.count("\n") == 1 and "Traceback" not in loser.stderr
        assert any(
            word in loser.stderr for word in ("another operation", "busy", "already exists", "modified")
        )
    labels = _release_labels(kube, "web")
    revisions = [int(r["version"]) for r in labels]
    assert revisions == list(range(1, len(revisions) + 1)), "no gaps, no duplicates"
    assert [r["status"] for r in labels].count("deployed") == 1
    assert not any(r["status"].startswith("pending-") for r in labels)
