"""The pure parts of the deploy stage (readiness, diffs, names, recovery, stored charts) and the fake's."""

from __future__ import annotations

import base64
import gzip
import json
from pathlib import Path

import pytest

from ci_helm.deploy.diff import diff_manifests
from ci_helm.deploy.manifest import parse_manifest
from ci_helm.deploy.names import random_name, valid_release_name
from ci_helm.deploy.readiness import judge
from ci_helm.deploy.recovery import last_good, recovery_advice, stuck_revision
from ci_helm.deploy.stored_chart import decode_release, write_chart
from ci_helm.engine.releases import Release
from ci_helm.errors import ReleaseError
from tests.support.fakekube import patching, protobuf
from tests.support.fakekube.readiness import ready_status


def _deployment(status: dict[str, object], generation: int = 2) -> dict[str, object]:
    meta = {"name": "web", "generation": generation}
    return {"kind": "Deployment", "metadata": meta, "spec": {"replicas": 2}, "status": status}


@pytest.mark.parametrize(
    ("obj", "ready", "reason"),
    [
        (_deployment({"observedGeneration": 1}), False, "has not seen generation 2"),
        (
            _deployment({"observedGeneration": 2, "updatedReplicas": 2, "availableReplicas": 1}),
            False,
            "1/2 replicas available",
        ),
        (
            _deployment(
                {"observedGeneration": 2, "updatedReplicas": 2, "availableReplicas": 2, "replicas": 2}
            ),
            True,
            "",
        ),
        (
            {"kind": "Job", "status": {"conditions": [{"type": "Failed", "status": "True"}]}},
            False,
            "the job failed",
        ),
        (
            {"kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}},
            False,
            "phase Pending, not Bound",
        ),
        (
            {"kind": "Service", "spec": {"type": "LoadBalancer"}, "status": {}},
            False,
            "no load balancer address",
        ),
        ({"kind": "Service", "spec": {"type": "ClusterIP"}}, True, ""),
        (
            {"kind": "Widget", "status": {"conditions": [{"type": "Ready", "status": "False"}]}},
            False,
            "Ready=False",
        ),
        ({"kind": "ConfigMap"}, True, ""),
    ],
)
def test_readiness(obj: dict[str, object], ready: bool, reason: str) -> None:
    verdict = judge(obj)
    assert verdict.ready is ready and reason in verdict.reason


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "Job", "PersistentVolumeClaim"])
def test_the_fakes_ready_status_is_ready(kind: str) -> None:
    obj = {"kind": kind, "metadata": {"name": "x", "generation": 3}, "spec": {"replicas": 2}}
    obj["status"] = ready_status(obj)
    assert judge(obj).ready, judge(obj).reason


SECRET = """apiVersion: v1
kind: Secret
metadata: {name: creds}
data: {password: %s, user: YWRtaW4=}
"""
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm, namespace: other}\ndata: {a: '1'}\n"


def test_diff_masks_secret_values_but_shows_that_they_changed() -> None:
    live = SECRET % "b2xk" + "---\n" + CM
    desired = SECRET % "bmV3"
    diff = diff_manifests(live, desired, "ns")
    assert [(c.action, c.obj.ref) for c in diff.changes] == [
        ("changed", "Secret/creds (namespace ns)"),
        ("removed", "ConfigMap/cm (namespace other)"),
    ]
    text = diff.changes[0].diff
    assert "b2xk" not in text and "bmV3" not in text and "YWRtaW4=" not in text
    assert "+  password: '*** (value changed)'" in text and "user: '***'" in text
    assert diff.summary() == "0 to add, 1 to change, 1 to remove"
    assert diff_manifests(live, live, "ns").empty


def test_manifest_parsing_scopes_and_lists() -> None:
    text = "kind: List\nitems:\n- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"
    text += "---\n# only a comment\n"
    text += "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n"
    assert [(o.kind, o.namespace) for o in parse_manifest(text, "ns")] == [
        ("ConfigMap", "ns"),
        ("ClusterRole", ""),
    ]


def test_random_names_are_valid_and_unique() -> None:
    taken: set[str] = set()
    for _ in range(300):
        name = random_name(taken)
        assert valid_release_name(name) and name not in taken
        taken.add(name)
    assert not valid_release_name("Bad_Name") and not valid_release_name("x" * 54)


def _rel(revision: int, status: str) -> Release:
    return Release("shop", "ns", revision, status, "shop", "1.0.0")


def test_recovery_advice() -> None:
    history = [_rel(1, "superseded"), _rel(2, "deployed"), _rel(3, "pending-upgrade")]
    assert stuck_revision(history) == history[2] and last_good(history[:-1]) == history[1]
    assert "roll back to revision 2" in recovery_advice(history, "shop")
    assert "never deployed" in recovery_advice([_rel(1, "pending-install")], "shop")
    assert recovery_advice(history[:2], "shop") == ""


def _encode(release: dict[str, object]) -> str:
    inner = base64.b64encode(gzip.compress(json.dumps(release).encode())).decode()
    return base64.b64encode(inner.encode()).decode()


def test_stored_chart_round_trip_and_hostile_names(tmp_path: Path) -> None:
    template = base64.b64encode(b"kind: ConfigMap\n").decode()
    chart = {
        "metadata": {"name": "shop", "version": "1.0.0"},
        "values": {"a": 1},
        "templates": [{"name": "templates/cm.yaml", "data": template}],
    }
    decoded = decode_release(_encode({"chart": chart}))
    root = write_chart(decoded["chart"], tmp_path / "out")
    assert (root / "templates" / "cm.yaml").read_text() == "kind: ConfigMap\n"
    assert "name: shop" in (root / "Chart.yaml").read_text()
    chart["templates"] = [{"name": "../escape.yaml", "data": template}]
    with pytest.raises(ReleaseError, match="unsafe file name"):
        write_chart(chart, tmp_path / "evil")
    assert not (tmp_path / "escape.yaml").exists()


def test_fake_patches() -> None:
    doc = {"spec": {"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]}}
    patched = patching.strategic_merge(
        doc, {"spec": {"containers": [{"name": "b", "$patch": "delete"}, {"name": "c", "image": "z"}]}}
    )
    assert [c["name"] for c in patched["spec"]["containers"]] == ["a", "c"]
    assert patching.json_patch({"a": [1]}, [{"op": "add", "path": "/a/-", "value": 2}]) == {"a": [1, 2]}
    assert patching.merge_patch({"a": {"b": 1, "c": 2}}, {"a": {"b": None}}) == {"a": {"c": 2}}


def test_protobuf_secret_decoding() -> None:
    def field(number: int, payload: bytes) -> bytes:
        return bytes([number << 3 | 2, len(payload)]) + payload

    meta = field(1, b"sh.helm.release.v1.x.v1") + field(11, field(1, b"owner") + field(2, b"helm"))
    secret = (
        field(1, meta)
        + field(2, field(1, b"release") + field(2, b"\x00\x01"))
        + field(3, b"helm.sh/release.v1")
    )
    envelope = field(1, field(1, b"v1") + field(2, b"Secret")) + field(2, secret)
    decoded = protobuf.decode(protobuf.MAGIC + envelope)
    assert decoded["metadata"] == {"name": "sh.helm.release.v1.x.v1", "labels": {"owner": "helm"}}
    assert decoded["data"] == {"release": "AAE="} and decoded["type"] == "helm.sh/release.v1"
