"""Settings of publishing targets, shared by ``release`` and ``repo reindex|prune|serve``."""

from __future__ import annotations

import os
import signal

from ci_helm.cli.common import PLAIN_HTTP
from ci_helm.publish.indexed import Hooks
from ci_helm.publish.redact import Redactor
from ci_helm.settings import Setting, Settings, declare

__all__ = ["TARGET_SETTINGS", "hooks_from_env", "redactor"]

TARGET_SETTINGS = declare(
    Setting("url", "base URL written into index.yaml for packages (default: links relative to index.yaml)"),
    Setting("endpoint-url", "S3 endpoint for S3-compatible stores (MinIO, Ceph, GCS interop)"),
    Setting("region", "S3 region (default: from the AWS configuration)"),
    Setting("path-style", "S3 path-style addressing (MinIO, Ceph)", kind="bool", default=False),
    Setting("aws-access-key-id", "S3 access key id (default: the AWS credential chain)", secret=True),
    Setting("aws-secret-access-key", "S3 secret access key (default: the AWS credential chain)", secret=True),
    Setting("aws-session-token", "S3 session token", secret=True),
    Setting("gcs-token", "OAuth2 access token for gs:// targets", secret=True,
            env_aliases=("GOOGLE_OAUTH_ACCESS_TOKEN",)),
    Setting("gcs-endpoint", "Google Cloud Storage API endpoint", default="https://storage.googleapis.com"),
    Setting("username", "username for OCI registries and ChartMuseum (basic auth)"),
    Setting("password", "password or token for OCI registries and ChartMuseum basic auth", secret=True),
    Setting("token", "bearer token for ChartMuseum-compatible upload APIs", secret=True),
    PLAIN_HTTP,
    Setting("github-token", "GitHub token for github:// targets", secret=True, env_aliases=("GITHUB_TOKEN",)),
    Setting("api-url", "GitHub REST API URL (GitHub Enterprise: https://HOST/api/v3)", default="https://api.github.com"),
    Setting("release-name-template", "GitHub release (and tag) name", default="{name}-{version}"),
    Setting("pages-branch", "branch holding index.yaml for github:// targets", default="gh-pages"),
    Setting("pages-remote", "git remote of the Pages branch (default: the GitHub repository)"),
    Setting("commitish", "commit or branch a new GitHub release tag points at (default: the default branch)"),
    Setting("request-timeout", "seconds a single network request may take", kind="float", default=60.0),
)  # fmt: skip


def redactor(settings: Settings) -> Redactor:
    """Masks every secret the command was given (target credentials, signing keys, passphrases)."""
    values = [r.value for r in settings.values.values() if r.setting.secret and isinstance(r.value, str)]
    # An armored key is printed line by line in some errors: mask each of its lines too.
    return Redactor([*values, *(line for v in values for line in v.splitlines() if len(line) >= 16)])


def hooks_from_env(environ: dict[str, str] | None = None) -> Hooks:
    """``CI_HELM_TEST_FAULT=after-upload`` kills the process between upload and index write.

    This is the fault-injection point of the resumability tests: a real SIGKILL, so
    nothing in the process gets to clean up, exactly like a cancelled CI job.
    """
    env = os.environ if environ is None else environ
    if env.get("CI_HELM_TEST_FAULT") == "after-upload":
        return Hooks(after_upload=lambda: os.kill(os.getpid(), signal.SIGKILL))
    return Hooks()
