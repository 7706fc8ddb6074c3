"""The Jenkinsfile's Test stage (``ciHelm(step: 'test', ...)``) through ciHelm.groovy's script, against
a cluster (the fake API server unless CI_HELM_TEST_KUBECONFIG): the changed chart is installed per
scenario and its JUnit report written for Jenkins' ``junit`` step."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ci_helm.demo_workflows import assemble, git, load_example
from tests.support.kube import KubeCluster
from tests.test_jenkins_run import _ci_helm_on_path, parse_jenkinsfile, pipeline_environment, run_call

pytestmark = pytest.mark.kube


def test_test_stage_installs_the_changed_chart(kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready()
    repo = assemble(load_example("private"), tmp_path / "repo")
    git(repo, "checkout", "-q", "-b", "feature")
    chart_yaml = repo / "app/chart/shop/Chart.yaml"
    chart_yaml.write_text(chart_yaml.read_text().replace("version: 0.1.0", "version: 0.2.0"))
    git(repo, "commit", "-qam", "bump")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    env = _ci_helm_on_path(bin_dir, f'#!/bin/bash\nexec "{sys.executable}" -m ci_helm "$@"\n')
    env.update({"KUBECONFIG": str(kube.kubeconfig), "CI_HELM_WAIT_TIMEOUT": "60"})  # the agent's cluster
    jenkinsfile = (repo / "Jenkinsfile").read_text()
    stage = next(c for c in parse_jenkinsfile(jenkinsfile, tag=False) if c.stage == "Test")
    done = run_call(stage, repo, env, pipeline_environment(jenkinsfile, {"CHANGE_TARGET": "main"}))
    assert done.returncode == 0, done.stdout + done.stderr
    junit = (repo / "ci-helm-test.xml").read_text()
    assert 'testsuite name="app/chart/shop"' in junit and 'failures="0"' in junit, junit
    scenarios = sorted(
        p.name.removesuffix("-values.yaml") for p in (repo / "app/chart/shop/ci").glob("*-values.yaml")
    )
    assert all(f"install ({s})" in junit for s in scenarios), junit
