"""Target URLs to publishers: the one place that knows which adapter serves which scheme.

``file:///dir``, ``s3://bucket/prefix``, ``gs://bucket/prefix``, ``oci://host/path``,
``github://owner/repo``, ``git+<url>#branch`` and ``http(s)://`` (ChartMuseum API).
Adapters are imported lazily so a release to a directory never loads boto3.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ci_helm.errors import UsageError
from ci_helm.publish.indexed import Hooks, IndexedPublisher
from ci_helm.publish.packages import BlobPackages
from ci_helm.publish.protocols import BlobStore, Publisher
from ci_helm.publish.redact import display_url

__all__ = ["SCHEMES", "TargetOptions", "build_publisher"]

SCHEMES = ("file", "s3", "gs", "oci", "github", "git+<url>#branch", "http", "https")


@dataclass(frozen=True)
class TargetOptions:
    """Everything a target may need; each adapter reads its own fields. Secrets are never printed."""

    base_url: str | None = None
    endpoint_url: str | None = None
    region: str | None = None
    path_style: bool = False
    aws_access_key_id: str | None = None
    aws_secret_access_key: str | None = None
    aws_session_token: str | None = None
    gcs_token: str | None = None
    gcs_endpoint: str = "https://storage.googleapis.com"
    username: str | None = None
    password: str | None = None
    token: str | None = None
    plain_http: bool = False
    github_token: str | None = None
    api_url: str = "https://api.github.com"
    release_name_template: str = "{name}-{version}"
    pages_branch: str = "gh-pages"
    pages_remote: str | None = None
    commitish: str | None = None
    timeout: float = 60.0

    def secrets(self) -> list[str | None]:
        return [
            self.aws_secret_access_key,
            self.aws_session_token,
            self.gcs_token,
            self.password,
            self.token,
            self.github_token,
        ]


def build_publisher(url: str, opts: TargetOptions, hooks: Hooks | None = None) -> Publisher:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        from ci_helm.adapters.localdir import LocalDirStore

        if parts.netloc not in ("", "localhost"):
            raise UsageError(f"{url}: file:// URLs need an absolute path (file:///dir)")
        store = LocalDirStore(Path(unquote(parts.path)))
        return _indexed(store.description, store, opts, hooks)
    if scheme == "s3":
        from ci_helm.adapters.s3 import S3Store

        s3 = S3Store(_bucket(url, parts.netloc), parts.path.strip("/"), opts)
        return _indexed(s3.description, s3, opts, hooks)
    if scheme == "gs":
        from ci_helm.adapters.gcs import GcsStore

        gcs = GcsStore(_bucket(url, parts.netloc), parts.path.strip("/"), opts)
        return _indexed(gcs.description, gcs, opts, hooks)
    if scheme.startswith("git+"):
        from ci_helm.adapters.gitbranch import GitBranchStore

        remote, _, branch = url[len("git+") :].partition("#")
        if not branch:
            raise UsageError(f"{display_url(url)}: name the branch to publish to: git+URL#BRANCH")
        git = GitBranchStore(remote, branch)
        return _indexed(git.description, git, opts, hooks)
    return _api_publisher(url, scheme, opts, hooks)


def _api_publisher(url: str, scheme: str, opts: TargetOptions, hooks: Hooks | None) -> Publisher:
    if scheme == "oci":
        from ci_helm.adapters.oci import OciPublisher

        return OciPublisher(url, opts)
    if scheme == "github":
        from ci_helm.adapters.github import github_publisher

        return github_publisher(url, opts, hooks)
    if scheme in ("http", "https"):
        from ci_helm.adapters.chartmuseum import ChartMuseumPublisher

        return ChartMuseumPublisher(url, opts)
    raise UsageError(f"{display_url(url)}: unsupported target; use one of {', '.join(SCHEMES)}")


def _indexed(description: str, store: BlobStore, opts: TargetOptions, hooks: Hooks | None) -> Publisher:
    return IndexedPublisher(description, BlobPackages(store, opts.base_url), store, hooks=hooks)


def _bucket(url: str, netloc: str) -> str:
    if not netloc:
        raise UsageError(f"{display_url(url)}: no bucket name (expected scheme://bucket/prefix)")
    return netloc
