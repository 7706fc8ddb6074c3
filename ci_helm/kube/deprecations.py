"""Deprecated and removed Kubernetes API versions, from the Kubernetes deprecation guide.

https://kubernetes.io/docs/reference/using-api/deprecation-guide/ lists, per kind and
apiVersion, the release that deprecated it, the release that stopped serving it and the
apiVersion to migrate to. A chart rendering a removed apiVersion cannot be installed on
that release or later; one rendering a deprecated apiVersion still installs but must
migrate before the removal release.
"""

from __future__ import annotations

from dataclasses import dataclass

from ci_helm.kube.schemas import KubeVersion

__all__ = ["DEPRECATIONS", "Deprecation", "find_deprecation"]


@dataclass(frozen=True)
class Deprecation:
    api_version: str
    kind: str
    deprecated_in: KubeVersion
    removed_in: KubeVersion
    replacement: str | None  # the apiVersion to use instead; None when the API has no successor
    note: str = ""

    def advice(self) -> str:
        if self.replacement is None:
            return self.note or "this API has no replacement; remove the resource"
        advice = f"use apiVersion {self.replacement}"
        return f"{advice} ({self.note})" if self.note else advice


def _v(minor: int) -> KubeVersion:
    return KubeVersion(1, minor)


def _entries(
    api_version: str, kinds: str, deprecated: int, removed: int, replacement: str | None, *, note: str = ""
) -> list[Deprecation]:
    return [
        Deprecation(api_version, k, _v(deprecated), _v(removed), replacement, note) for k in kinds.split()
    ]


_WORKLOADS = "Deployment DaemonSet ReplicaSet StatefulSet ControllerRevision"
_PSA = "use Pod Security Admission or a policy engine instead"
_INGRESS = "spec changed: pathType is required and backend.serviceName/servicePort become backend.service"

DEPRECATIONS: tuple[Deprecation, ...] = tuple(
    [
        # Removed in 1.16
        *_entries("extensions/v1beta1", "Deployment DaemonSet ReplicaSet", 8, 16, "apps/v1"),
        *_entries("apps/v1beta1", "Deployment StatefulSet ControllerRevision", 9, 16, "apps/v1"),
        *_entries("apps/v1beta2", _WORKLOADS, 9, 16, "apps/v1"),
        *_entries("extensions/v1beta1", "NetworkPolicy", 9, 16, "networking.k8s.io/v1"),
        *_entries("extensions/v1beta1", "PodSecurityPolicy", 11, 16, "policy/v1beta1", note=_PSA),
        # Removed in 1.20-1.22
        *_entries("settings.k8s.io/v1alpha1", "PodPreset", 19, 20, None, note="PodPreset was removed"),
        *_entries("batch/v2alpha1", "CronJob", 8, 21, "batch/v1"),
        *_entries("extensions/v1beta1", "Ingress", 14, 22, "networking.k8s.io/v1", note=_INGRESS),
        *_entries("networking.k8s.io/v1beta1", "Ingress", 19, 22, "networking.k8s.io/v1", note=_INGRESS),
        *_entries("networking.k8s.io/v1beta1", "IngressClass", 19, 22, "networking.k8s.io/v1"),
        *_entries(
            "admissionregistration.k8s.io/v1beta1",
            "MutatingWebhookConfiguration ValidatingWebhookConfiguration",
            16,
            22,
            "admissionregistration.k8s.io/v1",
        ),
        *_entries(
            "apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 16, 22, "apiextensions.k8s.io/v1"
        ),
        *_entries("apiregistration.k8s.io/v1beta1", "APIService", 19, 22, "apiregistration.k8s.io/v1"),
        *_entries("authentication.k8s.io/v1beta1", "TokenReview", 19, 22, "authentication.k8s.io/v1"),
        *_entries(
            "authorization.k8s.io/v1beta1",
            "SubjectAccessReview LocalSubjectAccessReview SelfSubjectAccessReview",
            19,
            22,
            "authorization.k8s.io/v1",
        ),
        *_entries(
            "certificates.k8s.io/v1beta1", "CertificateSigningRequest", 19, 22, "certificates.k8s.io/v1"
        ),
        *_entries("coordination.k8s.io/v1beta1", "Lease", 19, 22, "coordination.k8s.io/v1"),
        *_entries(
            "rbac.authorization.k8s.io/v1alpha1",
            "ClusterRole ClusterRoleBinding Role RoleBinding",
            17,
            22,
            "rbac.authorization.k8s.io/v1",
        ),
        *_entries(
            "rbac.authorization.k8s.io/v1beta1",
            "ClusterRole ClusterRoleBinding Role RoleBinding",
            17,
            22,
            "rbac.authorization.k8s.io/v1",
        ),
        *_entries("scheduling.k8s.io/v1beta1", "PriorityClass", 14, 22, "scheduling.k8s.io/v1"),
        *_entries("scheduling.k8s.io/v1alpha1", "PriorityClass", 14, 17, "scheduling.k8s.io/v1"),
        *_entries(
            "storage.k8s.io/v1beta1",
            "CSIDriver CSINode StorageClass VolumeAttachment",
            19,
            22,
            "storage.k8s.io/v1",
        ),
        # Removed in 1.25
        *_entries("batch/v1beta1", "CronJob", 21, 25, "batch/v1"),
        *_entries("discovery.k8s.io/v1beta1", "EndpointSlice", 21, 25, "discovery.k8s.io/v1"),
        *_entries("events.k8s.io/v1beta1", "Event", 19, 25, "events.k8s.io/v1"),
        *_entries("autoscaling/v2beta1", "HorizontalPodAutoscaler", 22, 25, "autoscaling/v2"),
        *_entries(
            "policy/v1beta1",
            "PodDisruptionBudget",
            21,
            25,
            "policy/v1",
            note="an empty selector now selects all pods",
        ),
        *_entries(
            "policy/v1beta1", "PodSecurityPolicy", 21, 25, None, note="PodSecurityPolicy was removed; " + _PSA
        ),
        *_entries("node.k8s.io/v1beta1", "RuntimeClass", 20, 25, "node.k8s.io/v1"),
        # Removed in 1.26 and later
        *_entries(
            "flowcontrol.apiserver.k8s.io/v1beta1",
            "FlowSchema PriorityLevelConfiguration",
            23,
            26,
            "flowcontrol.apiserver.k8s.io/v1",
        ),
        *_entries("autoscaling/v2beta2", "HorizontalPodAutoscaler", 23, 26, "autoscaling/v2"),
        *_entries("storage.k8s.io/v1beta1", "CSIStorageCapacity", 24, 27, "storage.k8s.io/v1"),
        *_entries(
            "flowcontrol.apiserver.k8s.io/v1beta2",
            "FlowSchema PriorityLevelConfiguration",
            26,
            29,
            "flowcontrol.apiserver.k8s.io/v1",
        ),
        *_entries(
            "flowcontrol.apiserver.k8s.io/v1beta3",
            "FlowSchema PriorityLevelConfiguration",
            29,
            32,
            "flowcontrol.apiserver.k8s.io/v1",
        ),
    ]
)

_BY_KEY = {(d.api_version, d.kind): d for d in DEPRECATIONS}


def find_deprecation(api_version: str, kind: str) -> Deprecation | None:
    return _BY_KEY.get((api_version, kind))
