"""S3 and S3-compatible object stores (MinIO, Ceph, GCS XML interop) as a BlobStore, via boto3.

index.yaml is written with S3 conditional writes: ``If-Match: <etag>`` over the version
we read, ``If-None-Match: *`` when there was none. A 412 (or 409 while another
conditional write is in flight) means another pipeline won the race; the core re-reads
and merges again. Credentials come from ci-helm's settings when given, else from the
usual AWS chain; they never appear in messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import boto3
import botocore.exceptions
from botocore.config import Config

from ci_helm.errors import ConfigError, PublishError
from ci_helm.publish.protocols import Blob, PreconditionFailed
from ci_helm.publish.redact import display_url

if TYPE_CHECKING:
    from ci_helm.publish.targets import TargetOptions

__all__ = ["S3Store"]

_LOST_RACE = {"PreconditionFailed", "ConditionalRequestConflict", "412", "409"}
_DENIED = {
    "AccessDenied",
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "403",
    "InvalidToken",
    "ExpiredToken",
}


class S3Store:
    def __init__(self, bucket: str, prefix: str, opts: TargetOptions) -> None:
        self.bucket = bucket
        self.prefix = f"{prefix}/" if prefix else ""
        self.description = f"s3://{bucket}/{prefix}".rstrip("/")
        if opts.endpoint_url:
            self.description += f" ({display_url(opts.endpoint_url)})"
        self.client = _client(opts)

    def get(self, key: str) -> Blob | None:
        with self._errors(key):
            try:
                reply = self.client.get_object(Bucket=self.bucket, Key=self.prefix + key)
            except botocore.exceptions.ClientError as exc:
                if _code(exc) in ("NoSuchKey", "404"):
                    return None
                raise
            return Blob(reply["Body"].read(), str(reply["ETag"]))

    def put(self, key: str, data: bytes, *, if_match: str | None = None, if_absent: bool = False) -> None:
        conditions: dict[str, str] = {}
        if if_match is not None:
            conditions["IfMatch"] = if_match
        elif if_absent:
            conditions["IfNoneMatch"] = "*"
        with self._errors(key):
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=self.prefix + key,
                    Body=data,
                    ContentType=_content_type(key),
                    **conditions,
                )
            except botocore.exceptions.ClientError as exc:
                if _code(exc) in _LOST_RACE:
                    raise PreconditionFailed(key) from None
                raise

    def delete(self, key: str) -> None:
        with self._errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=self.prefix + key)

    def list(self) -> list[str]:
        keys: list[str] = []
        with self._errors(""):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                keys.extend(_relative(obj["Key"], self.prefix) for obj in page.get("Contents", []))
        return sorted(k for k in keys if k and "/" not in k)

    @contextmanager
    def _errors(self, key: str) -> Iterator[None]:
        """botocore failures as one line naming the bucket; never the credentials."""
        try:
            yield
        except botocore.exceptions.ClientError as exc:
            raise PublishError(_client_error(exc, self.bucket, key), path=self.description) from None
        except botocore.exceptions.NoCredentialsError:
            raise ConfigError(
                "no S3 credentials: set --aws-access-key-id and --aws-secret-access-key, or the AWS chain",
                path=self.description,
            ) from None
        except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError):
            raise PublishError("cannot reach the S3 endpoint", path=self.description) from None
        except botocore.exceptions.BotoCoreError as exc:
            raise PublishError(f"S3 request failed: {type(exc).__name__}", path=self.description) from None


def _client(opts: TargetOptions) -> Any:
    session = boto3.session.Session(
        aws_access_key_id=opts.aws_access_key_id,
        aws_secret_access_key=opts.aws_secret_access_key,
        aws_session_token=opts.aws_session_token,
        region_name=opts.region,
    )
    config = Config(
        s3={"addressing_style": "path" if opts.path_style else "auto"},
        connect_timeout=min(opts.timeout, 10.0),
        read_timeout=opts.timeout,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return session.client("s3", endpoint_url=opts.endpoint_url, config=config)


def _code(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


def _client_error(exc: botocore.exceptions.ClientError, bucket: str, key: str) -> str:
    code = _code(exc)
    messages: dict[str, Callable[[], str]] = {
        "NoSuchBucket": lambda: f"bucket {bucket!r} does not exist",
        "AllAccessDisabled": lambda: f"access to bucket {bucket!r} is disabled",
    }
    if code in messages:
        return messages[code]()
    if code in _DENIED:
        return f"access denied ({code}); check the S3 credentials and the bucket policy"
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
    return f"S3 error {code or status} on {key or 'listing'}"


def _relative(key: str, prefix: str) -> str:
    return key[len(prefix) :] if key.startswith(prefix) else ""


def _content_type(key: str) -> str:
    if key.endswith(".yaml"):
        return "application/x-yaml"
    if key.endswith(".tgz"):
        return "application/gzip"
    return "application/octet-stream"
