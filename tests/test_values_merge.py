"""User values (-f and the --set family) merged in Helm's order, checked against the helm CLI."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ci_helm.chart.values import ValueOptions, merge_user_values
from ci_helm.cli.values_flags import add_value_flags, value_options
from ci_helm.errors import ValuesError, YamlError


@pytest.fixture
def dump_chart(tmp_path: Path) -> Path:
    """A chart whose only template prints .Values as JSON, with no defaults of its own."""
    root = tmp_path / "dump"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: dump\nversion: 0.1.0\n")
    (root / "templates" / "values.json").write_text("{{ .Values | toJson }}\n")
    return root


def _helm_values(helm: Path, chart: Path, args: list[str], cwd: Path) -> Any:
    env = {
        **os.environ,
        "HELM_CACHE_HOME": str(cwd / ".h"),
        "HELM_CONFIG_HOME": str(cwd / ".h"),
        "HELM_DATA_HOME": str(cwd / ".h"),
    }
    proc = subprocess.run(
        [str(helm), "template", "r", str(chart), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    body = proc.stdout.split("# Source: dump/templates/values.json\n", 1)[1]
    return json.loads(body)


def _normalise(value: Any) -> Any:
    return json.loads(json.dumps(value), parse_int=float)


def _files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "image: {repo: nginx, tag: '1.0'}\nports: [80, 443]\nkeep: from-a\nn: y\n"
    )
    (tmp_path / "b.yaml").write_text("image: {tag: '2.0'}\nports: [8080]\n---\nsecond: doc\nbig: 1e3\n")
    (tmp_path / "cert.pem").write_text("-----BEGIN-----\nline\n")


CASES: dict[str, list[str]] = {
    "files-in-order": ["-f", "a.yaml", "-f", "b.yaml"],
    "set-over-files": ["-f", "a.yaml", "--set", "image.tag=3.0,ports[1]=9", "--set", "keep=null"],
    "set-string-after-set": ["--set-string", "x=1", "--set", "x=2,y=true", "--set-string", "y=false"],
    "set-json-before-set": [
        "--set",
        "a.b=1",
        "--set-json",
        'a={"b":5,"c":[1,2]}',
        "--set-json",
        '{"d": {"e": 1}}',
    ],
    "set-file": ["--set-file", "tls.cert=cert.pem", "--set", "tls.cert=overridden-first"],
    "literal-last": ["--set-literal", "s=a,b=c", "--set", "s=plain", "--set-string", "s=str"],
    "lists-and-escapes": ["--set", "list[2].name=x,list[0]=a", "--set", "sel.kubernetes\\.io/os=linux"],
    "everything": [
        "-f",
        "b.yaml",
        "--set-literal",
        "l=x",
        "--set-file",
        "f=cert.pem",
        "--set-string",
        "s=1",
        "--set",
        "n=2",
        "--set-json",
        "j=[1]",
        "-f",
        "a.yaml",
    ],
}


def _options(argv: list[str]) -> ValueOptions:
    import argparse

    parser = argparse.ArgumentParser()
    add_value_flags(parser)
    return value_options(parser.parse_args(argv))


@pytest.mark.parametrize("case", sorted(CASES))
def test_merge_matches_helm_template(case: str, tmp_path: Path, dump_chart: Path, helm_oracle: Path) -> None:
    _files(tmp_path)
    argv = CASES[case]
    ours = merge_user_values(_options(argv), base_dir=tmp_path)
    assert _normalise(ours) == _normalise(_helm_values(helm_oracle, dump_chart, argv, tmp_path))


def test_precedence_is_helms_not_the_command_line_order(tmp_path: Path) -> None:
    opts = _options(["--set-literal", "k=literal", "--set", "k=set", "--set-json", 'k="json"'])
    assert merge_user_values(opts, base_dir=tmp_path) == {"k": "literal"}


def test_value_files_resolve_against_base_dir(tmp_path: Path) -> None:
    _files(tmp_path)
    values = merge_user_values(ValueOptions(value_files=("a.yaml",)), base_dir=tmp_path)
    # Helm reads ``n: y`` as the key "false" with the value true (go-yaml v2 booleans).
    assert values["image"] == {"repo": "nginx", "tag": "1.0"} and values["false"] is True


BAD: dict[str, tuple[ValueOptions, type[Exception], str]] = {
    "missing-file": (ValueOptions(value_files=("nope.yaml",)), ValuesError, "nope.yaml: cannot read"),
    "bad-yaml": (ValueOptions(value_files=("bad.yaml",)), YamlError, "bad.yaml:2"),
    "list-yaml": (ValueOptions(value_files=("list.yaml",)), YamlError, "list.yaml"),
    "bad-set": (ValueOptions(set=("a.b",)), ValuesError, "--set 'a.b'"),
    "type-clash": (ValueOptions(set=("a=1", "a.b=2")), ValuesError, "--set 'a.b=2'"),
    "bad-index": (ValueOptions(set=("a[x]=1",)), ValuesError, "a[x]=1"),
    "bad-json": (ValueOptions(set_json=("a={",)), ValuesError, "--set-json"),
    "bad-json-object": (ValueOptions(set_json=('{"a": 1',)), ValuesError, "not a JSON object"),
    "missing-set-file": (ValueOptions(set_file=("k=missing.pem",)), ValuesError, "missing.pem"),
    "remote-file": (ValueOptions(value_files=("https://example.com/v.yaml",)), ValuesError, "not supported"),
    "literal-bad": (ValueOptions(set_literal=("a",)), ValuesError, "--set-literal 'a'"),
    "directory": (ValueOptions(value_files=(".",)), ValuesError, ".: cannot read"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_values_fail_with_one_line_naming_the_input(tmp_path: Path, case: str) -> None:
    (tmp_path / "bad.yaml").write_text("a: 1\n b: [\n")
    (tmp_path / "list.yaml").write_text("- 1\n")
    opts, error, message = BAD[case]
    with pytest.raises(error) as caught:
        merge_user_values(opts, base_dir=tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_value_flags_parse_repeatable_options() -> None:
    opts = _options(
        [
            "-f",
            "a",
            "--values",
            "b",
            "--set",
            "x=1",
            "--set",
            "y=2",
            "--set-json",
            "j=1",
            "--set-file",
            "f=p",
            "--set-string",
            "s=1",
            "--set-literal",
            "l=1",
        ]
    )
    assert opts == ValueOptions(("a", "b"), ("x=1", "y=2"), ("s=1",), ("f=p",), ("j=1",), ("l=1",))
    assert _options([]).empty


def test_endless_sources_are_cut_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ci_helm.chart.values.MAX_SOURCE_BYTES", 1024)
    with pytest.raises(ValuesError, match="limit"):
        merge_user_values(ValueOptions(set_file=("k=/dev/zero",)), base_dir=tmp_path)
