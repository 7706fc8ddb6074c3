"""The four ways organisations develop charts, and what each needs from its CI files.

1. ``official``: public GitHub monorepo; PRs linted and install-tested; merged charts signed and
   published to GitHub Pages + release assets and an OCI registry; users need no credentials.
2. ``public``: another organisation's public repo, published to S3-compatible storage or OCI, signed.
3. ``private``: internal git server and CI, charts beside application code, snapshot charts on every
   commit (``1.2.3-snapshot.<sha>``), final charts on a tag, private MinIO/S3 or OCI with credentials.
4. ``no-repo``: no chart repository; a pipeline deploys charts straight from source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["PROVIDERS", "WORKFLOWS", "Workflow"]

Provider = Literal["github", "gitlab", "jenkins"]
PROVIDERS: tuple[Provider, ...] = ("github", "gitlab", "jenkins")


@dataclass(frozen=True)
class Workflow:
    name: str
    summary: str
    install_test: bool
    release: bool
    release_on: Literal["merge", "tag"]
    snapshot: bool
    deploy: bool
    sign: bool
    # Secrets the user must create in the CI system (names only; values never pass through ci-helm).
    secrets: tuple[str, ...]
    # Release targets written to ci-helm.yaml; {owner}, {repo} are filled from the git remote.
    targets: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)


WORKFLOWS: dict[str, Workflow] = {
    w.name: w
    for w in (
        Workflow(
            "official",
            "public GitHub monorepo: PR lint + install test; merged charts signed and published to "
            "GitHub Pages (index + release assets) and an OCI registry",
            install_test=True,
            release=True,
            release_on="merge",
            snapshot=False,
            deploy=False,
            sign=True,
            secrets=("CI_HELM_SIGNING_KEY", "CI_HELM_SIGNING_PASSPHRASE"),
            targets=("github://{owner}/{repo}", "oci://ghcr.io/{owner}/charts"),
        ),
        Workflow(
            "public",
            "public repository with its own review process: PR lint + install test; signed charts "
            "published to S3-compatible storage and OCI",
            install_test=True,
            release=True,
            release_on="merge",
            snapshot=False,
            deploy=False,
            sign=True,
            secrets=(
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "CI_HELM_REGISTRY_PASSWORD",
                "CI_HELM_SIGNING_KEY",
                "CI_HELM_SIGNING_PASSPHRASE",
            ),
            targets=("s3://CHANGE-ME-bucket/charts", "oci://CHANGE-ME-registry/charts"),
        ),
        Workflow(
            "private",
            "internal git server and CI: charts beside application code (app/chart/NAME), snapshot "
            "charts on every commit, final charts on a tag, private S3/MinIO or OCI with credentials",
            install_test=True,
            release=True,
            release_on="tag",
            snapshot=True,
            deploy=False,
            sign=False,
            secrets=("CI_HELM_REGISTRY_USERNAME", "CI_HELM_REGISTRY_PASSWORD"),
            targets=("oci://CHANGE-ME-registry.internal/charts",),
        ),
        Workflow(
            "no-repo",
            "no chart repository: the pipeline deploys charts straight from source, staging on every "
            "merge and production after approval",
            install_test=False,
            release=False,
            release_on="merge",
            snapshot=False,
            deploy=True,
            sign=False,
            secrets=("KUBECONFIG",),
        ),
    )
}
