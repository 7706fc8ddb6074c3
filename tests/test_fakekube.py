"""The fake API server, driven by the official kubernetes Python client (as ci-helm's adapter is)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from tests.support.fakekube import FakeKube
from tests.support.kube import KubeCluster, real_cluster_kubeconfig, real_cluster_skip_reason

pytestmark = pytest.mark.kube


def _deployment(name: str, replicas: int = 1, labels: dict[str, str] | None = None) -> dict[str, Any]:
    labels = labels or {"app": name}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {
                    "containers": [{"name": "main", "image": "nginx:1", "env": [{"name": "A", "value": "1"}]}]
                },
            },
        },
    }


def _apps(kube: KubeCluster) -> client.AppsV1Api:
    return client.AppsV1Api(kube.api_client())


def _core(kube: KubeCluster) -> client.CoreV1Api:
    return client.CoreV1Api(kube.api_client())


def test_real_cluster_mode() -> None:
    if real_cluster_kubeconfig() is None:
        pytest.skip(real_cluster_skip_reason())
    assert real_cluster_kubeconfig().is_file()  # type: ignore[union-attr]


def test_discovery_and_version(kube: KubeCluster) -> None:
    api = kube.api_client()
    assert client.VersionApi(api).get_code().major == "1"
    groups = {g.name for g in client.ApisApi(api).get_api_versions().groups}
    assert {"apps", "batch", "apiextensions.k8s.io", "rbac.authorization.k8s.io"} <= groups
    names = {r.name for r in client.AppsV1Api(api).get_api_resources().resources}
    assert {"deployments", "deployments/status", "statefulsets"} <= names


def test_create_get_list_delete_with_metadata(kube: KubeCluster) -> None:
    apps, ns = _apps(kube), kube.namespace
    created = apps.create_namespaced_deployment(ns, _deployment("web"))
    assert created.metadata.uid and created.metadata.resource_version
    assert created.metadata.generation == 1 and created.metadata.creation_timestamp is not None
    with pytest.raises(ApiException) as exists:
        apps.create_namespaced_deployment(ns, _deployment("web"))
    assert exists.value.status == 409
    assert [d.metadata.name for d in apps.list_namespaced_deployment(ns).items] == ["web"]
    apps.delete_namespaced_deployment("web", ns, propagation_policy="Background")
    with pytest.raises(ApiException) as gone:
        apps.read_namespaced_deployment("web", ns)
    assert gone.value.status == 404


def test_update_conflict_and_generation(kube: KubeCluster) -> None:
    apps, ns = _apps(kube), kube.namespace
    first = apps.create_namespaced_deployment(ns, _deployment("web"))
    first.spec.replicas = 3
    updated = apps.replace_namespaced_deployment("web", ns, first)
    assert updated.metadata.generation == 2
    first.spec.replicas = 4  # still carries the old resourceVersion
    with pytest.raises(ApiException) as conflict:
        apps.replace_namespaced_deployment("web", ns, first)
    assert conflict.value.status == 409 and "the object has been modified" in conflict.value.body
    labelled = apps.patch_namespaced_deployment("web", ns, {"metadata": {"labels": {"tier": "front"}}})
    assert labelled.metadata.generation == 2, "a metadata-only change keeps the generation"


def test_status_subresource_is_separate(kube: KubeCluster) -> None:
    apps, ns = _apps(kube), kube.namespace
    body = _deployment("web")
    body["status"] = {"readyReplicas": 9}
    created = apps.create_namespaced_deployment(ns, body)
    assert created.status is None or created.status.ready_replicas is None
    kube.make_ready("Deployment", ns, "web")
    ready = apps.read_namespaced_deployment_status("web", ns)
    assert ready.status.ready_replicas == 1 and ready.status.observed_generation == 1
    apps.patch_namespaced_deployment("web", ns, {"status": {"readyReplicas": 0}})
    assert apps.read_namespaced_deployment("web", ns).status.ready_replicas == 1


def test_label_and_field_selectors(kube: KubeCluster) -> None:
    core, ns = _core(kube), kube.namespace
    for name, tier, phase in (("a", "web", "Running"), ("b", "web", "Pending"), ("c", "db", "Running")):
        pod = {
            "metadata": {"name": name, "labels": {"tier": tier}},
            "spec": {"containers": [{"name": "x", "image": "x"}]},
        }
        core.create_namespaced_pod(ns, pod)
        core.patch_namespaced_pod_status(name, ns, {"status": {"phase": phase}})

    def names(**kwargs: str) -> list[str]:
        return [p.metadata.name for p in core.list_namespaced_pod(ns, **kwargs).items]

    assert names(label_selector="tier=web") == ["a", "b"]
    assert names(label_selector="tier in (db),!missing") == ["c"]
    assert names(label_selector="tier!=web") == ["c"]
    assert names(field_selector="status.phase=Running") == ["a", "c"]
    assert names(field_selector="metadata.name=b") == ["b"]
    all_ns = [p.metadata.name for p in core.list_pod_for_all_namespaces(label_selector="tier=db").items]
    assert all_ns == ["c"]


def test_patch_types(kube: KubeCluster) -> None:
    apps, ns = _apps(kube), kube.namespace
    apps.create_namespaced_deployment(ns, _deployment("web"))
    deployments = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")

    def patch(body: Any, content_type: str) -> dict[str, Any]:
        return deployments.patch(body=body, name="web", namespace=ns, content_type=content_type).to_dict()  # type: ignore[no-any-return]

    strategic = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "main", "env": [{"name": "B", "value": "2"}]}]}}
        }
    }
    result = patch(strategic, "application/strategic-merge-patch+json")
    container = result["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "nginx:1", "strategic merge keeps the other container fields"
    assert [e["name"] for e in container["env"]] == ["A", "B"], "env entries merged by name"
    merged = patch({"metadata": {"labels": {"app": None, "x": "y"}}}, "application/merge-patch+json")
    assert merged["metadata"]["labels"] == {"x": "y"}
    jsonp = patch([{"op": "replace", "path": "/spec/replicas", "value": 5}], "application/json-patch+json")
    assert jsonp["spec"]["replicas"] == 5 and jsonp["metadata"]["generation"] == 3


def _apply(kube: KubeCluster, body: dict[str, Any], manager: str, force: bool = False) -> dict[str, Any]:
    deployments = kube.dynamic().resources.get(api_version="apps/v1", kind="Deployment")
    applied = deployments.server_side_apply(
        body=body, namespace=kube.namespace, field_manager=manager, force_conflicts=force or None
    )
    return applied.to_dict()  # type: ignore[no-any-return]


def test_server_side_apply_ownership_and_conflicts(kube: KubeCluster) -> None:
    body = _deployment("web", labels={"app": "web", "old": "yes"})
    created = _apply(kube, body, "helm")
    assert created["metadata"]["labels"] == {"app": "web", "old": "yes"}
    assert [m["manager"] for m in created["metadata"]["managedFields"]] == ["helm"]
    del body["metadata"]["labels"]["old"]
    reapplied = _apply(kube, body, "helm")
    assert reapplied["metadata"]["labels"] == {"app": "web"}, "a field the manager dropped is removed"
    other = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web"},
        "spec": {"replicas": 7},
    }
    with pytest.raises(ApiException) as conflict:
        _apply(kube, other, "kubectl")
    assert conflict.value.status == 409 and ".spec.replicas" in conflict.value.body
    forced = _apply(kube, other, "kubectl", force=True)
    assert forced["spec"]["replicas"] == 7 and forced["metadata"]["generation"] == 2
    assert {m["manager"] for m in forced["metadata"]["managedFields"]} == {"helm", "kubectl"}


def test_watch_streams_changes_from_a_resource_version(kube: KubeCluster) -> None:
    core, ns = _core(kube), kube.namespace
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    seen: list[tuple[str, str]] = []

    def consume() -> None:
        for event in watch.Watch().stream(
            core.list_namespaced_config_map, ns, resource_version=start, timeout_seconds=5
        ):
            seen.append((event["type"], event["object"].metadata.name))
            if event["type"] == "DELETED":
                return

    reader = threading.Thread(target=consume)
    reader.start()
    time.sleep(0.2)
    core.create_namespaced_config_map(ns, {"metadata": {"name": "cm"}, "data": {"a": "1"}})
    core.patch_namespaced_config_map("cm", ns, {"data": {"a": "2"}})
    core.delete_namespaced_config_map("cm", ns)
    reader.join(timeout=10)
    assert seen == [("ADDED", "cm"), ("MODIFIED", "cm"), ("DELETED", "cm")]


def test_custom_resources_from_a_crd(kube: KubeCluster) -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets", "singular": "widget", "listKind": "WidgetList"},
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "subresources": {"status": {}},
                    "schema": {
                        "openAPIV3Schema": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                    },
                }
            ],
        },
    }
    api = kube.api_client()
    client.ApiextensionsV1Api(api).create_custom_resource_definition(crd)
    custom = client.CustomObjectsApi(api)
    widget = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w1"},
        "spec": {"size": 3},
    }
    custom.create_namespaced_custom_object("example.com", "v1", kube.namespace, "widgets", widget)
    assert custom.list_namespaced_custom_object("example.com", "v1", kube.namespace, "widgets")["items"][0][
        "spec"
    ] == {"size": 3}
    resource = kube.dynamic().resources.get(api_version="example.com/v1", kind="Widget")
    assert resource.namespaced
    kube.make_ready("Widget", kube.namespace, "w1", api_version="example.com/v1")
    got = custom.get_namespaced_custom_object("example.com", "v1", kube.namespace, "widgets", "w1")
    assert got["status"]["conditions"][0]["type"] == "Ready"


def test_namespace_lifecycle(kube: KubeCluster) -> None:
    core = _core(kube)
    if kube.fake is not None:
        kube.fake.store.namespace_delete_delay = 1.0  # long enough to observe Terminating under load
    ns = kube.new_namespace("life")
    core.create_namespaced_config_map(ns, {"metadata": {"name": "cm"}})
    core.delete_namespace(ns)
    assert core.read_namespace(ns).status.phase == "Terminating"
    with pytest.raises(ApiException) as terminating:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "cm2"}})
    assert terminating.value.status == 403
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            core.read_namespace(ns)
        except ApiException as gone:
            assert gone.status == 404
            break
        time.sleep(0.1)
    else:
        pytest.fail("namespace never went away")
    with pytest.raises(ApiException) as missing:
        core.create_namespaced_config_map(ns, {"metadata": {"name": "cm3"}})
    assert missing.value.status == 404 and f'namespaces \\"{ns}\\" not found' in missing.value.body


def test_deletecollection_and_owner_references(kube: KubeCluster) -> None:
    core, ns = _core(kube), kube.namespace
    owner = core.create_namespaced_config_map(ns, {"metadata": {"name": "owner", "labels": {"k": "v"}}})
    ref = {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.metadata.uid}
    core.create_namespaced_config_map(ns, {"metadata": {"name": "child", "ownerReferences": [ref]}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "keep"}})
    core.delete_collection_namespaced_config_map(ns, label_selector="k=v")
    assert [c.metadata.name for c in core.list_namespaced_config_map(ns).items] == ["keep"]


def test_pod_logs(fake_kube: FakeKube, tmp_path: Path) -> None:
    api = config.new_client_from_config(str(fake_kube.write_kubeconfig(tmp_path / "kc")))
    core = client.CoreV1Api(api)
    core.create_namespaced_pod(
        "default", {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "x", "image": "x"}]}}
    )
    fake_kube.set_pod_log("default", "p", "hello\nworld\n")
    assert core.read_namespaced_pod_log("p", "default") == "hello\nworld\n"
    with pytest.raises(ApiException) as previous:
        core.read_namespaced_pod_log("p", "default", previous=True)
    assert previous.value.status == 400


def test_bearer_tokens_and_expiry(tmp_path: Path) -> None:
    with FakeKube(tokens={"good"}) as fake:
        good = client.CoreV1Api(
            config.new_client_from_config(str(fake.write_kubeconfig(tmp_path / "a", token="good")))
        )
        assert good.read_namespace("default").metadata.name == "default"
        bad = client.CoreV1Api(
            config.new_client_from_config(str(fake.write_kubeconfig(tmp_path / "b", token="bad")))
        )
        with pytest.raises(ApiException) as denied:
            bad.read_namespace("default")
        assert denied.value.status == 401
        fake.tokens.clear()
        fake.tokens.add("rotated")
        with pytest.raises(ApiException) as expired:
            good.read_namespace("default")
        assert expired.value.status == 401


def test_auto_ready_runs_workloads_and_pods(kube: KubeCluster) -> None:
    kube.auto_ready()
    apps, core, ns = _apps(kube), _core(kube), kube.namespace
    apps.create_namespaced_deployment(ns, _deployment("web", replicas=2))
    core.create_namespaced_pod(
        ns,
        {
            "metadata": {"name": "job"},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "x", "image": "x"}]},
        },
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = apps.read_namespaced_deployment("web", ns).status
        ready = status is not None and status.ready_replicas == 2
        if ready and core.read_namespaced_pod("job", ns).status.phase == "Succeeded":
            return
        time.sleep(0.1)
    pytest.fail("auto-ready never made the deployment ready and the pod succeed")


def test_dry_run_generate_name_and_finalizers(kube: KubeCluster) -> None:
    core, ns = _core(kube), kube.namespace
    dry = core.create_namespaced_config_map(ns, {"metadata": {"name": "dry"}}, dry_run="All")
    assert dry.metadata.name == "dry" and core.list_namespaced_config_map(ns).items == []
    generated = core.create_namespaced_config_map(ns, {"metadata": {"generateName": "job-"}})
    assert generated.metadata.name.startswith("job-") and len(generated.metadata.name) > 4
    held = {"metadata": {"name": "held", "finalizers": ["example.com/cleanup"]}}
    core.create_namespaced_config_map(ns, held)
    core.delete_namespaced_config_map("held", ns)
    pending = core.read_namespaced_config_map("held", ns)
    assert pending.metadata.deletion_timestamp is not None, "a finalizer holds the deletion"
    core.patch_namespaced_config_map("held", ns, {"metadata": {"finalizers": None}})
    with pytest.raises(ApiException) as gone:
        core.read_namespaced_config_map("held", ns)
    assert gone.value.status == 404


def test_watch_from_a_compacted_resource_version_is_gone(fake_kube: FakeKube, tmp_path: Path) -> None:
    core = client.CoreV1Api(config.new_client_from_config(str(fake_kube.write_kubeconfig(tmp_path / "kc"))))
    for i in range(5):
        core.create_namespaced_config_map("default", {"metadata": {"name": f"c{i}"}})
    with fake_kube.store.cond:
        del fake_kube.store.events[:-2]  # as etcd compaction would
    with pytest.raises(ApiException) as expired:
        list(
            watch.Watch().stream(
                core.list_namespaced_config_map, "default", resource_version="2", timeout_seconds=2
            )
        )
    assert expired.value.status == 410


def test_watch_with_a_selector_sees_objects_enter_and_leave(kube: KubeCluster) -> None:
    core, ns = _core(kube), kube.namespace
    start = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, {"metadata": {"name": "cm", "labels": {"tier": "db"}}})
    core.patch_namespaced_config_map("cm", ns, {"metadata": {"labels": {"tier": "web"}}})
    core.patch_namespaced_config_map("cm", ns, {"data": {"a": "1"}})
    core.patch_namespaced_config_map("cm", ns, {"metadata": {"labels": {"tier": "db"}}})
    seen = [
        e["type"]
        for e in watch.Watch().stream(
            core.list_namespaced_config_map,
            ns,
            label_selector="tier=web",
            resource_version=start,
            timeout_seconds=1,
        )
    ]
    assert seen == ["ADDED", "MODIFIED", "DELETED"]


def test_list_pages_with_limit_and_continue(kube: KubeCluster) -> None:
    core, ns = _core(kube), kube.namespace
    for i in range(5):
        core.create_namespaced_config_map(ns, {"metadata": {"name": f"cm{i}"}})
    names, token = [], None
    while True:
        page = core.list_namespaced_config_map(ns, limit=2, _continue=token)
        names += [c.metadata.name for c in page.items]
        token = page.metadata._continue
        if not token:
            break
    assert sorted(names) == [f"cm{i}" for i in range(5)]
