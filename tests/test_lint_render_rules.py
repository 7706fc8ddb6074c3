"""Render-scope rules on rendered objects: Kubernetes schemas, CRDs, deprecated APIs, best practices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ci_helm.lint.model import RELEASE_NAMESPACE
from ci_helm.model.results import Level
from tests.lint.builders import chart_input, pod, rendered, run_rule, write_chart


@pytest.fixture
def chart(tmp_path: Path) -> Any:
    return chart_input(write_chart(tmp_path))


def test_kube_schema_accepts_valid_and_flags_wrong_types_and_unknown_fields(chart: Any) -> None:
    good = pod(container={"ports": [{"containerPort": 80}]})
    bad = pod(
        container={"ports": [{"containerPort": "80"}], "imagePullPolicy": "Always", "imagePulPolicy": "x"}
    )
    assert run_rule("kube-schema", chart, rendered(good)) == []
    messages = [f.message for f in run_rule("kube-schema", chart, rendered(bad))]
    assert any("containers[0].ports[0].containerPort" in m and "'80'" in m for m in messages)
    assert any("imagePulPolicy" in m for m in messages)
    assert run_rule("kube-schema", chart, rendered(bad), strict=False) != []  # the type error stays
    assert not any(
        "imagePulPolicy" in f.message for f in run_rule("kube-schema", chart, rendered(bad), strict=False)
    )


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.example.com"},
    "spec": {
        "group": "example.com",
        "names": {"kind": "Widget", "plural": "widgets"},
        "scope": "Namespaced",
        "versions": [
            {
                "name": "v1",
                "served": True,
                "storage": True,
                "schema": {
                    "openAPIV3Schema": {
                        "type": "object",
                        "properties": {
                            "spec": {
                                "type": "object",
                                "required": ["size"],
                                "properties": {
                                    "size": {"type": "integer"},
                                    "port": {"x-kubernetes-int-or-string": True},
                                    "note": {"type": "string", "nullable": True},
                                },
                            }
                        },
                    }
                },
            }
        ],
    },
}


def widget(spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}, "spec": spec}


def test_custom_resources_are_validated_against_rendered_crds(chart: Any) -> None:
    ok = widget({"size": 3, "port": "http", "note": None})
    assert run_rule("kube-schema", chart, rendered(CRD, ok)) == []
    findings = run_rule("kube-schema", chart, rendered(CRD, widget({"port": 80})))
    assert len(findings) == 1 and "'size' is a required property" in findings[0].message


def test_custom_resources_use_crds_from_the_crds_folder(tmp_path: Path) -> None:
    import yaml

    chart = chart_input(write_chart(tmp_path, files={"crds/widget.yaml": yaml.safe_dump(CRD)}))
    findings = run_rule("kube-schema", chart, rendered(widget({"size": "big"})))
    assert len(findings) == 1 and "spec.size" in findings[0].message and "CRD" in findings[0].message


def test_a_crd_with_a_broken_schema_is_reported_not_crashed_on(chart: Any) -> None:
    import copy

    broken = copy.deepcopy(CRD)
    schema = broken["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    schema["properties"]["spec"]["properties"]["size"]["pattern"] = "[unclosed"
    schema["properties"]["spec"]["properties"]["size"]["type"] = "string"
    findings = run_rule("kube-schema", chart, rendered(broken, widget({"size": "big"})))
    assert len(findings) == 1 and findings[0].level is Level.INFO
    assert "has no usable schema" in findings[0].message


def test_unknown_kinds_are_reported_not_crashed_on(chart: Any) -> None:
    custom = {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "m"}}
    typo = {"apiVersion": "apps/v1", "kind": "Deployement", "metadata": {"name": "d"}}
    findings = run_rule("kube-schema", chart, rendered(custom, typo))
    levels = {f.message.split(":")[0]: f.level for f in findings}
    assert levels == {"ServiceMonitor 'm'": Level.INFO, "Deployement 'd'": Level.WARNING}


def test_unbundled_kube_version_is_a_warning(chart: Any) -> None:
    findings = run_rule("kube-schema", chart, rendered(pod(), kube="1.20"))
    assert len(findings) == 1 and findings[0].level is Level.WARNING and "no bundled" in findings[0].message


@pytest.mark.parametrize(
    ("api", "kind", "kube", "level", "text"),
    [
        (
            "extensions/v1beta1",
            "Ingress",
            "1.31",
            None,
            "removed in Kubernetes 1.22 (target 1.31): use apiVersion networking.k8s.io/v1",
        ),
        ("networking.k8s.io/v1beta1", "Ingress", "1.20", Level.WARNING, "deprecated since Kubernetes 1.19"),
        ("policy/v1beta1", "PodSecurityPolicy", "1.29", None, "Pod Security Admission"),
        ("policy/v1beta1", "PodDisruptionBudget", "1.25", None, "use apiVersion policy/v1"),
        ("batch/v1beta1", "CronJob", "1.30", None, "use apiVersion batch/v1"),
        ("apps/v1beta2", "Deployment", "1.31", None, "removed in Kubernetes 1.16"),
        ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", "1.31", None, "rbac.authorization.k8s.io/v1"),
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26", None, "autoscaling/v2"),
    ],
)
def test_deprecated_apis(chart: Any, api: str, kind: str, kube: str, level: Level | None, text: str) -> None:
    findings = run_rule(
        "deprecated-api",
        chart,
        rendered({"apiVersion": api, "kind": kind, "metadata": {"name": "x"}}, kube=kube),
    )
    assert len(findings) == 1 and text in findings[0].message and findings[0].level is level


def test_current_apis_are_not_deprecated(chart: Any) -> None:
    docs = [pod(), {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i"}}]
    assert run_rule("deprecated-api", chart, rendered(*docs)) == []
    old = {"apiVersion": "networking.k8s.io/v1beta1", "kind": "Ingress", "metadata": {"name": "i"}}
    assert run_rule("deprecated-api", chart, rendered(old, kube="1.18")) == []  # not yet deprecated there


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("nginx:1.27.0", None),
        ("registry:5000/team/app:2.1", None),
        ("nginx@sha256:" + "a" * 64, None),
        ("nginx", "has no tag"),
        ("registry:5000/team/app", "has no tag"),
        ("nginx:latest", "mutable tag 'latest'"),
        ("", "has no image"),
    ],
)
def test_image_tag(chart: Any, image: str, problem: str | None) -> None:
    findings = run_rule("image-tag", chart, rendered(pod(container={"image": image})))
    assert (findings == []) if problem is None else (problem in findings[0].message)


def test_best_practices_pass_on_a_hardened_pod(chart: Any) -> None:
    hardened = pod(
        container={
            "resources": {"requests": {"cpu": "10m", "memory": "1Mi"}, "limits": {"memory": "2Mi"}},
            "readinessProbe": {"exec": {"command": ["true"]}},
            "livenessProbe": {"exec": {"command": ["true"]}},
            "securityContext": {"allowPrivilegeEscalation": False, "readOnlyRootFilesystem": True},
        },
        pod_spec={"securityContext": {"runAsNonRoot": True}},
    )
    for rule in (
        "container-resources",
        "probes",
        "run-as-non-root",
        "privileged",
        "privilege-escalation",
        "host-path",
        "host-namespaces",
        "hardcoded-namespace",
        "read-only-root-fs",
    ):
        assert run_rule(rule, chart, rendered(hardened)) == [], rule


def test_best_practices_flag_a_dangerous_pod(chart: Any) -> None:
    bad = pod(
        "DaemonSet",
        container={
            "securityContext": {"privileged": True, "runAsUser": 0, "capabilities": {"add": ["SYS_ADMIN"]}}
        },
        pod_spec={
            "hostNetwork": True,
            "hostPID": True,
            "volumes": [{"name": "root", "hostPath": {"path": "/"}}],
        },
    )
    bad["metadata"]["namespace"] = "default"
    r = rendered(bad)
    assert "resources.requests.cpu" in run_rule("container-resources", chart, r)[0].message
    assert "readinessProbe or livenessProbe" in run_rule("probes", chart, r)[0].message
    assert "may run as root" in run_rule("run-as-non-root", chart, r)[0].message
    assert "does not set securityContext.allowPrivilegeEscalation: false" in (
        run_rule("privilege-escalation", chart, r)[0].message
    )
    assert "writable root filesystem" in run_rule("read-only-root-fs", chart, r)[0].message
    assert len(run_rule("privileged", chart, r)) == 2
    assert "hostNetwork: true, hostPID: true" in run_rule("host-namespaces", chart, r)[0].message
    assert "'/'" in run_rule("host-path", chart, r)[0].message
    assert run_rule("host-path", chart, r, **{"allowed-paths": ["/"]}) == []
    assert "hard-codes namespace 'default'" in run_rule("hardcoded-namespace", chart, r)[0].message


def test_jobs_need_no_probes_and_release_namespace_is_fine(chart: Any) -> None:
    job = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j", "namespace": RELEASE_NAMESPACE},
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "c", "image": "busybox:1"}], "restartPolicy": "Never"}
            }
        },
    }
    assert run_rule("probes", chart, rendered(job)) == []
    assert run_rule("hardcoded-namespace", chart, rendered(job)) == []


def test_duplicate_resources_and_dangling_services(chart: Any) -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "gone"}},
    }
    dup = rendered(pod(name="a"), pod(name="a"), svc)
    assert "rendered twice" in run_rule("duplicate-resources", chart, dup)[0].message
    assert "app=gone" in run_rule("dangling-service", chart, dup)[0].message
    svc["spec"]["selector"] = {"app": "a"}
    assert run_rule("dangling-service", chart, rendered(pod(name="a"), svc)) == []


def test_values_schema_lists_every_violation_with_the_values_line(tmp_path: Path) -> None:
    schema = (
        '{"type": "object", "required": ["image"], '
        '"properties": {"image": {"type": "string"}, "replicas": {"type": "integer", "minimum": 1}}}'
    )
    chart = chart_input(
        write_chart(
            tmp_path, files={"values.schema.json": schema, "values.yaml": "image: nginx:1\nreplicas: 0\n"}
        )
    )
    (tmp_path / "demo/ci").mkdir()
    (tmp_path / "demo/ci/bad-values.yaml").write_text("# wrong type\nimage: 5\n")
    chart = chart_input(tmp_path / "demo")
    r = rendered()
    r.scenario = chart.scenarios[0]
    findings = run_rule("values-schema", chart, r)
    assert [(f.path, f.line) for f in findings] == [("ci/bad-values.yaml", 2), ("values.yaml", 2)]
    assert "5 is not of type 'string'" in findings[0].message


def test_crds_of_subcharts_directories_and_archives_are_used(tmp_path: Path) -> None:
    import io
    import tarfile

    import yaml

    crd_text = yaml.safe_dump(CRD)
    root = write_chart(
        tmp_path, files={"charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n"}
    )
    (root / "charts/sub/crds").mkdir()
    (root / "charts/sub/crds/widget.yaml").write_text(crd_text)
    assert "size" in run_rule("kube-schema", chart_input(root), rendered(widget({"port": 1})))[0].message
    (root / "charts/sub/crds/widget.yaml").unlink()
    buf = io.BytesIO(crd_text.encode())
    with tarfile.open(root / "charts/other-1.0.0.tgz", "w:gz") as tar:
        info = tarfile.TarInfo("other/crds/widget.yaml")
        info.size = len(buf.getvalue())
        tar.addfile(info, buf)
    assert "size" in run_rule("kube-schema", chart_input(root), rendered(widget({"port": 1})))[0].message


def test_dangling_service_skips_system_and_operator_pods(chart: Any) -> None:
    system = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "dns", "namespace": "kube-system"},
        "spec": {"selector": {"k8s-app": "kube-dns"}},
    }
    operated = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "am"},
        "spec": {"selector": {"alertmanager": "main"}},
    }
    custom = {"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager", "metadata": {"name": "main"}}
    assert run_rule("dangling-service", chart, rendered(system, operated, custom)) == []
    assert len(run_rule("dangling-service", chart, rendered(system, operated))) == 1
