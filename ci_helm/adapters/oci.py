"""OCI registries: charts pushed as Helm's OCI artifact, ``.prov`` as Helm's provenance layer.

A small client of the OCI distribution API (the same requests ``helm push`` makes):
blobs are uploaded once (``HEAD`` first, so a rerun uploads nothing twice), then the
manifest is put under the version tag. The plan reads the tag's manifest and compares
its chart layer digest with the package's sha256, so same content is skipped and other
content is a conflict. Auth answers the registry's challenge: Basic, or Bearer tokens
from the realm it names, with ``--username``/``--password`` (a token is a password).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import requests

from ci_helm.adapters.http_client import HttpClient
from ci_helm.errors import ConfigError, PublishError, UsageError
from ci_helm.publish.artifact import Artifact
from ci_helm.publish.index import now_rfc3339, version_key
from ci_helm.publish.plan import Observed, Step
from ci_helm.publish.protocols import Removed
from ci_helm.publish.redact import display_url

if TYPE_CHECKING:
    from ci_helm.publish.targets import TargetOptions

__all__ = ["CHART_LAYER", "OciPublisher"]

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
CONFIG = "application/vnd.cncf.helm.config.v1+json"
CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
PROV_LAYER = "application/vnd.cncf.helm.chart.provenance.v1.prov"


class OciPublisher:
    def __init__(self, url: str, opts: TargetOptions) -> None:
        parts = urlsplit(url)
        if not parts.netloc:
            raise UsageError(f"{display_url(url)}: expected oci://registry/path")
        self.description = display_url(url).rstrip("/")
        self.host = parts.netloc.rsplit("@", 1)[-1]
        self.path = parts.path.strip("/")
        self.base = f"{'http' if opts.plain_http else 'https'}://{self.host}"
        self.http = HttpClient(self.description, timeout=opts.timeout)
        self.username, self.password = (
            opts.username,
            opts.password if opts.password is not None else opts.token,
        )
        self._tokens: dict[str, str] = {}

    def _repo(self, chart: str) -> str:
        return f"{self.path}/{chart}" if self.path else chart

    def observe(self, artifacts: Sequence[Artifact]) -> dict[tuple[str, str], Observed]:
        seen = {}
        for a in artifacts:
            manifest = self._manifest(self._repo(a.name), _tag(a.version))
            digest = None if manifest is None else _chart_digest(manifest)
            seen[a.key] = Observed(digest, digest)
        return seen

    def apply(self, steps: Sequence[Step]) -> None:
        for step in steps:
            if step.action.uploads:
                self._push(step.artifact)

    def _push(self, artifact: Artifact) -> None:
        repo = self._repo(artifact.name)
        config = json.dumps(
            artifact.metadata, separators=(",", ":")
        ).encode()  # Helm: the Chart.yaml metadata
        layers = [self._blob(repo, artifact.package, CHART_LAYER)]
        if artifact.prov is not None:
            layers.append(self._blob(repo, artifact.prov, PROV_LAYER))
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": self._blob(repo, config, CONFIG),
            "layers": layers,
            "annotations": _annotations(artifact),
        }
        body = json.dumps(manifest, separators=(",", ":")).encode()
        self._call("PUT", repo, f"manifests/{_tag(artifact.version)}", data=body, ok=(201,),
                   headers={"Content-Type": MANIFEST})  # fmt: skip

    def _blob(self, repo: str, data: bytes, media_type: str) -> dict[str, Any]:
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if self._call("HEAD", repo, f"blobs/{digest}", ok=(200, 404)).status_code == 404:
            start = self._call("POST", repo, "blobs/uploads/", ok=(202,))
            location = urljoin(self.base + "/", start.headers["Location"])
            sep = "&" if "?" in location else "?"
            self._call("PUT", repo, "", url=f"{location}{sep}digest={digest}", data=data, ok=(201,),
                       headers={"Content-Type": "application/octet-stream"})  # fmt: skip
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    def _manifest(self, repo: str, reference: str) -> dict[str, Any] | None:
        reply = self._call("GET", repo, f"manifests/{reference}", ok=(200, 404), headers={"Accept": MANIFEST})
        if reply.status_code == 404:
            return None
        body = reply.json()
        return body if isinstance(body, dict) else None

    def reindex(self) -> int:
        raise UsageError(f"{self.description}: OCI registries keep no index.yaml; tags are the index")

    def prune(self, keep: int, chart: str | None) -> list[Removed]:
        charts = [chart] if chart else self._charts()
        removed: list[Removed] = []
        for name in charts:
            reply = self._call("GET", self._repo(name), "tags/list", ok=(200, 404))
            tags = (reply.json().get("tags") or []) if reply.status_code == 200 else []
            for tag in sorted(tags, key=lambda t: version_key(t.replace("_", "+")), reverse=True)[keep:]:
                head = self._call("HEAD", self._repo(name), f"manifests/{tag}", headers={"Accept": MANIFEST})
                self._call(
                    "DELETE",
                    self._repo(name),
                    f"manifests/{head.headers['Docker-Content-Digest']}",
                    ok=(202,),
                )
                removed.append((name, tag.replace("_", "+")))
        return removed

    def _charts(self) -> list[str]:
        reply = self._call("GET", "", "", url=f"{self.base}/v2/_catalog?n=10000")
        prefix = f"{self.path}/" if self.path else ""
        repos = reply.json().get("repositories") or []
        return [r[len(prefix) :] for r in repos if r.startswith(prefix) and "/" not in r[len(prefix) :]]

    def _call(
        self,
        method: str,
        repo: str,
        tail: str,
        *,
        url: str | None = None,
        ok: tuple[int, ...] = (200,),
        **kw: Any,
    ) -> requests.Response:
        """One registry request, answering a 401 challenge once with the configured credentials."""
        target = url or f"{self.base}/v2/{repo}/{tail}"
        scope = f"repository:{repo}:pull,push,delete" if repo else "registry:catalog:*"
        headers = {**kw.pop("headers", {}), **self._auth_header(scope)}
        reply = self.http.request(method, target, ok=(*ok, 401), headers=headers, **kw)
        if reply.status_code == 401 and scope not in self._tokens:
            self._tokens[scope] = self._answer(reply.headers.get("WWW-Authenticate", ""), scope)
            headers.update(self._auth_header(scope))
            reply = self.http.request(method, target, ok=(*ok, 401), headers=headers, **kw)
        if reply.status_code == 401:
            raise ConfigError(
                "authentication failed (HTTP 401); check --username/--password", path=self.description
            )
        return reply

    def _auth_header(self, scope: str) -> dict[str, str]:
        token = self._tokens.get(scope)
        return {"Authorization": token} if token else {}

    def _answer(self, challenge: str, scope: str) -> str:
        if not self.username or self.password is None:
            raise ConfigError(
                "the registry needs credentials: pass --username and --password", path=self.description
            )
        basic = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        if challenge.lower().startswith("basic"):
            return basic
        params = _challenge_params(challenge)
        if "realm" not in params:
            raise PublishError(
                "the registry sent an authentication challenge ci-helm cannot answer", path=self.description
            )
        query = {"service": params.get("service", ""), "scope": params.get("scope", scope)}
        reply = self.http.request(
            "GET", params["realm"], params=query, headers={"Authorization": basic}, ok=(200, 401)
        )
        if reply.status_code == 401:
            raise ConfigError(
                "authentication failed (HTTP 401); check --username/--password", path=self.description
            )
        body = reply.json()
        return "Bearer " + str(body.get("token") or body.get("access_token") or "")


def _tag(version: str) -> str:
    return version.replace("+", "_")  # OCI tags cannot hold "+"; Helm maps it to "_"


def _chart_digest(manifest: dict[str, Any]) -> str:
    for layer in manifest.get("layers") or []:
        if isinstance(layer, dict) and layer.get("mediaType") == CHART_LAYER:
            return str(layer.get("digest", "")).removeprefix("sha256:")
    return "not-a-helm-chart"


def _annotations(artifact: Artifact) -> dict[str, str]:
    notes = {
        "org.opencontainers.image.title": artifact.name,
        "org.opencontainers.image.version": artifact.version,
        "org.opencontainers.image.created": now_rfc3339(),
    }
    if artifact.metadata.get("description"):
        notes["org.opencontainers.image.description"] = str(artifact.metadata["description"])
    return notes


def _challenge_params(challenge: str) -> dict[str, str]:
    _, _, rest = challenge.partition(" ")
    params = {}
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        params[key.strip()] = value.strip().strip('"')
    return params
