"""Chart selection shared by lint/test/package/release: explicit, --all, --changed, base versions."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ci_helm.cli.chart_selection import SELECTION_SETTINGS, find_all_charts, select_charts, versions_on_base
from ci_helm.cli.common import GLOBAL_SETTINGS
from ci_helm.cli.context import Context, Output
from ci_helm.errors import GitError, UsageError
from ci_helm.settings import resolve
from tests.support.gitrepo import Repo, chart_yaml


def make_ctx(cwd: Path, **flags: object) -> Context:
    settings = resolve(GLOBAL_SETTINGS + SELECTION_SETTINGS, flags=flags, environ={}, file_data={})
    return Context(
        settings=settings, out=Output(stdout=io.StringIO(), stderr=io.StringIO()), environ={}, cwd=cwd
    )


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo.create(
        tmp_path,
        {
            "charts/a/Chart.yaml": chart_yaml("a", "1.0.0"),
            "charts/a/charts/sub/Chart.yaml": chart_yaml("sub"),
            "charts/b/Chart.yaml": chart_yaml("b", "2.0.0"),
            "deploy/x/y/c/Chart.yaml": chart_yaml("c"),
            ".hidden/d/Chart.yaml": chart_yaml("d"),
        },
    )
    r.branch("feature")
    r.write("charts/b/Chart.yaml", chart_yaml("b", "2.1.0"))
    r.write("charts/new/Chart.yaml", chart_yaml("new", "0.1.0"))
    r.commit("bump b, add new")
    return r


def test_explicit_charts_win(repo: Repo) -> None:
    selection = select_charts(make_ctx(repo.path), ["charts/a"])
    assert (selection.mode, selection.charts, selection.changes) == ("explicit", [Path("charts/a")], None)


def test_all_finds_every_top_level_chart(repo: Repo) -> None:
    selection = select_charts(make_ctx(repo.path, all=True), [])
    assert selection.charts == [Path(p) for p in ("charts/a", "charts/b", "charts/new", "deploy/x/y/c")]
    ctx = make_ctx(repo.path / "charts", chart_dirs=["."], excluded_charts=["new"])
    assert find_all_charts(ctx) == [Path("a"), Path("b")]


def test_changed_is_the_default_and_carries_base_versions(repo: Repo) -> None:
    selection = select_charts(make_ctx(repo.path), [])
    assert selection.mode == "changed"
    assert selection.charts == [Path("charts/b"), Path("charts/new")]
    assert selection.changes is not None
    assert {c.path: c.base_version for c in selection.changes.charts} == {
        "charts/b": "2.0.0",
        "charts/new": None,
    }


def test_conflicting_modes(repo: Repo) -> None:
    with pytest.raises(UsageError, match="not several"):
        select_charts(make_ctx(repo.path, all=True), ["charts/a"])
    with pytest.raises(UsageError, match="exclude each other"):
        select_charts(make_ctx(repo.path, all=True, changed=True), [])
    with pytest.raises(UsageError, match="does not exist"):
        select_charts(make_ctx(repo.path, all=True, chart_dirs=["nope"]), [])


def test_versions_on_base_for_named_charts(repo: Repo) -> None:
    base, versions = versions_on_base(make_ctx(repo.path / "charts"), [Path("a"), Path("b"), Path("new")])
    assert base.ref == "origin/main"
    assert versions == {Path("a"): "1.0.0", Path("b"): "2.0.0", Path("new"): None}


def test_outside_git_the_default_says_how_to_choose(tmp_path: Path) -> None:
    with pytest.raises(
        GitError, match=r"not inside a git repository .*\(or name the charts, or pass --all\)"
    ):
        select_charts(make_ctx(tmp_path), [])
    with pytest.raises(GitError) as asked:
        select_charts(make_ctx(tmp_path, changed=True), [])
    assert "--all" not in str(asked.value)
