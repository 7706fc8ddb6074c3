"""ChartMuseum-compatible upload APIs (ChartMuseum, Harbor's legacy API, ``ci-helm repo serve``).

The server maintains index.yaml itself, so the plan reads ``GET /api/charts/<name>/<version>``
(its digest) and publishing is one ``POST /api/charts`` with the ``chart`` and ``prov``
fields. Auth is a bearer token or basic username/password.
"""

from __future__ import annotations

import base64
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ci_helm.adapters.http_client import HttpClient
from ci_helm.errors import PublishConflict, UsageError
from ci_helm.publish.artifact import Artifact
from ci_helm.publish.index import version_key
from ci_helm.publish.plan import Action, Observed, Step
from ci_helm.publish.protocols import Removed
from ci_helm.publish.redact import display_url

if TYPE_CHECKING:
    from ci_helm.publish.targets import TargetOptions

__all__ = ["ChartMuseumPublisher"]


class ChartMuseumPublisher:
    def __init__(self, url: str, opts: TargetOptions) -> None:
        self.description = display_url(url).rstrip("/")
        self.api = f"{self.description}/api/charts"
        self.http = HttpClient(self.description, timeout=opts.timeout, headers=_auth(opts))

    def observe(self, artifacts: Sequence[Artifact]) -> dict[tuple[str, str], Observed]:
        seen = {}
        for a in artifacts:
            reply = self.http.request("GET", f"{self.api}/{quote(a.name)}/{quote(a.version)}", ok=(200, 404))
            digest = _digest(reply.json()) if reply.status_code == 200 else None
            seen[a.key] = Observed(digest, digest)
        return seen

    def apply(self, steps: Sequence[Step]) -> None:
        for step in steps:
            if step.action.uploads:
                self._upload(step.artifact, force=step.action is Action.REPLACE)

    def _upload(self, artifact: Artifact, *, force: bool) -> None:
        files: dict[str, Any] = {"chart": (artifact.filename, artifact.package, "application/gzip")}
        if artifact.prov is not None:
            files["prov"] = (artifact.filename + ".prov", artifact.prov, "application/octet-stream")
        reply = self.http.request(
            "POST", self.api, params={"force": "true"} if force else None, files=files, ok=(200, 201, 409)
        )
        if reply.status_code == 409:
            raise PublishConflict(
                f"{artifact.filename}: the server already has different content", path=self.description
            )

    def reindex(self) -> int:
        raise UsageError(
            f"{self.description}: a ChartMuseum server maintains its own index; nothing to rebuild"
        )

    def prune(self, keep: int, chart: str | None) -> list[Removed]:
        entries: dict[str, list[dict[str, Any]]] = self.http.request("GET", self.api).json() or {}
        removed: list[Removed] = []
        for name, versions in sorted(entries.items()):
            if chart is not None and name != chart:
                continue
            ordered = sorted({str(v.get("version")) for v in versions}, key=version_key, reverse=True)
            for version in ordered[keep:]:
                self.http.request("DELETE", f"{self.api}/{quote(name)}/{quote(version)}", ok=(200, 404))
                removed.append((name, version))
        return removed


def _auth(opts: TargetOptions) -> dict[str, str]:
    if opts.token:
        return {"Authorization": f"Bearer {opts.token}"}
    if opts.username and opts.password is not None:
        pair = base64.b64encode(f"{opts.username}:{opts.password}".encode()).decode()
        return {"Authorization": f"Basic {pair}"}
    return {}


def _digest(body: Any) -> str:
    return str(body.get("digest") or "unknown") if isinstance(body, dict) else "unknown"
