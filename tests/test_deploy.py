"""``ci-helm deploy`` and friends against a cluster (the fake API server unless CI_HELM_TEST_KUBECONFIG)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CliResult
from tests.support.deploy_charts import write_chart
from tests.support.kube import KubeCluster

pytestmark = pytest.mark.kube

Run = Callable[..., CliResult]


def _broken(obj: dict[str, Any]) -> bool:
    """Workloads whose image is 'broken' never become ready (as with an image that cannot be pulled)."""
    return "broken" in json.dumps((obj.get("spec") or {}).get("template") or {})


@pytest.fixture
def ci(run_cli: Run, kube: KubeCluster) -> Run:
    def run(*args: str, **kwargs: Any) -> CliResult:
        return run_cli(*args, "--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace, **kwargs)

    return run


def _history(ci: Run, name: str) -> list[tuple[int, str, str]]:
    result = ci("deployment", "history", name, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [(h["revision"], h["status"], h["description"]) for h in json.loads(result.stdout)]


def test_install_upgrade_failed_upgrade_rollback_history_delete(
    ci: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    kube.auto_ready(hold=_broken)
    chart = write_chart(tmp_path, secret=True)
    first = ci("deploy", str(chart), "-n", "shop", "--wait-timeout", "30")
    assert first.exit_code == 0, first.stderr
    assert "installed shop" in first.stdout and "revision 1 deployed" in first.stdout
    second = ci("deploy", str(chart), "-n", "shop", "--set", "replicaCount=2", "--wait-timeout", "30")
    assert second.exit_code == 0 and "upgraded shop" in second.stdout and "revision 2" in second.stdout

    _event(kube, "shop-web", "Failed", 'Failed to pull image "broken:1": not found')
    failed = ci("deploy", str(chart), "-n", "shop", "--set", "image=broken:1", "--wait-timeout", "3")
    assert failed.exit_code == 1
    error = failed.stderr.strip().splitlines()[0]
    assert error.startswith("error: ")
    assert error.startswith('error: upgrade of "shop" failed: Deployment/shop-web not ready: ')
    assert 'Failed: Failed to pull image "broken:1"' in error, "the latest events explain why"
    assert "rolled back to revision 2" in error
    assert "Traceback" not in failed.stderr

    manual = ci("rollback", "shop", "1", "--wait-timeout", "30")
    assert manual.exit_code == 0, manual.stderr
    assert "rolled back to revision 1" in manual.stdout
    history = _history(ci, "shop")
    assert [(r, s) for r, s, _ in history] == [
        (1, "superseded"),
        (2, "superseded"),
        (3, "failed"),
        (4, "superseded"),
        (5, "deployed"),
    ]
    assert history[3][2] == "Rollback to 2" and history[4][2] == "Rollback to 1"
    deployment = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")
    live = deployment.get(name="shop-web", namespace=kube.namespace).to_dict()
    assert (
        live["spec"]["replicas"] == 1
        and live["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.27"
    )

    deleted = ci("deployment", "delete", "shop")
    assert deleted.exit_code == 0 and 'release "shop" uninstalled' in deleted.stdout
    assert json.loads(ci("deployment", "list", "--format", "json").stdout) == []
    assert deployment.get(namespace=kube.namespace).to_dict()["items"] == []


def _event(kube: KubeCluster, name: str, reason: str, message: str) -> None:
    events = kube.dynamic().resources.get(api_version="v1", kind="Event")
    events.create(
        namespace=kube.namespace,
        body={
            "metadata": {"name": f"{name}.{reason.lower()}"},
            "involvedObject": {"kind": "Deployment", "name": name, "namespace": kube.namespace},
            "reason": reason,
            "message": message,
            "type": "Warning",
            "count": 3,
            "lastTimestamp": "2026-01-01T00:00:00Z",
        },
    )


def test_random_names_and_name_clashes(ci: Run, kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready()
    demo, other = write_chart(tmp_path, "demo"), write_chart(tmp_path, "other")
    names = set()
    for _ in range(2):
        result = ci("deploy", str(demo), "--format", "json", "--wait-timeout", "30")
        assert result.exit_code == 0, result.stderr
        names.add(json.loads(result.stdout)["name"])
    assert len(names) == 2 and all(n.count("-") == 1 for n in names), names
    taken = sorted(names)[0]
    clash = ci("deploy", str(other), "-n", taken, "--wait-timeout", "30")
    assert clash.exit_code == 1
    assert (
        f'release "{taken}" in namespace "{kube.namespace}" runs chart demo-0.1.0, not other' in clash.stderr
    )
    forced = ci("deploy", str(other), "-n", taken, "--force", "--wait-timeout", "30")
    assert forced.exit_code == 0, forced.stderr
    listed = json.loads(ci("deployment", "list", "--format", "json").stdout)
    assert sorted(r["chart_name"] for r in listed) == ["demo", "other"]
    only = json.loads(ci("list", "--chart", "demo", "--format", "json").stdout)
    assert [r["chart_name"] for r in only] == ["demo"]
    instances = ci("chart", "instances", str(demo))
    assert (
        instances.exit_code == 0
        and "demo-0.1.0" in instances.stdout
        and "other-0.1.0" not in instances.stdout
    )


def test_dry_run_diff_against_the_live_release_masks_secrets(
    ci: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    kube.auto_ready()
    chart = write_chart(tmp_path, secret=True)
    assert ci("deploy", str(chart), "-n", "web", "--wait-timeout", "30").exit_code == 0
    (chart / "templates" / "configmap.yaml").unlink()
    dry = ci(
        "deploy",
        str(chart),
        "-n",
        "web",
        "--dry-run",
        "--set",
        "replicaCount=3",
        "--set",
        "password=hunter22",
    )
    assert dry.exit_code == 0, dry.stderr
    assert "~ changed Deployment/web-web" in dry.stdout and "+  replicas: 3" in dry.stdout
    assert "- removed ConfigMap/web-config" in dry.stdout
    assert "~ changed Secret/web-secret" in dry.stdout and "value changed" in dry.stdout
    assert "hunter22" not in dry.stdout and "s3cr3t" not in dry.stdout
    assert "plan: 0 to add, 2 to change, 1 to remove" in dry.stdout
    assert _history(ci, "web") == [(1, "deployed", "Install complete")], "a dry run changes nothing"


def test_dry_run_without_a_cluster_shows_everything_added(run_cli: Run, tmp_path: Path) -> None:
    chart = write_chart(tmp_path, secret=True)
    result = run_cli("deploy", str(chart), "--dry-run", "--kubeconfig", str(tmp_path / "missing"))
    assert result.exit_code == 0, result.stderr
    assert "no cluster reachable" in result.stderr
    assert "+ added Deployment/release-name-web" in result.stdout
    assert "plan: 3 to add, 0 to change, 0 to remove" in result.stdout
    assert "s3cr3t" not in result.stdout


def test_values_file_names_its_chart_and_env_from_config(
    run_cli: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    kube.auto_ready()
    write_chart(tmp_path / "charts", "shop")
    values = tmp_path / "deploy" / "staging.yaml"
    values.parent.mkdir()
    values.write_text("chart: ../charts/shop\nmessage: from-staging\n")
    config = {
        "environments": {
            "staging": {
                "kubeconfig": str(kube.kubeconfig),
                "namespace": kube.namespace,
                "values": ["deploy/staging.yaml"],
            }
        }
    }
    (tmp_path / "ci-helm.yaml").write_text(yaml.safe_dump(config))
    result = run_cli("deploy", "--env", "staging", "-n", "st", "--wait-timeout", "30", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    params = run_cli("deployment", "params", "st", "--env", "staging", cwd=tmp_path)
    assert yaml.safe_load(params.stdout) == {"message": "from-staging"}, "the chart: reference is not a value"
    unknown = run_cli("deploy", "--env", "prod", cwd=tmp_path)
    assert (
        unknown.exit_code == 2
        and "unknown environment 'prod' (environments in ci-helm.yaml: staging)" in unknown.stderr
    )


def test_status_params_manifest_redeploy(ci: Run, kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready(hold=_broken)
    chart = write_chart(tmp_path)
    assert ci("deploy", str(chart), "-n", "a", "--set", "message=one", "--wait-timeout", "30").exit_code == 0
    assert ci("deploy", str(chart), "-n", "b", "--set", "message=two", "--no-wait").exit_code == 0
    status = json.loads(ci("status", "a", "--format", "json").stdout)
    assert status["status"] == "deployed" and status["ready"] is True
    assert {(r["kind"], r["ready"]) for r in status["resources"]} == {
        ("Deployment", True),
        ("ConfigMap", True),
    }
    params = ci("deployment", "params", "a", "b", "-o", "params.yaml", cwd=tmp_path)
    assert params.exit_code == 0
    assert yaml.safe_load((tmp_path / "params.yaml").read_text()) == {
        "a": {"message": "one"},
        "b": {"message": "two"},
    }
    manifest = ci("get", "manifest", "a")
    assert "kind: Deployment" in manifest.stdout and "name: a-web" in manifest.stdout
    redeployed = ci("redeploy", "a", "--reuse-values", "--set", "replicaCount=2", "--wait-timeout", "30")
    assert redeployed.exit_code == 0, redeployed.stderr
    assert yaml.safe_load(ci("get", "values", "a").stdout) == {"message": "one", "replicaCount": 2}
    kube.auto_ready(hold=lambda obj: True)
    ci("deploy", str(chart), "-n", "a", "--set", "replicaCount=4", "--no-wait")
    text = ci("status", "a").stdout
    assert "resources: 1/2 ready" in text and "Deployment/a-web: NOT READY" in text


def test_helm_cli_and_ci_helm_read_each_others_releases(
    ci: Run, kube: KubeCluster, tmp_path: Path, helm_oracle: Path
) -> None:
    kube.auto_ready()
    chart = write_chart(tmp_path)
    helm = [str(helm_oracle), "--kubeconfig", str(kube.kubeconfig), "--namespace", kube.namespace]
    assert ci("deploy", str(chart), "-n", "ours", "--wait-timeout", "30").exit_code == 0
    status = subprocess.run(
        [*helm, "status", "ours", "-o", "json"], capture_output=True, text=True, check=True
    )
    assert json.loads(status.stdout)["info"]["status"] == "deployed"
    subprocess.run(
        [*helm, "upgrade", "ours", str(chart), "--set", "replicaCount=2"], capture_output=True, check=True
    )
    subprocess.run([*helm, "install", "theirs", str(chart)], capture_output=True, check=True)
    listed = {r["name"]: r["revision"] for r in json.loads(ci("list", "--format", "json").stdout)}
    assert listed == {"ours": 2, "theirs": 1}
    upgraded = ci("deploy", str(chart), "-n", "theirs", "--set", "replicaCount=3", "--wait-timeout", "30")
    assert upgraded.exit_code == 0, upgraded.stderr  # field ownership taken over from the helm CLI
    rolled = ci("rollback", "ours", "--wait-timeout", "30")
    assert rolled.exit_code == 0 and "rolled back to revision 1" in rolled.stdout
    history = subprocess.run(
        [*helm, "history", "ours", "-o", "json"], capture_output=True, text=True, check=True
    )
    assert [h["status"] for h in json.loads(history.stdout)] == ["superseded", "superseded", "deployed"]


def test_cluster_problems_are_one_clear_line(run_cli: Run, fake_kube: Any, tmp_path: Path) -> None:
    from tests.support.fakekube import FakeKube

    chart = write_chart(tmp_path)
    down = FakeKube().start()
    url_config = down.write_kubeconfig(tmp_path / "down.yaml")
    down.stop()
    unreachable = run_cli("deploy", str(chart), "-n", "x", "--kubeconfig", str(url_config))
    assert unreachable.exit_code == 1
    assert unreachable.stderr.count("\n") == 1 and "is unreachable" in unreachable.stderr
    assert "connection refused" in unreachable.stderr

    with FakeKube(tokens={"fresh"}) as secured:
        expired = secured.write_kubeconfig(tmp_path / "expired.yaml", token="stale")
        denied = run_cli("status", "x", "--kubeconfig", str(expired))
        assert denied.exit_code == 1 and denied.stderr.count("\n") == 1
        assert "refused the credentials" in denied.stderr and "401" in denied.stderr

    good = fake_kube.write_kubeconfig(tmp_path / "good.yaml")
    missing = run_cli("deploy", str(chart), "-n", "x", "--namespace", "nowhere", "--kubeconfig", str(good))
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1
    assert 'namespace "nowhere" does not exist' in missing.stderr
    absent = run_cli("status", "ghost", "--kubeconfig", str(good))
    assert absent.exit_code == 1 and 'release "ghost" not found in namespace "default"' in absent.stderr


def test_kube_context_is_honoured(run_cli: Run, kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready()
    config = yaml.safe_load(kube.kubeconfig.read_text())
    real = config["contexts"][0]
    config["clusters"].append({"name": "nowhere", "cluster": {"server": "http://127.0.0.1:9"}})
    config["contexts"].append(
        {"name": "broken", "context": {"cluster": "nowhere", "user": real["context"]["user"]}}
    )
    config["current-context"] = "broken"
    kubeconfig = tmp_path / "two-contexts.yaml"
    kubeconfig.write_text(yaml.safe_dump(config))
    chart = write_chart(tmp_path)
    flags = ("--kubeconfig", str(kubeconfig), "--namespace", kube.namespace, "--wait-timeout", "30")
    assert run_cli("deploy", str(chart), "-n", "ctx", *flags).exit_code == 1, "the current context is down"
    chosen = run_cli("deploy", str(chart), "-n", "ctx", "--kube-context", real["name"], *flags)
    assert chosen.exit_code == 0, chosen.stderr
    status = run_cli("status", "ctx", "--kube-context", real["name"], *flags)
    assert status.exit_code == 0 and "resources: 2/2 ready" in status.stdout


def test_no_rollback_keeps_the_failed_revision(ci: Run, kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready(hold=_broken)
    chart = write_chart(tmp_path)
    assert ci("deploy", str(chart), "-n", "keep", "--wait-timeout", "30").exit_code == 0
    failed = ci(
        "deploy", str(chart), "-n", "keep", "--set", "image=broken", "--no-rollback", "--wait-timeout", "2"
    )
    assert failed.exit_code == 1 and "rolled back" not in failed.stderr
    assert [(r, s) for r, s, _ in _history(ci, "keep")] == [(1, "deployed"), (2, "failed")]
    status = json.loads(ci("status", "keep", "--format", "json").stdout)
    assert status["ready"] is False
    assert [r["name"] for r in status["resources"] if not r["ready"]] == ["keep-web"]


def test_deploy_is_declarative_after_a_failed_install(ci: Run, kube: KubeCluster, tmp_path: Path) -> None:
    kube.auto_ready(hold=_broken)
    chart = write_chart(tmp_path)
    failed = ci("deploy", str(chart), "-n", "fresh", "--set", "image=broken", "--wait-timeout", "2")
    assert failed.exit_code == 1
    assert failed.stderr.startswith('error: install of "fresh" failed: Deployment/fresh-web not ready')
    assert "cancelled" not in failed.stderr and "deadline" not in failed.stderr
    fixed = ci("deploy", str(chart), "-n", "fresh", "--wait-timeout", "30")
    assert fixed.exit_code == 0, "the broken --set of the failed install is not inherited: " + fixed.stderr
    assert yaml.safe_load(ci("get", "values", "fresh").stdout) in (None, {})


def test_diff_before_applying_show_and_manifests_of_several(
    ci: Run, kube: KubeCluster, tmp_path: Path
) -> None:
    kube.auto_ready()
    chart = write_chart(tmp_path)
    assert ci("deploy", str(chart), "-n", "one", "--wait-timeout", "30").exit_code == 0
    assert ci("deploy", str(chart), "-n", "two", "--wait-timeout", "30").exit_code == 0
    diffed = ci(
        "deploy", str(chart), "-n", "one", "--diff", "--set", "message=changed", "--wait-timeout", "30"
    )
    assert diffed.exit_code == 0
    assert diffed.stdout.index("~ changed ConfigMap/one-config") < diffed.stdout.index("upgraded one")
    assert "+  message: changed" in diffed.stdout
    shown = ci("deployment", "show", "one")
    assert "revision 2 deployed" in shown.stdout and "message: changed" in shown.stdout
    out = tmp_path / "manifests.yaml"
    assert ci("deployment", "manifest", "one", "two", "-o", str(out)).exit_code == 0
    text = out.read_text()
    assert "# release: one (revision 2)" in text and "# release: two (revision 1)" in text
    names = [d["metadata"]["name"] for d in yaml.safe_load_all(text) if d]
    assert sorted(names) == ["one-config", "one-web", "two-config", "two-web"]


@pytest.fixture
def chart_repo(tmp_path: Path) -> Any:
    """A Helm chart repository (index.yaml + archives) served on 127.0.0.1."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    import helm_python

    served = tmp_path / "repo"
    served.mkdir()
    for version in ("0.1.0", "0.2.0"):
        helm_python.package(write_chart(tmp_path / version, "demo", version), destination=served)

    class QuietHandler(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(served)))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    helm_python.repo_index_generate(served, base_url=url)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url
    server.shutdown()
    server.server_close()


def test_deploy_charts_from_a_repository_and_a_url(ci: Run, kube: KubeCluster, chart_repo: str) -> None:
    kube.auto_ready()
    pinned = ci(
        "deploy", "demo", "--repo", chart_repo, "--version", "0.1.0", "-n", "pinned", "--wait-timeout", "30"
    )
    assert pinned.exit_code == 0, pinned.stderr
    assert "chart demo-0.1.0" in pinned.stdout
    latest = ci("deploy", "demo", "--repo", chart_repo, "-n", "pinned", "--wait-timeout", "30")
    assert latest.exit_code == 0 and "revision 2 deployed, chart demo-0.2.0" in latest.stdout, latest.stderr
    by_url = ci("deploy", f"{chart_repo}/demo-0.1.0.tgz", "-n", "url", "--wait-timeout", "30")
    assert by_url.exit_code == 0 and "chart demo-0.1.0" in by_url.stdout, by_url.stderr
    missing = ci("deploy", "demo", "--repo", chart_repo, "--version", "9.9.9", "-n", "x")
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1
    assert "cannot download chart demo from" in missing.stderr


def test_deploy_a_chart_from_an_oci_registry(
    ci: Run, run_cli: Run, kube: KubeCluster, oci_registry: Any, tmp_path: Path
) -> None:
    """What `release --to oci://` pushed, `deploy oci://` installs (a real docker-registry on 127.0.0.1)."""
    chart = write_chart(tmp_path / "src", "ocidemo", "0.3.0")
    pushed = run_cli("release", str(chart), "--to", f"oci://{oci_registry.host}/charts", "--plain-http")
    assert pushed.exit_code == 0, pushed.stderr
    kube.auto_ready()
    deployed = ci(
        "deploy",
        f"oci://{oci_registry.host}/charts/ocidemo",
        "--version",
        "0.3.0",
        "-n",
        "from-oci",
        "--wait-timeout",
        "30",
        "--plain-http",
    )
    assert deployed.exit_code == 0, deployed.stderr
    assert "chart ocidemo-0.3.0" in deployed.stdout
    missing = ci("deploy", f"oci://{oci_registry.host}/charts/nothing-here", "-n", "x", "--plain-http")
    assert missing.exit_code == 1 and missing.stderr.count("\n") == 1, missing.stderr
