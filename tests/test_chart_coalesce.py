"""Value coalescing and dependency processing against Helm's own (helm_python) results."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from ci_helm.chart.coalesce import coalesce_tables, coalesce_values
from ci_helm.chart.dependencies import chart_values_tree, process_dependencies, render_values, values_for
from ci_helm.chart.goyaml import load_values
from ci_helm.chart.loader import load_chart
from ci_helm.chart.model import Chart
from ci_helm.errors import ValuesError

# Deeper than any real template, so Helm renders it before templates that mutate .Values.
DEEP = "/".join(["d"] * 30)


def _normalise(value: Any) -> Any:
    return json.loads(json.dumps(value), parse_int=float)


def _records(corpus: Path) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads((corpus / "manifest.json").read_text())
    return records


def _user_values(chart_dir: Path, values_file: str | None) -> dict[str, Any]:
    return load_values((chart_dir / values_file).read_bytes()) if values_file else {}


@pytest.mark.slow
def test_coalesce_equals_helm_merge_values_on_the_corpus(corpus: Path) -> None:
    import helm_python

    compared = 0
    for record in _records(corpus):
        path = corpus / record["path"]
        ours, helms = load_chart(path), helm_python.Chart.load(str(path))
        for values_file in [None, *record["ci_values_files"]]:
            user = _user_values(path, values_file)
            expected = _normalise(helms.merge_values(user))
            assert _normalise(coalesce_values(ours, user)) == expected, (record["path"], values_file)
            compared += 1
    assert compared > 150


def _add_dumps(chart_dir: Path) -> None:
    dump = chart_dir / "templates" / DEEP
    dump.mkdir(parents=True, exist_ok=True)
    (dump / "zz-dump.json").write_text("{{ toJson .Values }}\n")
    charts = chart_dir / "charts"
    for sub in sorted(charts.iterdir()) if charts.is_dir() else []:
        if (sub / "Chart.yaml").is_file():
            _add_dumps(sub)


def _our_dumps(chart: Chart, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}

    def walk(node: Chart, names: list[str]) -> None:
        key = "/".join(
            [chart.name, *[p for n in names for p in ("charts", n)], "templates", DEEP, "zz-dump.json"]
        )
        out[key] = _normalise(values_for(values, names))
        for sub in node.subcharts:
            walk(sub, [*names, sub.name])

    walk(chart, [])
    return out


def _helm_dumps(chart_dir: Path, user: dict[str, Any]) -> dict[str, Any] | None:
    import helm_python

    helms = helm_python.Chart.load(str(chart_dir))  # a fresh handle: Helm mutates charts while rendering
    try:
        rendered = helms.render(user, name="r", namespace="default")
    except helm_python.HelmError:
        return None
    return {k: _normalise(json.loads(v)) for k, v in rendered.items() if k.endswith("zz-dump.json")}


def _check_render_values(chart_dir: Path, user: dict[str, Any]) -> bool:
    helms = _helm_dumps(chart_dir, user)
    if helms is None:
        return False
    processed, values = render_values(load_chart(chart_dir), user)
    assert _our_dumps(processed, values) == helms
    return True


@pytest.mark.slow
def test_render_values_equal_what_helm_templates_see_on_the_corpus(corpus: Path, tmp_path: Path) -> None:
    """.Values of every chart and subchart, as printed by a template Helm renders first."""
    compared = 0
    for record in _records(corpus):
        if record["type"] == "library" or record["needs_external_dependency"]:
            continue
        source = corpus / record["path"]
        copy = tmp_path / record["path"].replace("/", "_")
        shutil.copytree(source, copy)
        _add_dumps(copy)
        for values_file in [None, *record["ci_values_files"]]:
            compared += _check_render_values(copy, _user_values(source, values_file))
    assert compared > 140


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


DEPS_CHART = {
    "Chart.yaml": """apiVersion: v2
name: parent
version: 1.0.0
dependencies:
- name: sub
  version: 0.1.0
  import-values:
  - data
  - child: deep.inner
    parent: imported.here
- name: sub
  alias: second
  version: ">=0.1.0 <1"
  tags: [extra]
- name: sub
  alias: third
  version: "^2"
- name: tagged
  version: "*"
  tags: [front, back]
- name: cond
  version: 0.1.0
  condition: " missing.flag,cond.flag,cond.other"
""",
    "values.yaml": """global: {region: eu, nested: {a: 1}}
sub: {over: from-parent}
imported: {here: {kept: parent}}
tags: {front: false, back: false, extra: true}
cond: {flag: false, other: true}
nulled: 1
""",
    "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
    "charts/sub/values.yaml": """exports: {data: {exported: 1}}
deep: {inner: {kept: child, extra: 2}}
over: child
gone: default
global: {region: us, nested: {b: 2}, only: sub}
""",
    "charts/tagged/Chart.yaml": "apiVersion: v2\nname: tagged\nversion: 0.2.0\n",
    "charts/tagged/values.yaml": "t: 1\n",
    "charts/cond/Chart.yaml": "apiVersion: v2\nname: cond\nversion: 0.1.0\n",
    "charts/cond/values.yaml": "c: 1\n",
}

USER_CASES: dict[str, dict[str, Any]] = {
    "defaults": {},
    "nulls-delete": {"nulled": None, "sub": {"gone": None}, "second": {"over": None}},
    "tags-and-conditions": {"tags": {"back": True}, "cond": {"flag": True}},
    "globals": {"global": {"region": "ap", "nested": {"c": 3}}, "second": {"global": {"x": 1}}},
}


@pytest.mark.parametrize("case", sorted(USER_CASES))
def test_aliases_tags_conditions_imports_and_globals_match_helm(tmp_path: Path, case: str) -> None:
    root = _write(tmp_path / "parent", DEPS_CHART)
    _add_dumps(root)
    assert _check_render_values(root, USER_CASES[case])


def test_process_dependencies_renames_aliases_and_drops_disabled(tmp_path: Path) -> None:
    chart = load_chart(_write(tmp_path / "parent", DEPS_CHART))
    processed = process_dependencies(chart, {})
    assert sorted(s.name for s in processed.subcharts) == ["second", "sub"]
    second = next(s for s in processed.subcharts if s.name == "second")
    assert (second.alias, second.metadata.name, second.parent) == ("second", "second", processed)
    assert processed.values["exported"] == 1  # import-values, string form
    assert processed.values["imported"]["here"] == {"kept": "parent", "extra": 2}  # parent wins
    assert [s.name for s in chart.subcharts] == ["cond", "sub", "tagged"]  # the loaded chart is untouched


def test_user_null_deletes_a_default_and_subchart_sees_parent_globals(tmp_path: Path) -> None:
    chart = load_chart(_write(tmp_path / "parent", DEPS_CHART))
    values = coalesce_values(chart, {"nulled": None, "sub": {"gone": None}})
    assert "nulled" not in values and "gone" not in values["sub"]
    assert values["sub"]["global"]["region"] == "eu" and values["sub"]["global"]["only"] == "sub"


def test_subchart_values_that_are_not_a_map_are_an_error(tmp_path: Path) -> None:
    chart = load_chart(_write(tmp_path / "parent", DEPS_CHART))
    with pytest.raises(ValuesError, match="type mismatch on sub"):
        coalesce_values(chart, {"sub": "oops"})


def test_coalesce_tables_null_removes_and_tables_merge() -> None:
    dst = {"a": None, "b": {"x": 1}, "c": 3}
    assert coalesce_tables(dst, {"a": 1, "b": {"y": 2}, "c": {"no": "table"}, "d": 4}) == {
        "b": {"x": 1, "y": 2},
        "c": 3,
        "d": 4,
    }


def test_chart_values_tree_scopes_values_per_subchart(tmp_path: Path) -> None:
    chart = load_chart(_write(tmp_path / "parent", DEPS_CHART))
    processed, values = render_values(chart, {"second": {"over": "user"}})
    tree = {entry.path: entry for entry in chart_values_tree(processed, values)}
    assert set(tree) == {(), ("sub",), ("second",)}
    assert tree[("second",)].values["over"] == "user" and tree[("sub",)].values["over"] == "from-parent"
    assert tree[("second",)].chart.name == "second" and tree[()].values is values


_KEYS = ["a", "b", "c", "global", "sub", "inner"]


def _random_value(rng: random.Random, depth: int) -> Any:
    if depth > 2 or rng.random() < 0.3:
        return rng.choice([None, 1, "s", True, [1, 2]])
    return {rng.choice(_KEYS): _random_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}


def _random_map(rng: random.Random) -> dict[str, Any]:
    value = _random_value(rng, 0)
    return value if isinstance(value, dict) else {}


def test_random_value_trees_coalesce_like_helm(tmp_path: Path) -> None:
    """Nulls, tables against scalars, globals of every shape, three chart levels."""
    import helm_python

    rng = random.Random(20261121)
    for iteration in range(150):
        root = tmp_path / f"p{iteration}"
        inner = root / "charts" / "sub" / "charts" / "inner"
        inner.mkdir(parents=True)
        for directory, name in ((root, "p"), (root / "charts" / "sub", "sub"), (inner, "inner")):
            (directory / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
            (directory / "values.yaml").write_text(json.dumps(_random_map(rng)))
        user = _random_map(rng)
        try:
            expected: Any = _normalise(helm_python.Chart.load(str(root)).merge_values(user))
        except helm_python.HelmError:
            with pytest.raises(ValuesError):
                coalesce_values(load_chart(root), user)
            continue
        assert _normalise(coalesce_values(load_chart(root), user)) == expected, (iteration, user)
