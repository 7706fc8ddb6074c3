"""The no-repo example's deploy workflow: each job's deploy action run through tests/support/gha.py
against a cluster (the fake API server unless CI_HELM_TEST_KUBECONFIG): staging deploys, and a
``--dry-run`` of production shows what would change and changes nothing."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from ci_helm.demo_workflows import assemble, load_example
from tests.support.gha import run_action
from tests.support.kube import KubeCluster

pytestmark = pytest.mark.kube
REPO = Path(__file__).resolve().parent.parent


def _deploy_inputs(workflow: Path, job: str) -> dict[str, str]:
    steps: list[dict[str, Any]] = yaml.safe_load(workflow.read_text())["jobs"][job]["steps"]
    step = next(s for s in steps if "/actions/deploy@" in str(s.get("uses", "")))
    assert step["env"] == {"KUBECONFIG": "${{ runner.temp }}/kubeconfig"}
    return {k: str(v) for k, v in step["with"].items()}


def _replicas(kube: KubeCluster) -> dict[str, int]:
    deployments = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")
    items = deployments.get(namespace=kube.namespace).to_dict()["items"]
    return {d["metadata"]["name"]: d["spec"]["replicas"] for d in items}


def test_deploy_jobs_install_staging_and_dry_run_production(kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready()
    repo = assemble(load_example("no-repo"), tmp_path / "workspace")
    workflow = repo / ".github/workflows/ci-helm-deploy.yml"
    staging = _deploy_inputs(workflow, "deploy-staging")
    assert staging == {"charts": "deploy/guestbook", "extra-args": "--name guestbook --env staging"}
    env = {
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PYTHONPATH": str(REPO),
        "KUBECONFIG": str(kube.kubeconfig),  # the job writes the KUBECONFIG secret to this path
        "CI_HELM_NAMESPACE": kube.namespace,  # this test's namespace instead of ci-helm.yaml's
        "CI_HELM_WAIT_TIMEOUT": "60",
    }
    action = REPO / "actions" / "deploy"
    run = run_action(action, {**staging, "install": "false"}, workspace=repo, env=env)
    assert run.exit_code == 0, "\n".join(run.logs)
    assert _replicas(kube) == {
        "guestbook-guestbook-frontend": 1,
        "guestbook-guestbook-redis-leader": 1,
    }  # values-staging.yaml

    production = _deploy_inputs(workflow, "deploy-production")
    dry = {**production, "extra-args": production["extra-args"] + " --dry-run", "install": "false"}
    run = run_action(action, dry, workspace=repo, env=env)
    log = "\n".join(run.logs)
    assert run.exit_code == 0, log
    assert "~ changed Deployment/guestbook-guestbook-frontend" in log and "replicas: 3" in log, log
    assert _replicas(kube)["guestbook-guestbook-frontend"] == 1, "a dry run changes nothing"
