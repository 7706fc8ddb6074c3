"""Google Cloud Storage (JSON API) as a BlobStore, with generation preconditions on writes.

``ifGenerationMatch=<generation we read>`` replaces index.yaml only if nobody wrote it
since; ``ifGenerationMatch=0`` creates it only if absent. A 412 is a lost race that the
core resolves by re-reading and merging again. Auth is an OAuth2 access token
(``--gcs-token`` / ``GOOGLE_OAUTH_ACCESS_TOKEN``, e.g. from ``gcloud auth print-access-token``
or google-github-actions/auth).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import requests

from ci_helm.adapters.http_client import HttpClient
from ci_helm.errors import ConfigError, PublishError
from ci_helm.publish.protocols import Blob, PreconditionFailed

if TYPE_CHECKING:
    from ci_helm.publish.targets import TargetOptions

__all__ = ["GcsStore"]


class GcsStore:
    def __init__(self, bucket: str, prefix: str, opts: TargetOptions) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.description = f"gs://{bucket}/{prefix}".rstrip("/")
        if not opts.gcs_token:
            raise ConfigError(
                "gs:// needs an access token: --gcs-token or GOOGLE_OAUTH_ACCESS_TOKEN "
                "(e.g. from `gcloud auth print-access-token`)",
                path=self.description,
            )
        self.endpoint = opts.gcs_endpoint.rstrip("/")
        self.http = HttpClient(
            self.description, timeout=opts.timeout, headers={"Authorization": f"Bearer {opts.gcs_token}"}
        )

    def _object_url(self, key: str) -> str:
        return f"{self.endpoint}/storage/v1/b/{quote(self.bucket)}/o/{quote(self.prefix + key, safe='')}"

    def get(self, key: str) -> Blob | None:
        reply = self.http.request("GET", self._object_url(key), params={"alt": "media"}, ok=(200, 404))
        if reply.status_code == 404:
            self._check_bucket_missing(reply)
            return None
        return Blob(reply.content, reply.headers.get("x-goog-generation", ""))

    def put(self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False) -> None:
        params = {"uploadType": "media", "name": self.prefix + key}
        if if_match is not None:
            params["ifGenerationMatch"] = if_match
        elif if_absent:
            params["ifGenerationMatch"] = "0"
        url = f"{self.endpoint}/upload/storage/v1/b/{quote(self.bucket)}/o"
        reply = self.http.request("POST", url, params=params, data=data, ok=(200, 404, 412),
                                  headers={"Content-Type": "application/octet-stream"})  # fmt: skip
        if reply.status_code == 412:
            raise PreconditionFailed(key)
        if reply.status_code == 404:
            self._check_bucket_missing(reply)
            raise PublishError(f"cannot write {key}: not found", path=self.description)

    def delete(self, key: str) -> None:
        self.http.request("DELETE", self._object_url(key), ok=(200, 204, 404))

    def list(self) -> list[str]:
        names: list[str] = []
        token: str | None = None
        while True:
            params = {"prefix": self.prefix, **({"pageToken": token} if token else {})}
            reply = self.http.request(
                "GET", f"{self.endpoint}/storage/v1/b/{quote(self.bucket)}/o", params=params, ok=(200, 404)
            )
            if reply.status_code == 404:
                self._check_bucket_missing(reply)
                return []
            body = reply.json()
            names.extend(str(item["name"])[len(self.prefix) :] for item in body.get("items", []))
            token = body.get("nextPageToken")
            if not token:
                return sorted(n for n in names if n and "/" not in n)

    def _check_bucket_missing(self, reply: requests.Response) -> None:
        if "bucket" in reply.text.lower():
            raise PublishError(f"bucket {self.bucket!r} does not exist", path=self.description)
