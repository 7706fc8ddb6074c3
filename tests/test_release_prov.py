"""Real charts released from their directories, signed, and verified by Helm itself after download."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.gpgkeys import make_key, stop_agent
from tests.support.registry import Registry
from tests.support.releasing import index_versions
from tests.support.reposerver import serve

TOKEN = "prov-upload-token-77"


def _helm(helm: Path, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HELM_CONFIG_HOME": str(tmp / "hc"), "HELM_CACHE_HOME": str(tmp / "hcache")}
    return subprocess.run([str(helm), *args], capture_output=True, text=True, env=env, check=False)


@pytest.fixture
def signing(tmp_path: Path):
    key = make_key(tmp_path / "gnupg", "Release Bot <release@example.invalid>")
    yield key, {"CI_HELM_SIGN_KEY": key.secret_armored()}, key.public_keyring(tmp_path / "pubring.gpg")
    stop_agent(key.home)


def test_signed_chart_dir_to_repo_and_oci_verified_by_helm(
    tmp_path: Path, run_cli, corpus: Path, helm_oracle: Path, oci_registry: Registry, signing
) -> None:
    key, env, keyring = signing
    chart = corpus / "charts/bjw-s/app-template"  # a real chart with a vendored subchart
    served = tmp_path / "served"
    oci = f"oci://{oci_registry.host}/signed"
    with serve(served, "--upload-token", TOKEN) as url:
        result = run_cli(
            "release",
            str(chart),
            "--sign",
            "--to",
            url,
            "--token",
            TOKEN,
            "--to",
            oci,
            "--plain-http",
            env=env,
        )
        assert result.exit_code == 0, result.stderr
        assert key.secret_armored().splitlines()[3] not in result.stdout + result.stderr
        pulled = tmp_path / "pulled"
        pulled.mkdir()
        assert _helm(helm_oracle, tmp_path, "repo", "add", "served", url).returncode == 0
        verify = ["--verify", "--keyring", str(keyring)]
        got = _helm(helm_oracle, tmp_path, "pull", "served/app-template", *verify, "-d", str(pulled))
        assert got.returncode == 0, got.stderr
        assert "Signed by: Release Bot" in got.stdout + got.stderr
    got_oci = _helm(
        helm_oracle, tmp_path, "pull", f"{oci}/app-template", "--version", "4.0.1", "--plain-http",
        "--verify", "--keyring", str(keyring), "-d", str(tmp_path),
    )  # fmt: skip
    assert got_oci.returncode == 0, got_oci.stderr
    again = run_cli("release", str(chart), "--sign", "--to", oci, "--plain-http", env=env)
    assert again.exit_code == 0 and "skip" in again.stdout  # reproducible package: a rerun is a skip


@pytest.mark.slow
def test_corpus_charts_released_and_pulled_by_helm(
    tmp_path: Path, run_cli, corpus: Path, helm_oracle: Path
) -> None:
    manifest = json.loads((corpus / "manifest.json").read_text())
    charts = [c for c in manifest if not c["needs_external_dependency"] and not c["deprecated"]][:12]
    repo = tmp_path / "repo"
    result = run_cli("release", *(str(corpus / c["path"]) for c in charts), "--to", f"file://{repo}")
    assert result.exit_code == 0, result.stderr
    expected = sorted({(c["name"], c["version"]) for c in charts})
    assert index_versions((repo / "index.yaml").read_bytes()) == expected
    with serve(repo) as url:
        assert _helm(helm_oracle, tmp_path, "repo", "add", "corpus", url).returncode == 0
        for name, version in expected:
            got = _helm(
                helm_oracle, tmp_path, "pull", f"corpus/{name}", "--version", version, "-d", str(tmp_path)
            )
            assert got.returncode == 0, (name, got.stderr)


def test_signing_key_never_printed_even_when_signing_fails(tmp_path: Path, run_cli, corpus: Path) -> None:
    bogus_key = (
        "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQVYBGVeryS3cretKeyMaterialThatMustNotLeak0123456789\n"
        "-----END PGP PRIVATE KEY BLOCK-----\n"
    )
    chart = corpus / "charts/helm-examples/hello-world"
    result = run_cli(
        "release",
        str(chart),
        "--sign",
        "--to",
        f"file://{tmp_path / 'repo'}",
        env={"CI_HELM_SIGN_KEY": bogus_key},
    )
    assert result.exit_code != 0
    assert "S3cretKeyMaterial" not in result.stdout + result.stderr
    assert not (tmp_path / "repo").exists()
