"""``ci-helm release --to file:///dir``: plan, idempotence, conflicts, resume, concurrency, retention."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ci_helm.publish.index import parse_index
from ci_helm.yamlio import load_yaml
from tests.conftest import REPO_ROOT
from tests.support.chartpkg import make_package
from tests.support.releasing import index_versions


def _index(repo: Path) -> dict:
    return load_yaml((repo / "index.yaml").read_bytes())


def test_release_then_rerun_skips(tmp_path: Path, run_cli) -> None:
    pkg = make_package(tmp_path / "dist", "app", "1.0.0", prov=True)
    repo = tmp_path / "repo"
    first = run_cli("release", str(pkg), "--to", f"file://{repo}")
    assert first.exit_code == 0, first.stderr
    assert "publish   app 1.0.0" in first.stdout
    assert (repo / "app-1.0.0.tgz").read_bytes() == pkg.read_bytes()
    assert (repo / "app-1.0.0.tgz.prov").is_file()
    entry = _index(repo)["entries"]["app"][0]
    assert entry["urls"] == ["app-1.0.0.tgz"] and len(entry["digest"]) == 64
    before = (repo / "index.yaml").read_bytes()
    again = run_cli("release", str(pkg), "--to", f"file://{repo}")
    assert again.exit_code == 0 and "skip" in again.stdout
    assert (repo / "index.yaml").read_bytes() == before  # nothing rewritten


def test_dry_run_prints_plan_and_writes_nothing(tmp_path: Path, run_cli) -> None:
    pkg = make_package(tmp_path / "dist", "app", "1.0.0")
    repo = tmp_path / "repo"
    result = run_cli("release", str(pkg), "--to", f"file://{repo}", "--dry-run", "--format", "json")
    assert result.exit_code == 0
    assert '"action": "publish"' in result.stdout and '"dry_run": true' in result.stdout
    assert not (repo / "index.yaml").exists() and not (repo / "app-1.0.0.tgz").exists()


def test_conflict_then_force(tmp_path: Path, run_cli) -> None:
    repo = tmp_path / "repo"
    original = make_package(tmp_path / "a", "app", "1.0.0", description="first")
    changed = make_package(tmp_path / "b", "app", "1.0.0", description="second")
    other = make_package(tmp_path / "b", "lib", "0.1.0")
    assert run_cli("release", str(original), "--to", f"file://{repo}").exit_code == 0
    conflict = run_cli("release", str(changed), str(other), "--to", f"file://{repo}")
    assert conflict.exit_code == 1
    assert "conflict  app 1.0.0" in conflict.stdout and "--force" in conflict.stdout
    assert (repo / "app-1.0.0.tgz").read_bytes() == original.read_bytes()
    assert not (repo / "lib-0.1.0.tgz").exists()  # a conflict anywhere stops the whole release
    forced = run_cli("release", str(changed), str(other), "--to", f"file://{repo}", "--force")
    assert forced.exit_code == 0, forced.stdout
    assert (repo / "app-1.0.0.tgz").read_bytes() == changed.read_bytes()
    assert index_versions((repo / "index.yaml").read_bytes()) == [("app", "1.0.0"), ("lib", "0.1.0")]


def test_resume_after_kill_between_upload_and_index(tmp_path: Path, run_cli_subprocess, run_cli) -> None:
    pkg = make_package(tmp_path / "dist", "app", "2.0.0", prov=True)
    killed_repo, clean_repo = tmp_path / "killed", tmp_path / "clean"
    killed = run_cli_subprocess(
        "release", str(pkg), "--to", f"file://{killed_repo}", env={"CI_HELM_TEST_FAULT": "after-upload"}
    )
    assert killed.exit_code == -9  # SIGKILL: uploaded, index never written
    assert (killed_repo / "app-2.0.0.tgz").is_file() and not (killed_repo / "index.yaml").exists()
    rerun = run_cli("release", str(pkg), "--to", f"file://{killed_repo}")
    assert rerun.exit_code == 0 and "index     app 2.0.0" in rerun.stdout
    assert run_cli("release", str(pkg), "--to", f"file://{clean_repo}").exit_code == 0
    for repo in (killed_repo, clean_repo):
        assert sorted(p.name for p in repo.iterdir() if not p.name.startswith(".")) == [
            "app-2.0.0.tgz",
            "app-2.0.0.tgz.prov",
            "index.yaml",
        ]
    strip = lambda doc: {k: v for k, v in doc["entries"]["app"][0].items() if k != "created"}  # noqa: E731
    assert strip(_index(killed_repo)) == strip(_index(clean_repo))


def test_sixteen_processes_at_once_all_indexed_once(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    pkgs = [make_package(tmp_path / "dist", f"chart{i:02d}", f"1.{i}.0") for i in range(16)]
    start_at = time.time() + 3.0
    script = (
        "import sys,time; t=float(sys.argv[1]); time.sleep(max(0,t-time.time()));"
        "from ci_helm.cli.main import main; sys.exit(main(sys.argv[2:]))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(start_at), "release", str(p), "--to", f"file://{repo}", "-q"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for p in pkgs
    ]
    codes = [p.wait(timeout=240) for p in procs]
    assert codes == [0] * 16, [p.stderr.read() for p in procs if p.stderr]
    assert index_versions((repo / "index.yaml").read_bytes()) == sorted(
        (f"chart{i:02d}", f"1.{i}.0") for i in range(16)
    )


def test_reindex_after_deleting_index_keeps_nothing_stale(tmp_path: Path, run_cli) -> None:
    repo = tmp_path / "repo"
    for v in ("1.0.0", "1.1.0"):
        assert (
            run_cli(
                "release", str(make_package(tmp_path / "d", "app", v)), "--to", f"file://{repo}"
            ).exit_code
            == 0
        )
    created = {e["version"]: e["created"] for e in _index(repo)["entries"]["app"]}
    (repo / "app-1.0.0.tgz").unlink()
    result = run_cli("repo", "reindex", f"file://{repo}")
    assert result.exit_code == 0 and "1 chart versions" in result.stdout
    assert index_versions((repo / "index.yaml").read_bytes()) == [("app", "1.1.0")]
    assert _index(repo)["entries"]["app"][0]["created"] == created["1.1.0"]  # kept
    (repo / "index.yaml").unlink()
    (repo / "notachart-1.0.0.tgz").write_bytes(b"garbage")  # skipped, as helm repo index skips it
    assert run_cli("repo", "reindex", f"file://{repo}").exit_code == 0
    assert index_versions((repo / "index.yaml").read_bytes()) == [("app", "1.1.0")]


def test_prune_keeps_newest_in_storage_and_index(tmp_path: Path, run_cli) -> None:
    repo = tmp_path / "repo"
    pkgs = [make_package(tmp_path / "d", "app", v, prov=True) for v in ("1.0.0", "1.10.0", "1.2.0", "2.0.0")]
    pkgs.append(make_package(tmp_path / "d", "lib", "0.1.0"))
    assert run_cli("release", *map(str, pkgs), "--to", f"file://{repo}").exit_code == 0
    result = run_cli("repo", "prune", f"file://{repo}", "--keep", "2", "--chart", "app")
    assert result.exit_code == 0, result.stderr
    assert index_versions((repo / "index.yaml").read_bytes()) == [
        ("app", "1.10.0"),
        ("app", "2.0.0"),
        ("lib", "0.1.0"),
    ]
    assert not (repo / "app-1.2.0.tgz").exists() and not (repo / "app-1.2.0.tgz.prov").exists()
    assert (repo / "app-2.0.0.tgz.prov").exists()
    assert run_cli("repo", "prune", f"file://{repo}").exit_code == 2  # --keep is required


def test_bad_inputs_are_one_line(tmp_path: Path, run_cli) -> None:
    missing = run_cli("release", str(tmp_path / "nope-1.0.0.tgz"), "--to", f"file://{tmp_path}/r")
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
    no_target = run_cli("release", str(make_package(tmp_path, "a", "1.0.0")))
    assert no_target.exit_code == 2 and "--to" in no_target.stderr
    bad_scheme = run_cli("release", str(make_package(tmp_path, "a", "1.0.0")), "--to", "ftp://x/y")
    assert bad_scheme.exit_code == 2 and "unsupported target" in bad_scheme.stderr
    no_branch = run_cli("release", str(make_package(tmp_path, "a", "1.0.0")), "--to", "git+https://x/y.git")
    assert no_branch.exit_code == 2 and "git+URL#BRANCH" in no_branch.stderr


def test_release_into_a_real_index_keeps_every_existing_entry(tmp_path: Path, run_cli, corpus: Path) -> None:
    """grafana's 4 MB index.yaml: ours is added, all of theirs survive byte-for-byte in content."""
    repo = tmp_path / "repo"
    repo.mkdir()
    real = (corpus / "indexes/grafana-index.yaml").read_bytes()
    (repo / "index.yaml").write_bytes(real)
    before = parse_index(real).entries
    pkg = make_package(tmp_path / "d", "ours", "0.0.1")
    result = run_cli("release", str(pkg), "--to", f"file://{repo}", "--url", "https://charts.example/ours")
    assert result.exit_code == 0, result.stderr
    after = parse_index((repo / "index.yaml").read_bytes()).entries
    assert after["ours"][0]["urls"] == ["https://charts.example/ours/ours-0.0.1.tgz"]
    assert {k: v for k, v in after.items() if k != "ours"} == before


def test_demo_stage_releases_reruns_and_serves(tmp_path: Path, corpus: Path) -> None:
    from dataclasses import dataclass, field

    from ci_helm.demo_release import release_examples

    @dataclass
    class Ctx:
        examples: list[Path]
        workdir: Path
        env: dict[str, str] = field(default_factory=lambda: {**os.environ, "PYTHONPATH": str(REPO_ROOT)})

        def ci_helm(self, *args: str, timeout: float = 300) -> str:
            proc = subprocess.run([sys.executable, "-m", "ci_helm", *args], capture_output=True, text=True,
                                  env=self.env, timeout=timeout, check=True)  # fmt: skip
            return proc.stdout

    charts = [corpus / "charts/helm-examples/hello-world", corpus / "charts/bjw-s/common"]
    lines = release_examples(Ctx(charts, tmp_path))
    assert lines[:2] == ["published hello-world 0.1.0", "published common 4.0.1"]
    assert lines[2] == "rerun: 2 of 2 skipped as already published (same digest)"
    assert lines[3].endswith("2 files fetched over HTTP")
