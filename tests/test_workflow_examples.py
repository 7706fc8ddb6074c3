"""examples/workflows: the four development workflows, each run end to end against local servers.

The pipeline files in each example are what ``ci-helm init-ci`` writes today; the demo stages
(``make demo``) publish to a directory, ``ci-helm repo serve``, docker-registry (OCI) and moto (S3),
and what they publish is read back from each server's storage.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import ci_helm.demo_servers
from ci_helm.demo import STAGES, DemoContext, Stage, run_stages
from ci_helm.demo_servers import environ_with_repo
from ci_helm.demo_workflows import (
    LOCAL_KEYS,
    REPO_ROOT,
    WORKFLOW_NAMES,
    generated_files,
    load_example,
    read_outputs,
)


def _stages(*names: str) -> list[Stage]:
    return [s for s in STAGES if s.name in {f"workflow {n}" for n in names}]


def _run(tmp_path: Path, *names: str) -> tuple[bool, str]:
    lines: list[str] = []
    ctx = DemoContext(examples=[], workdir=tmp_path, env=environ_with_repo(REPO_ROOT))
    ok = run_stages(_stages(*names), ctx, lines.append)
    return ok, "\n".join(lines)


@pytest.mark.parametrize("name", WORKFLOW_NAMES)
def test_example_pipeline_files_are_what_init_ci_writes(name: str) -> None:
    example = load_example(name)
    generated = generated_files(example)
    assert generated, f"init-ci wrote nothing for {name}"
    for rel, data in generated.items():
        committed = example.path / rel
        if rel == "ci-helm.yaml":  # the same settings, release targets aside
            ours, theirs = yaml.safe_load(committed.read_text()), yaml.safe_load(data)
            assert {k: v for k, v in ours.items() if k not in LOCAL_KEYS} == {
                k: v for k, v in theirs.items() if k not in LOCAL_KEYS
            }, f"{name}/ci-helm.yaml: settings differ from what init-ci writes"
            continue
        assert committed.is_file(), f"{rel} missing: run python -m ci_helm.demo_workflows --regenerate"
        assert committed.read_bytes() == data, (
            f"{rel} is stale: run python -m ci_helm.demo_workflows --regenerate"
        )


def test_private_example_keeps_charts_beside_app_code() -> None:
    example = load_example("private")
    assert list(example.charts) == ["app/chart/shop"]
    assert (example.path / "app" / "src" / "server.py").is_file()
    config = yaml.safe_load((example.path / "ci-helm.yaml").read_text())
    assert config["chart-dirs"] == ["app/chart"]


@pytest.mark.slow
def test_official_and_private_publish_to_every_local_server(tmp_path: Path) -> None:
    ok, out = _run(tmp_path, "official", "private")
    assert ok, out
    assert "skipped" not in out, out  # docker-registry is installed here: nothing may be skipped
    assert "OCI registry docker-registry" in out and "ci-helm repo serve" in out
    assert "list-changed -> ['charts/shop']; lint passed" in out
    assert "(signed with a throwaway key)" in out
    assert out.count("guestbook 0.1.0 skip, shop 0.1.1 skip") == 3  # the retried job re-publishes nothing
    pages = yaml.safe_load((tmp_path / "official" / "pages" / "index.yaml").read_text())
    assert {n: [v["version"] for v in vs] for n, vs in pages["entries"].items()} == {
        "guestbook": ["0.1.0"],
        "shop": ["0.1.1"],
    }
    assert (tmp_path / "official" / "pages" / "shop-0.1.1.tgz.prov").is_file()  # signed
    # The registry's own storage holds the tag (the server is gone once the stage ends).
    tags = tmp_path / "official" / "registry" / "data" / "docker" / "registry" / "v2" / "repositories"
    assert (tags / "charts" / "shop" / "_manifests" / "tags" / "0.1.1").is_dir()
    assert (tags / "charts" / "guestbook" / "_manifests" / "tags" / "0.1.0").is_dir()
    # private: the registry only takes credentials (the job's masked variables)
    assert (tmp_path / "private" / "registry" / "htpasswd").is_file()
    internal = tmp_path / "private" / "registry" / "data" / "docker" / "registry" / "v2" / "repositories"
    assert (internal / "internal" / "shop" / "_manifests" / "tags" / "0.1.0").is_dir()
    assert "(the OCI registry asks for credentials: ci-demo / masked variable)" in out
    served = yaml.safe_load((tmp_path / "private" / "served" / "index.yaml").read_text())
    versions = [v["version"] for v in served["entries"]["shop"]]
    assert "0.1.0" in versions and any(v.startswith("0.1.0-snapshot.") for v in versions), versions


@pytest.mark.slow
def test_public_publishes_to_s3_and_no_repo_renders_each_environment(tmp_path: Path) -> None:
    ok, out = _run(tmp_path, "public", "no-repo")
    assert ok, out
    assert "S3 server moto" in out and "skipped S3" not in out and "skipped OCI" not in out
    assert "s3://charts/stable" in out and "guestbook 0.1.1 publish" in out
    assert "staging: namespace staging" in out and "production: namespace production" in out
    staging = next(line for line in out.splitlines() if "staging: namespace" in line)
    production = next(line for line in out.splitlines() if "production: namespace" in line)
    if "deploy jobs ran with --dry-run" in out:  # ci-helm deploy: the deploy job's own command
        assert "replicas ['1', '1']" in staging and "replicas ['3', '1']" in production, out
        assert "plan: 5 to add, 0 to change, 0 to remove" in staging, out
    else:  # a build without ci-helm deploy: the manifests the deploy would apply
        assert "frontend': 1" in staging and "frontend': 3" in production, out


def test_demo_says_which_servers_it_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a machine without docker-registry and moto: the stage still passes, on file:// alone.
    monkeypatch.setattr(ci_helm.demo_servers, "REGISTRY_BINARY", str(tmp_path / "no-registry"))
    monkeypatch.setattr(ci_helm.demo_servers, "_importable", lambda module: False)
    ok, out = _run(tmp_path, "public")
    assert ok, out
    assert "skipped OCI registry: " in out and "apt-get install docker-registry" in out
    assert "skipped S3 server: " in out
    assert "bucket-copy: guestbook 0.1.1 publish" in out


def test_read_outputs_reads_both_github_output_forms() -> None:
    text = 'released={"a":1}\nmatrix<<EOF_x\n{"include":\n[]}\nEOF_x\nplain=text\n'
    assert read_outputs(text) == {"released": {"a": 1}, "matrix": {"include": []}, "plain": "text"}
