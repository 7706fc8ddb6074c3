"""The pure core of change detection against an in-memory GitRepo (no git process)."""

from __future__ import annotations

import pytest

from ci_helm.changes import ChangeOptions, detect
from ci_helm.errors import GitError
from tests.support.fakegit import FakeGitRepo
from tests.support.gitrepo import chart_yaml

BASE = {
    "charts/a/Chart.yaml": chart_yaml("a", "1.0.0", [("b", "file://../b")]),
    "charts/b/Chart.yaml": chart_yaml("b", "1.0.0", [("a", "file://../a")]),  # a cycle
    "charts/c/Chart.yaml": chart_yaml("c", "1.0.0", [("lib", "file://../../libs/lib")]),
    "libs/lib/Chart.yaml": chart_yaml("lib", "0.1.0"),
    "charts/v1/Chart.yaml": "apiVersion: v1\nname: v1\nversion: 0.1.0\n",
    "charts/v1/requirements.yaml": "dependencies:\n- name: lib\n  repository: file://../../libs/lib\n",
    "charts/broken/Chart.yaml": "name: [broken\n",
    "charts/outside/Chart.yaml": chart_yaml("outside", "1.0.0", [("x", "file://../../../elsewhere")]),
}


def fake(head: dict[str, str]) -> FakeGitRepo:
    return FakeGitRepo(
        commits={"base": BASE, "head": head},
        refs={"HEAD": "head", "origin/main": "base"},
        parents={"head": "base"},
    )


def listed(repo: FakeGitRepo, **options: object) -> dict[str, tuple[str, ...]]:
    result = detect(repo, ChangeOptions(**options))  # type: ignore[arg-type]
    return {c.path: c.reasons for c in result.charts}


def test_file_dependency_cycles_terminate() -> None:
    assert listed(fake({**BASE, "charts/a/values.yaml": "x: 1\n"})) == {
        "charts/a": ("1 file changed",),
        "charts/b": ("uses charts/a (file://../a)",),
    }


def test_library_outside_chart_dirs_reaches_v2_and_v1_users() -> None:
    head = {**BASE, "libs/lib/templates/_x.tpl": "x"}
    assert listed(fake(head), chart_dirs=("charts",)) == {
        "charts/c": ("uses libs/lib (file://../../libs/lib)",),
        "charts/v1": ("uses libs/lib (file://../../libs/lib)",),
    }


def test_broken_chart_yaml_is_still_listed() -> None:
    result = detect(fake({**BASE, "charts/broken/values.yaml": "a: 1\n"}), ChangeOptions())
    (chart,) = result.charts
    assert (chart.path, chart.name, chart.version) == ("charts/broken", "broken", "")
    assert chart.version_increased() is None


def test_dependency_outside_the_repository_adds_no_edge() -> None:
    assert listed(fake({**BASE, "charts/outside/values.yaml": "a: 1\n"})) == {
        "charts/outside": ("1 file changed",)
    }


def test_files_outside_charts_are_reported_as_unowned() -> None:
    result = detect(
        fake({**BASE, "README.md": "x", ".github/workflows/ci.yaml": "on: push"}), ChangeOptions()
    )
    assert result.charts == ()
    assert result.unowned_files == (".github/workflows/ci.yaml", "README.md")


def test_version_comparison() -> None:
    head = {**BASE, "charts/a/Chart.yaml": chart_yaml("a", "1.0.0-rc.1", [("b", "file://../b")])}
    (a, _) = detect(fake(head), ChangeOptions()).charts
    assert (a.version, a.base_version, a.version_increased()) == ("1.0.0-rc.1", "1.0.0", False)


def test_fetch_brings_the_missing_target_branch() -> None:
    repo = fake({**BASE, "charts/a/values.yaml": "x"})
    del repo.refs["origin/main"]
    repo.on_fetch = {"origin/main": "base"}
    with pytest.raises(GitError, match="origin/main not found"):
        detect(repo, ChangeOptions())
    assert repo.fetched == []
    assert "charts/a" in listed(repo, fetch=True)
    assert repo.fetched == [("origin", "main", False)]


def test_fetch_unshallows_when_history_is_cut() -> None:
    repo = fake({**BASE, "charts/a/values.yaml": "x"})
    repo.shallow = True
    with pytest.raises(GitError, match="shallow clone"):
        detect(repo, ChangeOptions())
    assert "charts/a" in listed(repo, fetch=True)
    assert repo.fetched == [("origin", "main", True)]


def test_unrelated_histories() -> None:
    repo = fake(BASE)
    repo.parents = {}
    with pytest.raises(GitError, match="no common history"):
        detect(repo, ChangeOptions())
