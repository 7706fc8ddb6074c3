"""``ci-helm repo serve`` as a Helm repository and a ChartMuseum-compatible upload target."""

from __future__ import annotations

import subprocess
from pathlib import Path

import requests

from tests.support.chartpkg import make_package
from tests.support.releasing import index_versions
from tests.support.reposerver import serve

TOKEN = "upl0ad-t0ken-Secret-8a7b"


def test_upload_skip_conflict_force_and_helm_pull(tmp_path: Path, run_cli, helm_oracle: Path) -> None:
    root = tmp_path / "served"
    pkg = make_package(tmp_path / "a", "web", "1.0.0", prov=True)
    with serve(root, "--upload-token", TOKEN) as url:
        first = run_cli("release", str(pkg), "--to", url, "--token", TOKEN)
        assert first.exit_code == 0, first.stderr
        assert (root / "web-1.0.0.tgz").read_bytes() == pkg.read_bytes()
        assert (root / "web-1.0.0.tgz.prov").read_bytes() == pkg.with_name(pkg.name + ".prov").read_bytes()
        assert "skip" in run_cli("release", str(pkg), "--to", url, "--token", TOKEN).stdout
        changed = make_package(tmp_path / "b", "web", "1.0.0", description="changed")
        conflict = run_cli("release", str(changed), "--to", url, "--token", TOKEN)
        assert conflict.exit_code == 1 and "conflict" in conflict.stdout
        assert run_cli("release", str(changed), "--to", url, "--token", TOKEN, "--force").exit_code == 0
        assert (root / "web-1.0.0.tgz").read_bytes() == changed.read_bytes()

        helm_env = {"HELM_CONFIG_HOME": str(tmp_path / "hc"), "HELM_CACHE_HOME": str(tmp_path / "hcache")}
        helm = [str(helm_oracle)]
        (tmp_path / "pulled").mkdir()
        subprocess.run([*helm, "repo", "add", "local", url], check=True, env=_env(helm_env))
        subprocess.run(
            [*helm, "pull", "local/web", "--version", "1.0.0", "-d", str(tmp_path / "pulled")],
            check=True,
            env=_env(helm_env),
        )
        assert (tmp_path / "pulled" / "web-1.0.0.tgz").read_bytes() == changed.read_bytes()
        assert requests.get(f"{url}/web-1.0.0.tgz.prov", timeout=5).status_code == 200


def test_wrong_token_read_only_and_secret_never_printed(tmp_path: Path, run_cli) -> None:
    pkg = make_package(tmp_path, "web", "1.0.0")
    with serve(tmp_path / "ro") as url:
        refused = run_cli("release", str(pkg), "--to", url, "--token", TOKEN)
        assert refused.exit_code == 2 and "authentication failed (HTTP 403)" in refused.stderr
    with serve(tmp_path / "rw", "--upload-token", TOKEN) as url:
        wrong = run_cli("release", str(pkg), "--to", url, "--token", "not-the-token-xyz", "--debug")
        assert wrong.exit_code == 2
        assert wrong.stderr.strip().count("\n") == 0 and "authentication failed (HTTP 401)" in wrong.stderr
        assert "not-the-token-xyz" not in wrong.stdout + wrong.stderr
        assert not (tmp_path / "rw" / "web-1.0.0.tgz").exists()
        basic = run_cli("release", str(pkg), "--to", url, "--username", "ci", "--password", TOKEN)
        assert basic.exit_code == 0, basic.stderr  # basic auth with the token as password works too
        assert (tmp_path / "rw" / "web-1.0.0.tgz").is_file()
        shown = run_cli("config", "print", "--token", TOKEN)
        assert TOKEN not in shown.stdout + shown.stderr


def test_delete_via_prune_and_unreachable(tmp_path: Path, run_cli) -> None:
    root = tmp_path / "served"
    pkgs = [make_package(tmp_path, "web", v) for v in ("1.0.0", "1.1.0", "2.0.0")]
    with serve(root, "--upload-token", TOKEN) as url:
        assert run_cli("release", *map(str, pkgs), "--to", url, "--token", TOKEN).exit_code == 0
        assert run_cli("repo", "prune", url, "--keep", "1", "--token", TOKEN).exit_code == 0
        assert index_versions((root / "index.yaml").read_bytes()) == [("web", "2.0.0")]
        assert sorted(p.name for p in root.glob("*.tgz")) == ["web-2.0.0.tgz"]
        assert requests.get(f"{url}/../index.yaml", timeout=5).status_code in (200, 404)
        assert requests.get(f"{url}/.ci-helm.lock", timeout=5).status_code == 404
    dead = run_cli("release", str(pkgs[0]), "--to", "http://127.0.0.1:9", "--token", TOKEN)
    assert dead.exit_code == 1 and "cannot reach the server" in dead.stderr
    assert dead.stderr.count("\n") == 1


def _env(extra: dict[str, str]) -> dict[str, str]:
    import os

    return {**os.environ, **extra}


def test_sixteen_concurrent_uploads_all_indexed_once(tmp_path: Path) -> None:
    from ci_helm.publish.targets import TargetOptions
    from tests.support.releasing import race, release_now

    root = tmp_path / "served"
    pkgs = [make_package(tmp_path / "d", f"u{i:02d}", "1.0.0", prov=True) for i in range(16)]
    with serve(root, "--upload-token", TOKEN) as url:
        reports = race([lambda p=p: release_now(p, url, TargetOptions(token=TOKEN)) for p in pkgs])
        assert all(not r.failed for r in reports), [t.error for r in reports for t in r.targets]
        listed = requests.get(f"{url}/api/charts", timeout=5).json()
    assert index_versions((root / "index.yaml").read_bytes()) == [(f"u{i:02d}", "1.0.0") for i in range(16)]
    assert sorted(listed) == [f"u{i:02d}" for i in range(16)]
    assert len(list(root.glob("*.prov"))) == 16
