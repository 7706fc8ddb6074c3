"""``gs://`` targets against a fake GCS JSON API that enforces generation preconditions."""

from __future__ import annotations

from pathlib import Path

from ci_helm.publish.targets import TargetOptions
from tests.support.chartpkg import make_package
from tests.support.fakegcs import GCS_TOKEN, FakeGcs
from tests.support.releasing import index_versions, race, release_now


def test_release_skip_reindex_prune(tmp_path: Path, run_cli, fake_gcs: FakeGcs) -> None:
    fake_gcs.buckets["charts"] = {}
    args = ["--gcs-endpoint", fake_gcs.url]
    env = {"GOOGLE_OAUTH_ACCESS_TOKEN": GCS_TOKEN}
    pkgs = [make_package(tmp_path, "app", v, prov=True) for v in ("1.0.0", "1.1.0")]
    assert run_cli("release", *map(str, pkgs), "--to", "gs://charts/stable", *args, env=env).exit_code == 0
    objects = fake_gcs.buckets["charts"]
    assert sorted(objects) == ["stable/app-1.0.0.tgz", "stable/app-1.0.0.tgz.prov", "stable/app-1.1.0.tgz",
                               "stable/app-1.1.0.tgz.prov", "stable/index.yaml"]  # fmt: skip
    assert "skip" in run_cli("release", str(pkgs[0]), "--to", "gs://charts/stable", *args, env=env).stdout
    del objects["stable/index.yaml"]
    assert run_cli("repo", "reindex", "gs://charts/stable", *args, env=env).exit_code == 0
    assert run_cli("repo", "prune", "gs://charts/stable", "--keep", "1", *args, env=env).exit_code == 0
    assert index_versions(objects["stable/index.yaml"][0]) == [("app", "1.1.0")]
    assert "stable/app-1.0.0.tgz" not in objects


def test_concurrent_releases_use_generation_match(tmp_path: Path, fake_gcs: FakeGcs) -> None:
    fake_gcs.buckets["b"] = {}
    opts = TargetOptions(gcs_token=GCS_TOKEN, gcs_endpoint=fake_gcs.url)
    pkgs = [make_package(tmp_path, f"c{i:02d}", "1.0.0") for i in range(16)]
    reports = race([lambda p=p: release_now(p, "gs://b", opts) for p in pkgs])
    assert all(not r.failed for r in reports)
    assert index_versions(fake_gcs.buckets["b"]["index.yaml"][0]) == [
        (f"c{i:02d}", "1.0.0") for i in range(16)
    ]


def test_missing_bucket_bad_token_no_token(tmp_path: Path, run_cli, fake_gcs: FakeGcs) -> None:
    pkg = make_package(tmp_path, "app", "1.0.0")
    missing = run_cli(
        "release", str(pkg), "--to", "gs://nope", "--gcs-endpoint", fake_gcs.url, "--gcs-token", GCS_TOKEN
    )
    assert missing.exit_code == 1 and "bucket 'nope' does not exist" in missing.stderr
    assert GCS_TOKEN not in missing.stdout + missing.stderr
    fake_gcs.buckets["b"] = {}
    bad = run_cli(
        "release", str(pkg), "--to", "gs://b", "--gcs-endpoint", fake_gcs.url, "--gcs-token", "ya29.wrong"
    )
    assert bad.exit_code == 2 and "authentication failed" in bad.stderr and "ya29.wrong" not in bad.stderr
    none = run_cli("release", str(pkg), "--to", "gs://b", "--gcs-endpoint", fake_gcs.url)
    assert none.exit_code == 2 and "--gcs-token" in none.stderr
    assert fake_gcs.buckets["b"] == {}
