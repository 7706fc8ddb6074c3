"""GitHub (and GitHub Enterprise) as a chart repository, chart-releaser style, done safely.

Packages (and ``.prov``) are assets of a release named by ``--release-name-template``;
index.yaml lives on the Pages branch, written through :class:`GitBranchStore` with the
same conditional retry loop as every other index. Every step looks before it acts
(release exists? asset exists with the same digest?), so a rerun after a failure
finishes the release instead of failing on ``already_exists``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from ci_helm.adapters.gitbranch import GitBranchStore, split_credentials
from ci_helm.adapters.http_client import HttpClient
from ci_helm.errors import PublishConflict, UsageError
from ci_helm.publish.artifact import Artifact, read_chart_file
from ci_helm.publish.indexed import Hooks, IndexedPublisher
from ci_helm.publish.notes import release_notes
from ci_helm.publish.packages import StoredPackage

if TYPE_CHECKING:
    from ci_helm.publish.targets import TargetOptions

__all__ = ["GitHubReleases", "github_publisher"]


def github_publisher(url: str, opts: TargetOptions, hooks: Hooks | None) -> IndexedPublisher:
    parts = urlsplit(url)
    owner, _, repo = f"{parts.netloc}{parts.path}".strip("/").partition("/")
    if not owner or not repo or "/" in repo:
        raise UsageError(f"{url}: expected github://OWNER/REPO")
    releases = GitHubReleases(owner, repo, opts)
    remote = opts.pages_remote or f"{releases.web}/{owner}/{repo}.git"
    env = _git_auth_env(opts.github_token) if opts.github_token and remote.startswith("https://") else {}
    pages = GitBranchStore(remote, opts.pages_branch, extra_env=env)
    return IndexedPublisher(f"github://{owner}/{repo}", releases, pages, hooks=hooks)


def _git_auth_env(token: str) -> dict[str, str]:
    """The token as an HTTP header through git's environment config: never in argv, URL or logs."""
    return split_credentials(f"https://x-access-token:{quote(token, safe='')}@github.invalid/")[1]


class GitHubReleases:
    """A :class:`~ci_helm.publish.packages.PackageStore` over GitHub release assets."""

    def __init__(self, owner: str, repo: str, opts: TargetOptions) -> None:
        self.owner, self.repo = owner, repo
        self.api = opts.api_url.rstrip("/")
        self.web = _web_url(self.api)
        self.template = _python_template(opts.release_name_template)
        self.commitish = opts.commitish
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
        if opts.github_token:
            headers["Authorization"] = f"Bearer {opts.github_token}"
        self.http = HttpClient(f"github://{owner}/{repo}", timeout=opts.timeout, headers=headers)

    def tag(self, name: str, version: str) -> str:
        return self.template.format(name=name, version=version)

    def url_for(self, artifact: Artifact) -> str:
        return self._download_url(self.tag(artifact.name, artifact.version), artifact.filename)

    def _download_url(self, tag: str, filename: str) -> str:
        return f"{self.web}/{self.owner}/{self.repo}/releases/download/{quote(tag)}/{filename}"

    def _repo_api(self, tail: str) -> str:
        return f"{self.api}/repos/{self.owner}/{self.repo}/{tail}"

    def _release(self, tag: str) -> dict[str, Any] | None:
        reply = self.http.request("GET", self._repo_api(f"releases/tags/{quote(tag)}"), ok=(200, 404))
        return reply.json() if reply.status_code == 200 else None

    def stored_digest(self, artifact: Artifact) -> str | None:
        release = self._release(self.tag(artifact.name, artifact.version))
        asset = None if release is None else _asset(release, artifact.filename)
        return None if asset is None else self._asset_digest(asset)

    def _asset_digest(self, asset: dict[str, Any]) -> str:
        digest = str(asset.get("digest") or "")
        if digest.startswith("sha256:"):
            return digest.removeprefix("sha256:")
        return hashlib.sha256(self._download(asset)).hexdigest()

    def _download(self, asset: dict[str, Any]) -> bytes:
        return self.http.request(
            "GET", str(asset["url"]), headers={"Accept": "application/octet-stream"}
        ).content

    def upload(self, artifact: Artifact, *, overwrite: bool) -> None:
        release = self._ensure_release(artifact)
        if artifact.prov is not None:
            self._put_asset(release, artifact.filename + ".prov", artifact.prov, overwrite=True)
        self._put_asset(release, artifact.filename, artifact.package, overwrite=overwrite)

    def _ensure_release(self, artifact: Artifact) -> dict[str, Any]:
        tag = self.tag(artifact.name, artifact.version)
        release = self._release(tag)
        if release is not None:
            return release
        notes = release_notes(artifact.metadata, read_chart_file(artifact.package, "CHANGELOG.md"))
        body: dict[str, Any] = {"tag_name": tag, "name": tag, "body": notes}
        if self.commitish:
            body["target_commitish"] = self.commitish
        reply = self.http.request("POST", self._repo_api("releases"), json=body, ok=(201, 422))
        if reply.status_code == 201:
            created: dict[str, Any] = reply.json()
            return created
        found = self._release(tag)  # 422: another run created it a moment ago
        if found is None:
            raise PublishConflict(
                f"cannot create release {tag}: {reply.text[:200]}", path=self.http.description
            )
        return found

    def _put_asset(self, release: dict[str, Any], name: str, data: bytes, *, overwrite: bool) -> None:
        existing = _asset(release, name)
        if existing is not None:
            if self._asset_digest(existing) == hashlib.sha256(data).hexdigest():
                return
            if not overwrite:
                raise PublishConflict(
                    f"{name}: release asset has different content", path=self.http.description
                )
            self.http.request("DELETE", self._repo_api(f"releases/assets/{existing['id']}"), ok=(204, 404))
        upload_url = str(release["upload_url"]).split("{", 1)[0]
        self.http.request("POST", upload_url, params={"name": name}, data=data, ok=(201,),
                          headers={"Content-Type": "application/octet-stream"})  # fmt: skip

    def delete(self, name: str, version: str) -> None:
        tag = self.tag(name, version)
        release = self._release(tag)
        if release is not None:
            self.http.request("DELETE", self._repo_api(f"releases/{release['id']}"), ok=(204, 404))
        self.http.request("DELETE", self._repo_api(f"git/refs/tags/{quote(tag)}"), ok=(204, 404, 422))

    def stored(self) -> Iterator[StoredPackage]:
        for release in self._releases():
            for asset in release.get("assets") or []:
                name = str(asset.get("name", ""))
                if name.endswith(".tgz"):
                    prov_asset = _asset(release, name + ".prov")
                    prov = None if prov_asset is None else self._download(prov_asset)
                    yield self._download(asset), prov, self._download_url(str(release["tag_name"]), name)

    def _releases(self) -> Iterator[dict[str, Any]]:
        page = 1
        while True:
            reply = self.http.request(
                "GET", self._repo_api("releases"), params={"per_page": 100, "page": page}
            )
            batch = reply.json()
            yield from batch
            if len(batch) < 100:
                return
            page += 1


def _asset(release: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((a for a in release.get("assets") or [] if a.get("name") == name), None)


def _web_url(api: str) -> str:
    """github.com for api.github.com; ``https://HOST`` for GitHub Enterprise's ``https://HOST/api/v3``."""
    if urlsplit(api).netloc == "api.github.com":
        return "https://github.com"
    return api.removesuffix("/api/v3")


def _python_template(template: str) -> str:
    """Accept chart-releaser's Go template spelling (``{{ .Name }}-{{ .Version }}``) too."""
    for go, py in (("{{ .Name }}", "{name}"), ("{{ .Version }}", "{version}"), ("{{.Name}}", "{name}"),
                   ("{{.Version}}", "{version}")):  # fmt: skip
        template = template.replace(go, py)
    try:
        template.format(name="n", version="v")
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(
            f"--release-name-template {template!r}: only {{name}} and {{version}} are known ({exc})"
        ) from None
    return template
