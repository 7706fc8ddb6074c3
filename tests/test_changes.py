"""Change detection on real git repositories: merge-base, depth, subcharts, file:// users, ignores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ci_helm.adapters.git import GitCli
from ci_helm.changes import ChangeOptions, detect, versions_at
from ci_helm.chart.helmignore import parse_rules
from ci_helm.errors import GitError
from tests.support.gitrepo import Repo, chart_yaml, git

FILES = {
    "charts/a/Chart.yaml": chart_yaml("a", "1.0.0"),
    "charts/a/values.yaml": "replicas: 1\n",
    "charts/a/templates/deploy.yaml": "kind: Deployment\n",
    "charts/a/README.md": "# a\n",
    "charts/a/.helmignore": "*.md\ndocs/\n",
    "charts/parent/Chart.yaml": chart_yaml("parent", "2.0.0"),
    "charts/parent/charts/sub/Chart.yaml": chart_yaml("sub", "0.1.0"),
    "charts/parent/charts/sub/values.yaml": "x: 1\n",
    "charts/lib/Chart.yaml": chart_yaml("lib", "0.3.0"),
    "charts/lib/templates/_helpers.tpl": '{{- define "lib.name" -}}lib{{- end -}}\n',
    "charts/app/Chart.yaml": chart_yaml("app", "1.1.0", [("lib", "file://../lib")]),
    "charts/top/Chart.yaml": chart_yaml("top", "3.0.0", [("app", "file://../app")]),
    "charts/legacy/Chart.yaml": chart_yaml("legacy", "0.0.1"),
    "other/deep/nested/c/Chart.yaml": chart_yaml("c", "1.0.0"),
    "docs/guide.md": "guide\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo.create(tmp_path, FILES)
    r.branch("feature")
    return r


def changed(repo: Repo, **options: object) -> dict[str, str]:
    result = detect(GitCli(repo.path), ChangeOptions(**options))  # type: ignore[arg-type]
    return {c.path: c.status for c in result.charts}


def test_no_change_lists_nothing(repo: Repo) -> None:
    assert changed(repo) == {}


def test_template_change_lists_its_chart_with_versions(repo: Repo) -> None:
    repo.write("charts/a/templates/deploy.yaml", "kind: StatefulSet\n")
    repo.write("charts/a/Chart.yaml", chart_yaml("a", "1.0.1"))
    repo.commit("a: statefulset")
    result = detect(GitCli(repo.path), ChangeOptions())
    (chart,) = result.charts
    assert (chart.path, chart.name, chart.version, chart.base_version, chart.status) == (
        "charts/a",
        "a",
        "1.0.1",
        "1.0.0",
        "modified",
    )
    assert chart.files == ("charts/a/Chart.yaml", "charts/a/templates/deploy.yaml")
    assert chart.version_increased() is True
    assert result.base.ref == "origin/main"


def test_charts_at_any_depth_and_in_several_chart_dirs(repo: Repo) -> None:
    repo.write("other/deep/nested/c/values.yaml", "a: 1\n")
    repo.write("charts/a/values.yaml", "replicas: 2\n")
    repo.commit("two charts")
    assert changed(repo) == {"charts/a": "modified", "other/deep/nested/c": "modified"}
    assert changed(repo, chart_dirs=("charts",)) == {"charts/a": "modified"}
    assert changed(repo, chart_dirs=("charts", "other")) == {
        "charts/a": "modified",
        "other/deep/nested/c": "modified",
    }


def test_excluded_charts_by_name_path_or_glob(repo: Repo) -> None:
    repo.write("charts/legacy/values.yaml", "a: 1\n")
    repo.write("charts/a/values.yaml", "b: 1\n")
    repo.commit("legacy")
    assert changed(repo, excluded_charts=("legacy",)) == {"charts/a": "modified"}
    assert changed(repo, excluded_charts=("charts/legacy",)) == {"charts/a": "modified"}
    assert changed(repo, excluded_charts=("charts/leg*",)) == {"charts/a": "modified"}


def test_vendored_subchart_change_counts_for_the_parent(repo: Repo) -> None:
    repo.write("charts/parent/charts/sub/values.yaml", "x: 2\n")
    repo.commit("sub")
    assert changed(repo) == {"charts/parent": "modified"}


def test_file_dependency_change_reaches_its_users_transitively(repo: Repo) -> None:
    repo.write("charts/lib/templates/_helpers.tpl", '{{- define "lib.name" -}}lib2{{- end -}}\n')
    repo.commit("lib")
    result = detect(GitCli(repo.path), ChangeOptions())
    assert {c.path for c in result.charts} == {"charts/lib", "charts/app", "charts/top"}
    reasons = {c.path: c.reasons for c in result.charts}
    assert reasons["charts/app"] == ("uses charts/lib (file://../lib)",)
    assert reasons["charts/top"] == ("uses charts/app (file://../app)",)
    # an excluded library is not listed, but its users still are
    assert changed(repo, excluded_charts=("lib",)) == {"charts/app": "modified", "charts/top": "modified"}


def test_helmignored_change_counts_only_without_honor_helmignore(repo: Repo) -> None:
    repo.write("charts/a/README.md", "# a, better\n")
    repo.write("charts/a/docs/notes.txt", "notes\n")
    repo.commit("docs")
    assert changed(repo) == {"charts/a": "modified"}
    result = detect(GitCli(repo.path), ChangeOptions(honor_helmignore=True))
    assert result.charts == ()
    assert result.ignored_files == ("charts/a/README.md", "charts/a/docs/notes.txt")


def test_readme_only_change_ignored_by_glob(repo: Repo) -> None:
    repo.write("charts/lib/README.md", "lib\n")
    repo.commit("readme")
    assert changed(repo) == {
        "charts/lib": "modified",
        "charts/app": "modified",
        "charts/top": "modified",
    }
    assert changed(repo, ignore_globs=("**/README.md",)) == {}


def test_deleted_chart_is_removed_not_listed(repo: Repo) -> None:
    repo.remove("charts/legacy")
    repo.commit("drop legacy")
    result = detect(GitCli(repo.path), ChangeOptions())
    assert [(c.path, c.status, c.base_version) for c in result.charts] == [
        ("charts/legacy", "removed", "0.0.1")
    ]
    assert result.listed() == []


def test_removed_dependency_still_flags_its_user(repo: Repo) -> None:
    repo.remove("charts/lib")
    repo.commit("drop lib")
    assert changed(repo) == {"charts/lib": "removed", "charts/app": "modified", "charts/top": "modified"}


def test_new_chart_is_added(repo: Repo) -> None:
    repo.write("charts/new/Chart.yaml", chart_yaml("new", "0.1.0"))
    repo.commit("new")
    result = detect(GitCli(repo.path), ChangeOptions())
    assert [(c.path, c.status, c.base_version) for c in result.charts] == [("charts/new", "added", None)]


def test_rename_between_charts_touches_both(repo: Repo) -> None:
    repo.git("mv", "charts/a/values.yaml", "other/deep/nested/c/values-from-a.yaml")
    repo.commit("move")
    assert changed(repo) == {"charts/a": "modified", "other/deep/nested/c": "modified"}


def test_compares_with_merge_base_not_the_target_tip(repo: Repo) -> None:
    repo.write("charts/a/values.yaml", "replicas: 3\n")
    repo.commit("feature: a")
    repo.checkout("main")
    repo.write("charts/lib/values.yaml", "main moved on\n")
    repo.write("charts/a/Chart.yaml", chart_yaml("a", "1.5.0"))
    repo.commit("main: lib")
    repo.git("push", "-q", "origin", "main")
    repo.checkout("feature")
    result = detect(GitCli(repo.path), ChangeOptions())
    (chart,) = result.charts
    assert chart.path == "charts/a"
    assert (chart.base_version, chart.target_version) == ("1.0.0", "1.5.0")


def test_uncommitted_changes_count_only_when_asked(repo: Repo) -> None:
    repo.write("charts/a/values.yaml", "dirty: true\n")
    repo.write("charts/untracked/Chart.yaml", chart_yaml("untracked"))
    assert changed(repo) == {}
    assert changed(repo, include_uncommitted=True) == {"charts/a": "modified", "charts/untracked": "added"}


def test_since_ref(repo: Repo) -> None:
    repo.write("charts/a/values.yaml", "one\n")
    repo.commit("one")
    repo.git("tag", "v1")
    repo.write("charts/lib/values.yaml", "two\n")
    repo.commit("two")
    assert changed(repo, since="v1") == {
        "charts/lib": "modified",
        "charts/app": "modified",
        "charts/top": "modified",
    }
    with pytest.raises(GitError, match="--since nope: no such revision"):
        changed(repo, since="nope")


def test_no_remote_falls_back_to_local_branch(repo: Repo) -> None:
    repo.git("remote", "remove", "origin")
    repo.write("charts/a/values.yaml", "x\n")
    repo.commit("a")
    result = detect(GitCli(repo.path), ChangeOptions())
    assert result.base.ref == "main"
    assert [c.path for c in result.charts] == ["charts/a"]


def test_missing_target_branch_says_what_to_fetch(repo: Repo) -> None:
    with pytest.raises(
        GitError, match="origin/develop not found: run `git fetch origin develop:refs/remotes/origin/develop`"
    ):
        changed(repo, target_branch="develop")


def test_missing_remote_branch_fetched_with_fetch(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(
        tmp_path,
        "clone",
        "-q",
        "--single-branch",
        "--branch",
        "main",
        str(tmp_path / "origin.git"),
        str(clone),
    )
    repo.write("charts/a/values.yaml", "x\n")
    repo.commit("a")
    repo.git("push", "-q", "origin", "feature")
    git(clone, "fetch", "-q", "origin", "feature")
    git(clone, "checkout", "-q", "FETCH_HEAD")
    git(clone, "update-ref", "-d", "refs/remotes/origin/main")
    with pytest.raises(GitError, match="git fetch origin main:refs/remotes/origin/main"):
        detect(GitCli(clone), ChangeOptions())
    result = detect(GitCli(clone), ChangeOptions(fetch=True))
    assert [c.path for c in result.charts] == ["charts/a"]


@pytest.fixture
def shallow(repo: Repo, tmp_path: Path) -> Path:
    """A depth-1 clone of a feature branch two commits ahead of main (what CI checkouts give)."""
    repo.write("charts/a/values.yaml", "x\n")
    repo.commit("a")
    repo.write("charts/parent/values.yaml", "y\n")
    repo.commit("parent")
    repo.git("push", "-q", "origin", "feature")
    clone = tmp_path / "shallow"
    url = (tmp_path / "origin.git").as_uri()
    git(tmp_path, "clone", "-q", "--depth", "1", "--no-single-branch", url, str(clone))
    git(clone, "checkout", "-q", "feature")
    return clone


def test_shallow_clone_is_an_error_that_says_unshallow(shallow: Path) -> None:
    assert GitCli(shallow).is_shallow()
    with pytest.raises(GitError, match=r"shallow clone.*`git fetch --unshallow origin`"):
        detect(GitCli(shallow), ChangeOptions())


def test_fetch_unshallows_and_gets_it_right(shallow: Path) -> None:
    result = detect(GitCli(shallow), ChangeOptions(fetch=True))
    assert [c.path for c in result.charts] == ["charts/a", "charts/parent"]
    assert not GitCli(shallow).is_shallow()


def test_versions_at_a_revision(repo: Repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    repo.write("charts/a/Chart.yaml", chart_yaml("a", "2.0.0"))
    repo.commit("bump")
    assert versions_at(GitCli(repo.path), base, ["charts/a", "charts/nope"]) == {
        "charts/a": "1.0.0",
        "charts/nope": None,
    }


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not inside a git repository"):
        GitCli.discover(tmp_path)


@pytest.mark.parametrize(
    ("rules", "path", "ignored"),
    [
        ("*.md", "README.md", True),
        ("*.md", "docs/x.md", True),  # no slash: base name at any depth
        ("docs/", "docs/x.txt", True),
        ("docs/", "docs", False),  # a file named docs is not the directory
        ("/ci", "ci/x-values.yaml", True),
        ("/ci", "sub/ci/x", False),
        ("templates/*.txt", "templates/NOTES.txt", True),
        ("templates/*.txt", "templates/a/b.txt", False),  # * stops at /
        ("", "templates/.hidden.yaml", True),  # Helm's built-in rule
        ("!keep.yaml", "values.yaml", True),  # Helm's negation quirk
        ("**/x", "x", False),  # Helm rejects **: nothing is ignored by it
    ],
)
def test_helmignore_follows_helm(rules: str, path: str, ignored: bool) -> None:
    assert parse_rules(rules, skip_bad=True).ignores_file(path) is ignored


def test_chart_at_the_repository_root(tmp_path: Path) -> None:
    repo = Repo.create(tmp_path, {"Chart.yaml": chart_yaml("root", "1.0.0"), "templates/a.yaml": "a: 1\n"})
    repo.branch("feature")
    repo.write("templates/a.yaml", "a: 2\n")
    repo.write(".github/charts/ci-fixture/Chart.yaml", chart_yaml("fixture"))
    repo.commit("root change")
    result = detect(GitCli(repo.path), ChangeOptions())
    assert [(c.path, c.name, c.files) for c in result.charts] == [
        (".", "root", (".github/charts/ci-fixture/Chart.yaml", "templates/a.yaml"))
    ]


def test_read_many_matches_read_for_unicode_binary_and_missing_files(repo: Repo) -> None:
    repo.write("charts/a/Chart.yaml", chart_yaml("a", "1.0.0") + "description: café ☕\n")
    (repo.path / "charts/a/latin1.txt").write_bytes(b"caf\xe9\n")
    (repo.path / "charts/a/blob.bin").write_bytes(bytes(range(256)))
    repo.commit("odd files")
    git_repo = GitCli(repo.path)
    names = ["charts/a/Chart.yaml", "charts/a/nope.yaml", "charts/a/values.yaml"]
    assert git_repo.read_many("HEAD", names) == {n: git_repo.read("HEAD", n) for n in names}
    assert git_repo.read_many("HEAD", names)["charts/a/nope.yaml"] is None
    assert "café ☕".encode() in (git_repo.read_many("HEAD", names)["charts/a/Chart.yaml"] or b"")
    # not UTF-8: falls back to one read per file instead of misparsing
    odd = git_repo.read_many("HEAD", ["charts/a/latin1.txt", "charts/a/Chart.yaml"])
    assert odd["charts/a/Chart.yaml"] == git_repo.read("HEAD", "charts/a/Chart.yaml")
    result = detect(git_repo, ChangeOptions())
    assert [(c.path, c.version) for c in result.charts] == [("charts/a", "1.0.0")]


@pytest.mark.parametrize("depth", ["1", None])
def test_following_the_hints_literally_fixes_a_ci_checkout(
    repo: Repo, tmp_path: Path, depth: str | None
) -> None:
    """A CI-style checkout (one branch, maybe depth 1): run exactly the commands the errors name."""
    repo.write("charts/a/values.yaml", "x\n")
    repo.commit("a")
    repo.git("push", "-q", "origin", "feature")
    clone = tmp_path / "ci"
    url = (tmp_path / "origin.git").as_uri()
    git(
        tmp_path,
        "clone",
        "-q",
        *(["--depth", depth] if depth else []),
        "--branch",
        "feature",
        url,
        str(clone),
    )
    for _ in range(3):
        try:
            result = detect(GitCli(clone), ChangeOptions())
            break
        except GitError as exc:
            command = re.search(r"run `(git [^`]+)`", str(exc))
            assert command is not None, str(exc)
            git(clone, *command.group(1).split()[1:])
    else:
        pytest.fail("the hints did not converge")
    assert [c.path for c in result.charts] == ["charts/a"]


def test_odd_file_names_survive(repo: Repo) -> None:
    repo.write('charts/a/templates/we ird ☃,"q".yaml', "a: 1\n")
    repo.git("mv", "charts/lib/templates/_helpers.tpl", "charts/lib/templates/help ers.tpl")
    repo.commit("odd names")
    result = detect(GitCli(repo.path), ChangeOptions())
    files = {c.path: c.files for c in result.charts}
    assert files["charts/a"] == ('charts/a/templates/we ird ☃,"q".yaml',)
    assert files["charts/lib"] == ("charts/lib/templates/_helpers.tpl", "charts/lib/templates/help ers.tpl")
