"""`ci-helm repo index` and the index library: Helm's entries, untouched merges, hostile input refused."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from ci_helm.errors import ExitCode
from ci_helm.repoindex import add_entry, load_index, merge_indexes, serialize_index, sort_entries
from ci_helm.repoindex.emit import scalar
from tests.support.httpserver import serve

PACKAGED = [
    "helm-examples/hello-world",
    "grafana/rollout-operator",
    "helm-charts-stable/mysql",
    "helm-charts-stable/airflow",  # v1: dependencies come from requirements.yaml
    "bjw-s/common",
]


def helm(
    helm_oracle: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(helm_oracle), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def without_created(doc: dict) -> dict:  # type: ignore[type-arg]
    return {
        name: [{k: v for k, v in e.items() if k != "created"} for e in versions]
        for name, versions in doc["entries"].items()
    }


@pytest.fixture
def packages(run_cli, corpus: Path, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path / "repo"
    charts = [str(corpus / "charts" / c) for c in PACKAGED]
    assert run_cli("package", *charts[:4], "-d", str(out)).exit_code == 0
    # one level down, as Helm scans
    assert run_cli("package", charts[4], "-d", str(out / "library")).exit_code == 0
    assert run_cli("package", charts[0], "-d", str(out), "--version", "0.2.0-rc.1").exit_code == 0
    return out


@pytest.mark.parametrize("url", [None, "https://charts.example.com/stable/"])
def test_same_entries_as_helm_repo_index(
    run_cli, packages: Path, helm_oracle: Path, tmp_path: Path, url: str | None
) -> None:  # type: ignore[no-untyped-def]
    theirs_dir = tmp_path / "theirs"
    shutil.copytree(packages, theirs_dir)
    extra = ["--url", url] if url else []
    result = run_cli("repo", "index", str(packages), *extra)
    assert result.exit_code == 0, result.stderr
    assert helm(helm_oracle, "repo", "index", str(theirs_dir), *extra).returncode == 0
    ours = yaml.safe_load((packages / "index.yaml").read_text())
    theirs = yaml.safe_load((theirs_dir / "index.yaml").read_text())
    assert without_created(ours) == without_created(theirs)
    assert ours["generated"] and ours["apiVersion"] == "v1"
    versions = [e["version"] for e in ours["entries"]["hello-world"]]
    assert versions == ["0.2.0-rc.1", "0.1.0"]  # newest first
    urls = ours["entries"]["common"][0]["urls"]
    assert urls == [(url.rstrip("/") + "/" if url else "") + "library/common-4.0.1.tgz"]


@pytest.mark.parametrize(
    "name",
    ["bjw-s", pytest.param("grafana", marks=pytest.mark.slow), "helm-charts-incubator", "helm-examples"],
)
def test_merge_into_real_index_keeps_existing_entries(
    run_cli, corpus: Path, helm_oracle: Path, tmp_path: Path, name: str
) -> None:  # type: ignore[no-untyped-def]
    real = corpus / "indexes" / f"{name}-index.yaml"
    repo = tmp_path / "repo"
    assert (
        run_cli(
            "package",
            str(corpus / "charts" / "grafana" / "rollout-operator"),
            "-d",
            str(repo),
            "--version",
            "99.0.0",
        ).exit_code
        == 0
    )
    theirs = tmp_path / "theirs"
    shutil.copytree(repo, theirs)
    result = run_cli("repo", "index", str(repo), "--merge", str(real), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 1
    assert helm(helm_oracle, "repo", "index", str(theirs), "--merge", str(real)).returncode == 0

    # Read all three the way Helm reads them (Go's view: scalars as text); the fast loader is checked
    # against the guarded one in test_fast_loader_agrees_with_guarded_loader.
    from ci_helm.repoindex.fastyaml import load_index_yaml

    original, ours, helms = (
        load_index_yaml(p.read_bytes(), path=str(p))
        for p in (real, repo / "index.yaml", theirs / "index.yaml")
    )
    # every existing entry untouched, created included
    new = ours["entries"]["rollout-operator"][0]
    kept = {c: [e for e in v if e is not new] for c, v in ours["entries"].items()}
    for chart, versions in original["entries"].items():
        assert sorted(map(json.dumps, versions)) == sorted(map(json.dumps, kept[chart]))
    assert new["version"] == "99.0.0"
    helm_new = helms["entries"]["rollout-operator"][0]
    assert {k: v for k, v in new.items() if k != "created"} == {
        k: v for k, v in helm_new.items() if k != "created"
    }
    # same chart names and versions as Helm (Helm also drops duplicate versions; we keep entries untouched)
    assert {c: sorted(set(e["version"] for e in v)) for c, v in ours["entries"].items()} == {
        c: sorted(set(e["version"] for e in v)) for c, v in helms["entries"].items()
    }
    # Helm reads what we wrote
    again = tmp_path / "again"
    again.mkdir()
    assert helm(helm_oracle, "repo", "index", str(again), "--merge", str(repo / "index.yaml")).returncode == 0


def test_helm_uses_our_index_for_search_and_pull(
    run_cli, packages: Path, helm_oracle: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("repo", "index", str(packages), "--json").exit_code == 0
    assert json.loads((packages / "index.json").read_text())["entries"]["mysql"][0]["version"] == "1.6.4"
    env = {
        "HELM_CONFIG_HOME": str(tmp_path / "cfg"),
        "HELM_CACHE_HOME": str(tmp_path / "cache"),
        "HELM_DATA_HOME": str(tmp_path / "data"),
    }
    with serve(packages) as server:
        added = helm(helm_oracle, "repo", "add", "local", server.url, env=env)
        assert added.returncode == 0, added.stderr
        found = helm(helm_oracle, "search", "repo", "local/", "--versions", "--devel", "-o", "json", env=env)
        assert found.returncode == 0, found.stderr
        names = {(r["name"], r["version"]) for r in json.loads(found.stdout)}
        assert ("local/hello-world", "0.2.0-rc.1") in names and ("local/common", "4.0.1") in names
        (tmp_path / "pulled").mkdir()
        pulled = helm(helm_oracle, "pull", "local/mysql", "-d", str(tmp_path / "pulled"), env=env)
        assert pulled.returncode == 0, pulled.stderr
    assert (tmp_path / "pulled" / "mysql-1.6.4.tgz").read_bytes() == (
        packages / "mysql-1.6.4.tgz"
    ).read_bytes()


def test_merge_keeps_created_and_warns_on_republished_version(
    run_cli, packages: Path, tmp_path: Path, corpus: Path
) -> None:  # type: ignore[no-untyped-def]
    assert run_cli("repo", "index", str(packages), env={"SOURCE_DATE_EPOCH": "1600000000"}).exit_code == 0
    first = (packages / "index.yaml").read_text()
    assert 'created: "2020-09-13T12:26:40Z"' in first
    shutil.move(packages / "index.yaml", tmp_path / "published.yaml")
    # republish hello-world 0.1.0 with other content
    (packages / "hello-world-0.1.0.tgz").unlink()
    assert (
        run_cli(
            "package",
            str(corpus / "charts" / "helm-examples" / "hello-world"),
            "-d",
            str(packages),
            "--app-version",
            "2",
        ).exit_code
        == 0
    )
    result = run_cli("repo", "index", str(packages), "--merge", str(tmp_path / "published.yaml"))
    assert result.exit_code == 0
    assert "hello-world 0.1.0: already in the index with another digest" in result.stderr
    merged = yaml.safe_load((packages / "index.yaml").read_text())
    old = yaml.safe_load(first)
    assert merged["entries"] == old["entries"]
    assert merged["generated"] != old["generated"]


HOSTILE = {
    "alias bomb": "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n",
    "entries is a list": "apiVersion: v1\nentries: [a, b]\n",
    "version is a list": "apiVersion: v1\nentries:\n  x:\n  - name: x\n    version: [1]\n",
    "urls not strings": "apiVersion: v1\nentries:\n  x:\n  - name: x\n    version: 1.0.0\n"
    "    urls: [{a: b}]\n",
    "not yaml": "apiVersion: v1\nentries: {x: [\n",
    "a scalar": "just text\n",
    "two documents": "apiVersion: v1\n---\napiVersion: v1\n",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_index_is_a_clear_error(run_cli, packages: Path, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.yaml"
    bad.write_text(HOSTILE[case])
    result = run_cli("repo", "index", str(packages), "--merge", str(bad))
    assert result.exit_code == ExitCode.CHECKS_FAILED, result.stderr
    assert str(bad) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert not (packages / "index.yaml").exists()


def test_oversized_index_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from ci_helm.errors import YamlError
    from ci_helm.repoindex import fastyaml

    monkeypatch.setattr(fastyaml, "MAX_INDEX_BYTES", 1000)
    with pytest.raises(YamlError, match="over the 1000-byte limit"):
        load_index(b"apiVersion: v1\n" + b"#" * 2000)


TRICKY = [
    "",
    " lead",
    "trail ",
    "a: b",
    "x #y",
    "yes",
    "No",
    "on",
    "~",
    "null",
    "1.0",
    "1e3",
    "0x1F",
    "012",
    "1_000",
    "2024-01-02",
    "-x",
    "- x",
    "@x",
    "`x",
    "*x",
    "&x",
    "!x",
    "%x",
    "'x",
    '"x',
    "{x}",
    "[x]",
    "?x",
    "x:",
    "a\nb",
    "trailing newline\n",
    "tab\there",
    "ünïcode ✓",
    "\u2028",
    "1.2.3",
    "v1.2.3",
    "https://x.io/a?b=c&d=e#f",
    ":x",
    "|",
    ">",
]


def test_emitted_strings_read_back_identically(helm_oracle: Path, tmp_path: Path) -> None:
    for text in [*TRICKY, "<<", "="]:  # Helm writes these two unquoted; PyYAML then misreads them
        assert yaml.safe_load(f"k: {scalar(text)}\n") == {"k": text}, text
    entry = {
        "name": "t",
        "version": "1.0.0",
        "description": "\n".join(TRICKY),
        "keywords": TRICKY,
        "urls": ["t-1.0.0.tgz"],
        "annotations": {t or "empty": t for t in TRICKY},
        "digest": "0" * 64,
        "created": "2024-01-01T00:00:00Z",
        "apiVersion": "v2",
    }
    index = add_entry(load_index(b"apiVersion: v1\nentries: {}\n"), entry)
    data = serialize_index(index)
    assert load_index(data).entries["t"][0] == entry
    path = tmp_path / "index.yaml"
    path.write_bytes(data)
    (tmp_path / "dir").mkdir()
    assert helm(helm_oracle, "repo", "index", str(tmp_path / "dir"), "--merge", str(path)).returncode == 0
    helm_view = yaml.safe_load((tmp_path / "dir" / "index.yaml").read_text())["entries"]["t"][0]
    # (Helm's own writer folds multi-line strings in ways PyYAML reads differently: compare single lines)
    single = [i for i, t in enumerate(TRICKY) if t.isprintable()]
    assert [helm_view["keywords"][i] for i in single] == [TRICKY[i] for i in single]


@pytest.mark.parametrize("name", ["bjw-s", pytest.param("helm-charts-incubator", marks=pytest.mark.slow)])
def test_fast_loader_agrees_with_guarded_loader(corpus: Path, name: str) -> None:
    from ci_helm.package.chartyaml import load_plain_yaml
    from ci_helm.repoindex.fastyaml import load_index_yaml

    data = (corpus / "indexes" / f"{name}-index.yaml").read_bytes()
    assert load_index_yaml(data, path="x") == load_plain_yaml(data, path="x", max_nodes=5_000_000)


def test_library_api_is_pure() -> None:
    base = load_index(
        b"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    created: old\n    digest: d1\n"
    )
    entry = {"name": "a", "version": "2.0.0", "created": "new", "digest": "d2"}
    merged, clashes = merge_indexes(
        base, [entry, {"name": "a", "version": "1.0.0", "created": "x", "digest": "other"}], generated="now"
    )
    assert [e["version"] for e in merged.entries["a"]] == ["2.0.0", "1.0.0"]
    assert merged.entries["a"][1]["created"] == "old" and [c["digest"] for c in clashes] == ["other"]
    assert base.entries["a"][0]["version"] == "1.0.0" and len(base.entries["a"]) == 1  # input unchanged
    replaced = add_entry(merged, {"name": "a", "version": "1.0.0", "digest": "d3"})
    assert [e["digest"] for e in sort_entries(replaced).entries["a"]] == ["d2", "d3"]
