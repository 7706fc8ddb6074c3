"""Loading charts: the whole corpus against its manifest and against Helm's own loader."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any

import pytest

from ci_helm.chart.loader import load_chart
from ci_helm.errors import ChartError, YamlError


def _manifest(corpus: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((corpus / "manifest.json").read_text())
    return records


def _normalise(value: Any) -> Any:
    return json.loads(json.dumps(value), parse_int=float)


@pytest.mark.slow
def test_every_corpus_chart_loads_with_its_manifest_metadata(corpus: Path) -> None:
    records = _manifest(corpus)
    assert len(records) == 39
    for record in records:
        chart = load_chart(corpus / record["path"])
        md = chart.metadata
        seen = {
            "name": chart.name,
            "version": chart.version,
            "apiVersion": md.api_version if "apiVersion" in md.raw else None,
            "type": md.effective_type,
            "has_schema": chart.schema_text is not None,
            "has_crds": bool(chart.crds),
            "deprecated": md.deprecated,
            "has_notes": any(t.name == "templates/NOTES.txt" for t in chart.templates),
            "has_tests": bool(chart.test_templates),
        }
        assert seen == {k: record[k] for k in seen}, record["path"]
        declared = [f"{d.name} as {d.alias}" if d.alias else d.name for d in md.dependencies]
        assert declared == record["declared_dependencies"], record["path"]
        assert bool(declared or chart.subcharts) == record["has_dependencies"], record["path"]
        # The manifest lists vendored subcharts; a few were not copied into the corpus, so the
        # directory itself is the reference for which ones exist.
        charts_dir = corpus / record["path"] / "charts"
        present = sorted(p.name for p in charts_dir.iterdir()) if charts_dir.is_dir() else []
        assert len(chart.subcharts) == len([n for n in present if not n.startswith(("_", "."))])
        assert {f"{s.name}@{s.version}" for s in chart.subcharts} <= set(record["subcharts_in_charts_dir"])


@pytest.mark.slow
def test_corpus_charts_load_exactly_as_helm_loads_them(corpus: Path) -> None:
    """Metadata, file sets, default values and subcharts equal helm_python's loader."""
    import helm_python

    for record in _manifest(corpus):
        path = corpus / record["path"]
        ours, helms = load_chart(path), helm_python.Chart.load(str(path))
        where = record["path"]
        assert _normalise(ours.metadata.document) == _normalise(helms.metadata), where
        assert sorted(t.name for t in ours.templates) == sorted(t["name"] for t in helms.templates), where
        assert [f.name for f in ours.helm_files] == sorted(
            (f["name"] for f in helms.files), key=lambda n: n.split("/")
        ), where
        assert _normalise(ours.values) == _normalise(helms.values), where
        assert sorted(s.name for s in ours.subcharts) == sorted(d["name"] for d in helms.dependencies), where
        assert (ours.schema is None) == (helms.schema is None), where


def test_helmignore_excludes_bjw_s_test_chart(corpus: Path) -> None:
    chart = load_chart(corpus / "charts/bjw-s/common")
    names = [f.name for f in (*chart.templates, *chart.files)]
    assert names and not any(n.startswith(("test-chart/", "unittests/", "schemas/")) for n in names)
    assert not chart.subcharts


def _chart(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return root


BASE = {
    "Chart.yaml": "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    "templates/cm.yaml": "kind: ConfigMap\n",
}

HELMIGNORE_CASES = {
    "plain": "*.bak\nsecret.txt\n",
    "dirs": "docs/\n/top.txt\nnested/*.txt\n",
    "classes": "file[0-9].txt\nfile[^a-c].md\n?.yaml\n",
    "negation": "*.txt\n!keep.txt\n",
    "negation-dir": "!templates/\n",
    "anchored": "/templates/skip.yaml\n",
    "escapes": "weird\\*.txt\n",
    "comments": "# a comment\n\n   \n*.tmp\n",
}
TREE = [
    "a.bak",
    "secret.txt",
    "docs/guide.md",
    "top.txt",
    "nested/x.txt",
    "nested/deep/y.txt",
    "file1.txt",
    "filez.md",
    "fileb.md",
    "x.yaml",
    "keep.txt",
    "other.txt",
    "templates/skip.yaml",
    "templates/.hidden",
    "weird*.txt",
    "weirdo.txt",
    "junk.tmp",
    "templates/sub/keep.yaml",
    "README.md",
]


@pytest.mark.parametrize("case", sorted(HELMIGNORE_CASES))
def test_helmignore_matches_helm(tmp_path: Path, case: str) -> None:
    import helm_python

    files: dict[str, str | bytes] = {**BASE, ".helmignore": HELMIGNORE_CASES[case]}
    files.update({name: f"# {name}\n" for name in TREE})
    root = _chart(tmp_path / "demo", files)
    try:
        helms = helm_python.Chart.load(str(root))
    except helm_python.HelmError:  # a negated rule can hide Chart.yaml itself: both must refuse
        with pytest.raises(ChartError, match=r"Chart\.yaml"):
            load_chart(root)
        return
    ours = load_chart(root)
    assert sorted(t.name for t in ours.templates) == sorted(t["name"] for t in helms.templates)
    assert sorted(f.name for f in ours.helm_files) == sorted(f["name"] for f in helms.files)


def test_helmignore_double_star_is_a_clear_error(tmp_path: Path) -> None:
    root = _chart(tmp_path / "demo", {**BASE, ".helmignore": "ok\n**/x\n"})
    with pytest.raises(ChartError, match=r"\.helmignore:2: .*double-star"):
        load_chart(root)


def test_v1_chart_with_requirements_and_lock(tmp_path: Path) -> None:
    root = _chart(
        tmp_path / "old",
        {
            "Chart.yaml": "apiVersion: v1\nname: old\nversion: 1.0.0\n",
            "requirements.yaml": "dependencies:\n- name: sub\n  version: 0.1.0\n  repository: file://../sub\n"
            "  alias: renamed\n  condition: sub.enabled\n  tags: [front]\n  import-values: [data]\n",
            "requirements.lock": "dependencies:\n- name: sub\n  version: 0.1.0\ndigest: sha256:abc\n",
            "charts/sub/Chart.yaml": "name: sub\nversion: 0.1.0\n",
            "charts/sub/values.yaml": "data: {x: 1}\n",
        },
    )
    chart = load_chart(root)
    (dep,) = chart.metadata.dependencies
    assert (dep.name, dep.alias, dep.condition, dep.tags, dep.import_values) == (
        "sub",
        "renamed",
        "sub.enabled",
        ("front",),
        ("data",),
    )
    assert dep.effective_name == "renamed"
    assert chart.lock is not None and chart.lock["digest"] == "sha256:abc"
    assert {f.name for f in chart.files} == {"requirements.yaml", "requirements.lock"}
    (sub,) = chart.subcharts
    assert (sub.name, sub.metadata.api_version, sub.parent) == ("sub", "v1", chart)


def _tgz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_subchart_archives_nest_and_special_entries_are_skipped(tmp_path: Path) -> None:
    inner = _tgz({"leaf/Chart.yaml": b"apiVersion: v2\nname: leaf\nversion: 3.0.0\n"})
    middle = _tgz(
        {
            "mid/Chart.yaml": b"apiVersion: v2\nname: mid\nversion: 2.0.0\n",
            "mid/charts/leaf-3.0.0.tgz": inner,
            "mid/crds/crd.yaml": b"kind: CustomResourceDefinition\n",
        }
    )
    root = _chart(
        tmp_path / "top",
        {
            **BASE,
            "charts/mid-2.0.0.tgz": middle,
            "charts/mid-2.0.0.tgz.prov": b"signature",
            "charts/_helpers/Chart.yaml": "junk: true\n",
            "charts/.cache/x": "junk",
        },
    )
    chart = load_chart(root)
    (mid,) = chart.subcharts
    (leaf,) = mid.subcharts
    assert (mid.name, leaf.name, leaf.parent) == ("mid", "leaf", mid)
    assert [c.name for c in mid.crds] == ["crds/crd.yaml"]
    assert [f.name for f in chart.files] == ["charts/mid-2.0.0.tgz.prov"]


def test_jinja_engine_is_detected_from_template_names(tmp_path: Path) -> None:
    root = _chart(tmp_path / "dm", {**BASE, "templates/app.yaml.j2": "kind: {{ kind }}\n"})
    assert load_chart(root).engine == "jinja"
    assert load_chart(_chart(tmp_path / "go", BASE)).engine == "gotpl"


def test_chart_yaml_scalars_become_strings_like_helm(tmp_path: Path) -> None:
    import helm_python

    root = _chart(
        tmp_path / "c",
        {
            "Chart.yaml": "apiVersion: v2\nname: c\nversion: 1.10\nappVersion: 1234567.0\n"
            "description: 123456789012\nkeywords: [1.5, true, y]\nannotations: {a: 1.0, b: yes}\n"
            "deprecated: y\nhome: ~\nunknown: dropped\nIcon: https://x/icon.png\n"
            "description2: |\n  multi\n",
            "templates/x.yaml": "",
        },
    )
    ours = load_chart(root).metadata
    assert _normalise(ours.document) == _normalise(helm_python.Chart.load(str(root)).metadata)
    assert (ours.version, ours.app_version, ours.icon) == ("1.1", "1.234567e+06", "https://x/icon.png")


BAD_CHARTS: dict[str, tuple[dict[str, str | bytes], type[Exception], str]] = {
    "no-chart-yaml": ({"values.yaml": "a: 1\n"}, ChartError, "Chart.yaml is missing"),
    "malformed": ({"Chart.yaml": "name: [unclosed\nversion: 1\n"}, YamlError, "Chart.yaml:"),
    "no-name": ({"Chart.yaml": "apiVersion: v2\nversion: 1.0.0\n"}, ChartError, "name is required"),
    "no-version": ({"Chart.yaml": "apiVersion: v2\nname: x\n"}, ChartError, "version is required"),
    "bad-version": ({"Chart.yaml": "apiVersion: v2\nname: x\nversion: one\n"}, ChartError, "is invalid"),
    "bad-type": ({"Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\ntype: app\n"}, ChartError, "type"),
    "bad-shape": ({"Chart.yaml": "- a\n- b\n"}, ChartError, "mapping"),
    "bad-keywords": ({"Chart.yaml": "name: x\nversion: 1.0.0\nkeywords: {a: b}\n"}, ChartError, "keywords"),
    "dup-alias": (
        {"Chart.yaml": "name: x\nversion: 1.0.0\ndependencies: [{name: a}, {name: b, alias: a}]\n"},
        ChartError,
        "more than one dependency",
    ),
    "bad-alias": (
        {"Chart.yaml": "name: x\nversion: 1.0.0\ndependencies: [{name: a, alias: 'a.b'}]\n"},
        ChartError,
        "disallowed characters",
    ),
    "values-yaml": ({**BASE, "values.yaml": "a: 1\n b: [\n"}, YamlError, "values.yaml:"),
    "values-list": ({**BASE, "values.yaml": "- 1\n"}, YamlError, "mapping"),
    "alias-bomb": (
        {
            **BASE,
            "values.yaml": "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
            + "".join(
                f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
                for p, c in zip("abcdefg", "bcdefgh", strict=True)
            ),
        },
        YamlError,
        "alias bomb",
    ),
    "bad-subchart": ({**BASE, "charts/sub/Chart.yaml": "name: sub\n"}, ChartError, "charts/sub"),
}


@pytest.mark.parametrize("case", sorted(BAD_CHARTS))
def test_bad_charts_fail_with_one_line_naming_the_file(tmp_path: Path, case: str) -> None:
    files, error, message = BAD_CHARTS[case]
    root = _chart(tmp_path / case, files)
    with pytest.raises(error) as caught:
        load_chart(root)
    text = str(caught.value)
    assert message in text and "\n" not in text
    assert str(root) in text


def test_validation_errors_name_the_line_of_the_key(tmp_path: Path) -> None:
    root = _chart(tmp_path / "c", {"Chart.yaml": "apiVersion: v2\nname: c\nversion: one.two\n"})
    with pytest.raises(ChartError) as caught:
        load_chart(root)
    assert str(caught.value).endswith("Chart.yaml:3: validation: chart.metadata.version 'one.two' is invalid")


def test_malformed_chart_yaml_error_names_the_line(tmp_path: Path) -> None:
    root = _chart(tmp_path / "c", {"Chart.yaml": "apiVersion: v2\nname: c\nversion: [\n"})
    with pytest.raises(YamlError) as caught:
        load_chart(root)
    assert caught.value.line is not None and caught.value.path and caught.value.path.endswith("Chart.yaml")


def test_symlink_escaping_the_chart_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    root = _chart(tmp_path / "c", BASE)
    os.symlink(secret, root / "templates" / "leak.yaml")
    with pytest.raises(ChartError, match="points outside the chart"):
        load_chart(root)


def test_symlink_inside_the_chart_is_followed(tmp_path: Path) -> None:
    root = _chart(tmp_path / "c", {**BASE, "files/a.txt": "hello"})
    os.symlink(root / "files" / "a.txt", root / "files" / "b.txt")
    assert load_chart(root).file("files/b.txt") is not None


def test_fifo_in_a_chart_is_refused(tmp_path: Path) -> None:
    root = _chart(tmp_path / "c", BASE)
    os.mkfifo(root / "pipe")
    with pytest.raises(ChartError, match="irregular file pipe"):
        load_chart(root)


def test_missing_path_and_non_chart_directory(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match="no such chart"):
        load_chart(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ChartError, match="not a chart"):
        load_chart(tmp_path / "empty")


def test_invalid_schema_is_kept_with_its_error(tmp_path: Path) -> None:
    chart = load_chart(_chart(tmp_path / "c", {**BASE, "values.schema.json": "{not json"}))
    assert chart.schema is None and chart.schema_text == "{not json"
    assert chart.schema_error is not None and "values.schema.json" in chart.schema_error
