"""``github://OWNER/REPO``: release assets on a fake GitHub API, index.yaml on a local Pages remote."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from ci_helm.publish.notes import changelog_section, release_notes
from tests.support.chartpkg import make_package
from tests.support.fakegithub import GITHUB_TOKEN, FakeGitHub
from tests.support.gitremote import bare_repo, read_file
from tests.support.releasing import index_versions
from tests.support.reposerver import serve

CHANGES = "  artifacthub.io/changes: |\n    - kind: added\n      description: TLS support\n"


def _args(gh: FakeGitHub, pages: Path) -> list[str]:
    return ["--to", "github://acme/charts", "--api-url", gh.api, "--pages-remote", f"file://{pages}"]


def test_release_assets_notes_index_and_helm_pull(
    tmp_path: Path, run_cli, fake_github: FakeGitHub, helm_oracle: Path
) -> None:
    pages = bare_repo(tmp_path / "pages.git")
    pkg = make_package(tmp_path / "d", "web", "1.4.0", annotations=CHANGES, prov=True)
    env = {"GITHUB_TOKEN": GITHUB_TOKEN}
    result = run_cli("release", str(pkg), *_args(fake_github, pages), env=env)
    assert result.exit_code == 0, result.stderr
    release = fake_github.by_tag("web-1.4.0")
    assert release is not None and release["body"] == "- **Added**: TLS support\n"
    assert sorted(a["name"] for a in release["assets"]) == ["web-1.4.0.tgz", "web-1.4.0.tgz.prov"]
    index = read_file(pages, "gh-pages", "index.yaml")
    assert index_versions(index) == [("web", "1.4.0")]
    assert f"{fake_github.url}/acme/charts/releases/download/web-1.4.0/web-1.4.0.tgz".encode() in index
    assert "skip" in run_cli("release", str(pkg), *_args(fake_github, pages), env=env).stdout
    assert len(fake_github.by_tag("web-1.4.0")["assets"]) == 2  # nothing uploaded twice

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.yaml").write_bytes(index)
    helm_env = {
        **os.environ,
        "HELM_CONFIG_HOME": str(tmp_path / "hc"),
        "HELM_CACHE_HOME": str(tmp_path / "hcc"),
    }
    with serve(site) as url:
        subprocess.run(
            [str(helm_oracle), "repo", "add", "gh", url], check=True, env=helm_env, capture_output=True
        )
        pulled = subprocess.run(
            [str(helm_oracle), "pull", "gh/web", "--version", "1.4.0", "-d", str(tmp_path)],
            env=helm_env, capture_output=True, text=True, check=False,
        )  # fmt: skip
    assert pulled.returncode == 0, pulled.stderr
    assert (tmp_path / "web-1.4.0.tgz").read_bytes() == pkg.read_bytes()


def test_resume_after_kill_and_prune(
    tmp_path: Path, run_cli, run_cli_subprocess, fake_github: FakeGitHub
) -> None:
    pages = bare_repo(tmp_path / "pages.git")
    old = make_package(tmp_path / "d", "web", "1.0.0")
    new = make_package(tmp_path / "d", "web", "2.0.0")
    env = {"CI_HELM_GITHUB_TOKEN": GITHUB_TOKEN}
    killed = run_cli_subprocess(
        "release", str(old), *_args(fake_github, pages), env={**env, "CI_HELM_TEST_FAULT": "after-upload"}
    )
    assert killed.exit_code == -9 and fake_github.by_tag("web-1.0.0") is not None
    resumed = run_cli("release", str(old), str(new), *_args(fake_github, pages), env=env)
    assert resumed.exit_code == 0 and "index     web 1.0.0" in resumed.stdout, resumed.stdout + resumed.stderr
    assert index_versions(read_file(pages, "gh-pages", "index.yaml")) == [("web", "1.0.0"), ("web", "2.0.0")]
    pruned = run_cli("repo", "prune", "github://acme/charts", "--keep", "1", "--api-url", fake_github.api,
                     "--pages-remote", f"file://{pages}", env=env)  # fmt: skip
    assert pruned.exit_code == 0, pruned.stderr
    assert fake_github.by_tag("web-1.0.0") is None
    assert index_versions(read_file(pages, "gh-pages", "index.yaml")) == [("web", "2.0.0")]
    reindexed = run_cli("repo", "reindex", "github://acme/charts", "--api-url", fake_github.api,
                        "--pages-remote", f"file://{pages}", env=env)  # fmt: skip
    assert reindexed.exit_code == 0 and "1 chart versions" in reindexed.stdout


def test_bad_token_one_line_and_never_shown(tmp_path: Path, run_cli, fake_github: FakeGitHub) -> None:
    pages = bare_repo(tmp_path / "pages.git")
    pkg = make_package(tmp_path, "web", "1.0.0")
    result = run_cli(
        "release", str(pkg), *_args(fake_github, pages), "--github-token", "ghp_wrongWrongWrong", "--debug"
    )
    assert result.exit_code == 2 and "authentication failed (HTTP 401)" in result.stderr
    assert "ghp_wrongWrongWrong" not in result.stdout + result.stderr
    assert fake_github.releases == {}


def test_release_notes_sources() -> None:
    changelog = "# Changelog\n\n## [1.1.0] - 2026-01-02\n- fixed probes\n\n## [1.0.0]\n- first\n"
    assert changelog_section(changelog, "1.1.0") == "- fixed probes\n"
    assert release_notes({"name": "a", "version": "1.0.0"}, changelog) == "- first\n"
    assert release_notes({"name": "a", "version": "9.0.0", "description": "d"}, changelog) == "d\n"
