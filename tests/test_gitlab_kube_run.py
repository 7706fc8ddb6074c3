"""GitLab jobs that need a cluster (gitlab-ci-local, shell mode; the fake API server unless
CI_HELM_TEST_KUBECONFIG): the private example's ci-helm-test job on a merge request (it runs only
when CI_HELM_TEST_KUBECONFIG is set, installs the changed chart per scenario, writes JUnit), and the
no-repo workflow's deploy job (install, then upgrade of the same release)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ci_helm.demo_workflows import assemble, git, load_example
from tests.support.kube import KubeCluster
from tests.test_gitlab_run import MERGE_REQUEST, REPO, _gitlab_ci_local, _jobs, job_env, private_repo

pytestmark = pytest.mark.kube
__all__ = ["job_env", "private_repo"]  # fixtures, re-used from test_gitlab_run


def _when(repo: Path, env: dict[str, str], variables: dict[str, str]) -> str:
    flags = [a for k, v in variables.items() for a in ("--variable", f"{k}={v}")]
    listing = subprocess.run(
        [_gitlab_ci_local(), "--list-json", *flags],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    jobs = json.loads(listing.stdout[listing.stdout.index("[\n") :])
    return str(next(j["when"] for j in jobs if j["name"] == "ci-helm-test"))


def test_test_job_installs_the_changed_chart(
    private_repo: Path, job_env: dict[str, str], kube: KubeCluster
) -> None:
    kube.auto_ready()
    git(private_repo, "checkout", "-q", "-b", "feature")
    chart_yaml = private_repo / "app/chart/shop/Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    git(private_repo, "commit", "-qam", "bump")

    cluster = {**MERGE_REQUEST, "CI_HELM_TEST_KUBECONFIG": str(kube.kubeconfig), "CI_HELM_WAIT_TIMEOUT": "60"}
    # The job's rules: it runs on a merge request only when a cluster is configured.
    assert _when(private_repo, job_env, MERGE_REQUEST) == "never"
    assert _when(private_repo, job_env, cluster) == "on_success"
    out = _jobs(private_repo, job_env, "ci-helm-test", variables=cluster)
    assert "PASS  ci-helm-test" in out, out
    junit = (private_repo / "ci-helm-test.xml").read_text()
    assert 'testsuite name="app/chart/shop"' in junit and 'failures="0"' in junit, junit


def test_deploy_job_of_the_no_repo_workflow(
    job_env: dict[str, str], kube: KubeCluster, tmp_path: Path
) -> None:
    """`init-ci --provider gitlab --workflow no-repo` on the no-repo example: ci-helm-deploy-staging
    installs deploy/guestbook with the staging values; a second run upgrades the same release."""
    kube.auto_ready()
    repo = assemble(load_example("no-repo"), tmp_path / "no-repo")
    argv = [
        sys.executable,
        "-m",
        "ci_helm",
        "init-ci",
        "--provider",
        "gitlab",
        "--workflow",
        "no-repo",
        "--force",
    ]
    subprocess.run(argv, cwd=repo, env={**job_env, "PYTHONPATH": str(REPO)}, check=True, capture_output=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "gitlab pipeline")
    # KUBECONFIG is a file-type CI/CD variable in GitLab; the namespace is this test's own.
    cluster = {
        "KUBECONFIG": str(kube.kubeconfig),
        "CI_HELM_NAMESPACE": kube.namespace,
        "CI_HELM_WAIT_TIMEOUT": "60",
    }
    for revision in (1, 2):
        out = _jobs(repo, job_env, "ci-helm-deploy-staging", variables=cluster)
        assert "PASS  ci-helm-deploy-staging" in out, out
        assert f"revision {revision} deployed" in out, out
    deployments = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")
    items = deployments.get(namespace=kube.namespace).to_dict()["items"]
    assert {d["metadata"]["name"]: d["spec"]["replicas"] for d in items} == {
        "guestbook-guestbook-frontend": 1,
        "guestbook-guestbook-redis-leader": 1,
    }
