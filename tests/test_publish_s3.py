"""``s3://`` targets against a real S3 API (moto server on 127.0.0.1) with conditional writes."""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from pathlib import Path

import pytest

from ci_helm.publish.targets import TargetOptions
from tests.support.chartpkg import make_package
from tests.support.releasing import index_versions, race, release_now
from tests.support.s3server import ACCESS_KEY, SECRET_KEY, S3Server


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    return s3_server.bucket(f"charts-{uuid.uuid4().hex[:10]}")


def _opts(s3: S3Server) -> TargetOptions:
    return TargetOptions(
        endpoint_url=s3.endpoint,
        region="us-east-1",
        path_style=True,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
    )


def _get(s3: S3Server, bucket: str, key: str) -> bytes:
    return s3.client().get_object(Bucket=bucket, Key=key)["Body"].read()


def _keys(s3: S3Server, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in s3.client().list_objects_v2(Bucket=bucket).get("Contents", []))


def test_release_skip_conflict_force(tmp_path: Path, run_cli, s3_server: S3Server, bucket: str) -> None:
    target = f"s3://{bucket}/charts"
    pkg = make_package(tmp_path / "a", "app", "1.0.0", prov=True)
    args = [*s3_server.cli_args(), "--to", target]
    first = run_cli("release", str(pkg), *args, env=s3_server.env())
    assert first.exit_code == 0, first.stderr
    assert _keys(s3_server, bucket) == [
        "charts/app-1.0.0.tgz",
        "charts/app-1.0.0.tgz.prov",
        "charts/index.yaml",
    ]
    assert _get(s3_server, bucket, "charts/app-1.0.0.tgz") == pkg.read_bytes()
    assert "skip" in run_cli("release", str(pkg), *args, env=s3_server.env()).stdout
    changed = make_package(tmp_path / "b", "app", "1.0.0", description="changed")
    assert run_cli("release", str(changed), *args, env=s3_server.env()).exit_code == 1
    assert _get(s3_server, bucket, "charts/app-1.0.0.tgz") == pkg.read_bytes()
    assert run_cli("release", str(changed), *args, "--force", env=s3_server.env()).exit_code == 0
    assert _get(s3_server, bucket, "charts/app-1.0.0.tgz") == changed.read_bytes()
    assert index_versions(_get(s3_server, bucket, "charts/index.yaml")) == [("app", "1.0.0")]


def test_sixteen_concurrent_releases_all_indexed_once(
    tmp_path: Path, s3_server: S3Server, bucket: str
) -> None:
    pkgs = [make_package(tmp_path, f"svc{i:02d}", f"0.{i}.0") for i in range(16)]
    url = f"s3://{bucket}/repo"
    reports = race([lambda p=p: release_now(p, url, _opts(s3_server)) for p in pkgs])
    assert all(not r.failed for r in reports)
    expected = sorted((f"svc{i:02d}", f"0.{i}.0") for i in range(16))
    assert index_versions(_get(s3_server, bucket, "repo/index.yaml")) == expected


def test_resume_after_kill(
    tmp_path: Path, run_cli_subprocess, run_cli, s3_server: S3Server, bucket: str
) -> None:
    pkg = make_package(tmp_path, "app", "3.0.0", prov=True)
    args = ["release", str(pkg), *s3_server.cli_args(), "--to", f"s3://{bucket}"]
    killed = run_cli_subprocess(*args, env={**s3_server.env(), "CI_HELM_TEST_FAULT": "after-upload"})
    assert killed.exit_code == -9
    assert _keys(s3_server, bucket) == ["app-3.0.0.tgz", "app-3.0.0.tgz.prov"]
    rerun = run_cli(*args, env=s3_server.env())
    assert rerun.exit_code == 0 and "index     app 3.0.0" in rerun.stdout
    assert _keys(s3_server, bucket) == ["app-3.0.0.tgz", "app-3.0.0.tgz.prov", "index.yaml"]
    assert index_versions(_get(s3_server, bucket, "index.yaml")) == [("app", "3.0.0")]


def test_reindex_and_prune(tmp_path: Path, run_cli, s3_server: S3Server, bucket: str) -> None:
    pkgs = [make_package(tmp_path, "app", v) for v in ("1.0.0", "1.1.0", "1.2.0")]
    args = [*s3_server.cli_args()]
    url = f"s3://{bucket}/c"
    assert run_cli("release", *map(str, pkgs), *args, "--to", url, env=s3_server.env()).exit_code == 0
    s3_server.client().delete_object(Bucket=bucket, Key="c/index.yaml")
    assert run_cli("repo", "reindex", url, *args, env=s3_server.env()).exit_code == 0
    assert len(index_versions(_get(s3_server, bucket, "c/index.yaml"))) == 3
    assert run_cli("repo", "prune", url, "--keep", "1", *args, env=s3_server.env()).exit_code == 0
    assert index_versions(_get(s3_server, bucket, "c/index.yaml")) == [("app", "1.2.0")]
    assert _keys(s3_server, bucket) == ["c/app-1.2.0.tgz", "c/index.yaml"]


def test_missing_bucket_and_unreachable_endpoint_one_line(
    tmp_path: Path, run_cli, s3_server: S3Server
) -> None:
    pkg = make_package(tmp_path, "app", "1.0.0")
    secret_flag = ["--aws-secret-access-key", SECRET_KEY, "--aws-access-key-id", ACCESS_KEY]
    missing = run_cli(
        "release", str(pkg), *s3_server.cli_args(), *secret_flag, "--to", "s3://no-such-bucket-x/p"
    )
    assert missing.exit_code == 1
    assert "bucket 'no-such-bucket-x' does not exist" in missing.stderr
    assert SECRET_KEY not in missing.stdout + missing.stderr
    dead = run_cli(
        "release",
        str(pkg),
        "--endpoint-url",
        "http://127.0.0.1:9",
        *secret_flag,
        "--to",
        "s3://b/p",
        "--request-timeout",
        "2",
    )
    assert dead.exit_code == 1 and "cannot reach the S3 endpoint" in dead.stderr
    assert SECRET_KEY not in dead.stdout + dead.stderr
    assert (dead.stdout + dead.stderr).count("error:") == 1


def test_helm_consumes_the_bucket_and_debug_output_keeps_secrets(
    tmp_path: Path, run_cli, s3_server: S3Server, bucket: str, helm_oracle: Path
) -> None:
    pkg = make_package(tmp_path / "d", "app", "1.0.0")
    public = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    policy = json.dumps({"Version": "2012-10-17", "Statement": [public]})
    s3_server.client().put_bucket_policy(
        Bucket=bucket, Policy=policy
    )  # a public chart bucket, as users run one
    flags = ["--aws-access-key-id", ACCESS_KEY, "--aws-secret-access-key", SECRET_KEY, "--debug"]
    result = run_cli("release", str(pkg), *s3_server.cli_args(), *flags, "--to", f"s3://{bucket}/stable")
    assert result.exit_code == 0, result.stderr
    assert SECRET_KEY not in result.stdout + result.stderr
    env = {**os.environ, "HELM_CONFIG_HOME": str(tmp_path / "hc"), "HELM_CACHE_HOME": str(tmp_path / "hcc")}
    repo_url = (
        f"{s3_server.endpoint}/{bucket}/stable"  # the bucket over HTTP, as a website endpoint serves it
    )
    helm = str(helm_oracle)
    added = subprocess.run(
        [helm, "repo", "add", "s3", repo_url], env=env, capture_output=True, text=True, check=False
    )
    assert added.returncode == 0, added.stderr
    pulled = subprocess.run(
        [helm, "pull", "s3/app", "--version", "1.0.0", "-d", str(tmp_path)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert pulled.returncode == 0, pulled.stderr
    assert (tmp_path / "app-1.0.0.tgz").read_bytes() == pkg.read_bytes()


def test_debug_log_never_shows_the_session_token(
    tmp_path: Path, run_cli_subprocess, s3_server: S3Server, bucket: str
) -> None:
    """botocore's debug log prints request headers, X-Amz-Security-Token included: ci-helm masks it."""
    token = "FwoGZXIvYXdzEXAMPLEsessionTOKENvalue0123456789"
    pkg = make_package(tmp_path, "app", "1.0.0")
    result = run_cli_subprocess(
        "release", str(pkg), *s3_server.cli_args(), "--to", f"s3://{bucket}", "--debug",
        env={**s3_server.env(), "CI_HELM_AWS_SESSION_TOKEN": token},
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "X-Amz-Security-Token" in result.stderr  # the header was logged...
    assert token not in result.stdout + result.stderr  # ...masked
    assert SECRET_KEY not in result.stdout + result.stderr
