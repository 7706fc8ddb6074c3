"""``--set`` family parsing against Helm's own parsers (helm_python) as the oracle."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

import pytest

from ci_helm.chart.strvals import StrvalsError, parse_into
from ci_helm.chart.strvals_literal import parse_literal_into

# Helm's documented cases (pkg/strvals tests, helm docs) and nasty ones we found.
DOCUMENTED = [
    "a=1,b.c=two,ports={80,443}",
    "name1=value1,,,,name2=value2,",
    "name1=,name2=value2",
    "leading_zeros=00009",
    "zero_int=0",
    "long_int=1234567890",
    "boolean=true",
    "is_null=null",
    "name1,name2=",
    "name1,name2=value2",
    "name1,name2=value2\\",
    "name1.name2",
    "name1.name2=",
    "name1.=name2",
    "name1.,name2",
    "name1={1021,902",
    "list[0]=foo",
    "list[0].foo=bar,list[0].hello=world",
    "list[0].foo=bar,list[-30].hello=world",
    "list[0]=foo,list[3]=bar",
    "illegal[0]name.foo=bar",
    "noval[0]",
    "noval[0]=",
    "nested[0][0]=1",
    "nested[1][1]=1",
    "name1.name2[1].foo=bar,name1.name2[0].foo=bar",
    "]={}].",
    "servers[0].port=80",
    "name={a, b, c}",
    "name=value1\\,value2",
    "nodeSelector.kubernetes\\.io/role=master",
    "outer.inner1=value,outer.inner3.inner4=4",
]
NASTY = [
    "a.",
    "a",
    "a=",
    "a={}",
    "a={1,2}b=3",
    "a=TRUE",
    "a=fal\u017fe",
    "a=+5",
    "a=-0",
    "a=0x10",
    "a=9223372036854775808",
    "a=-9223372036854775808",
    "a=1,a.b=2",
    "a.b=1,a=2",
    "a=null,a.b=1",
    "a[0]=1,a.b=2",
    "a[0]=1,a[0][0]=2",
    "a[0][0]=1,a[0].b=2",
    "a[1].b=1,a[0]=x,a[1].c=2",
    "a[65537]=1",
    "a[65536]=x",
    "=x",
    "a==b",
    "a=b=c",
    "a[0]]=1",
    "a[x]=1",
    "a[]=1",
    ".".join("k" * (i + 1) for i in range(31)) + "=1",
    ".".join("k" * (i + 1) for i in range(30)) + "=1",
    "a={,}",
    "a={x}y,b=1",
    " a = 1 ",
    "a[+1]=2",
    "a={{1}}",
    "\u00e9t\u00e9=\u2603",
]
JSON_CASES = [
    'a={"b":[1,2]}',
    "a=1b=2",
    "a=1.,b=2",
    "a=",
    "a=,b=2",
    'a= 1 , b = "x"',
    'a=[1,2],b.c={"x":null}',
    "a=tru",
    "a=truex",
    "a=NaN",
    "a=Infinity",
    "a=12345678901234567890",
    'a[0]=1,a[2]={"x":1}',
    "a[0]=",
    'a="x\\u00e9"',
    "a=1e2",
    "a=1.5.3",
    "a=01",
    "a=-",
    "a=1e",
    'a={"a":1}{"b":2}',
    "a=1,,b=2",
    'list[0].x={"y":[true,null]}',
    'a="unterminated',
]


def _normalise(value: Any) -> Any:
    """Compare numbers as Go's float64 would (the oracle returns them through JSON)."""
    return json.loads(json.dumps(value), parse_int=float)


def _ours(kind: str, expression: str) -> tuple[str, Any]:
    dest: dict[str, Any] = {}
    try:
        if kind == "literal":
            parse_literal_into(expression, dest)
        else:
            parse_into(expression, dest, kind=kind)
    except StrvalsError as exc:
        return "error", str(exc)
    return "ok", _normalise(dest)


def _helms(parser: Callable[[str], dict[str, Any]], expression: str) -> tuple[str, Any]:
    from helm_python.errors import HelmError

    try:
        return "ok", _normalise(parser(expression))
    except HelmError as exc:
        return "error", str(exc)


def _oracle(kind: str) -> Callable[[str], dict[str, Any]]:
    import helm_python

    parsers: dict[str, Callable[[str], dict[str, Any]]] = {
        "set": helm_python.parse_set_string,
        "string": helm_python.parse_set_string_values,
        "literal": helm_python.parse_set_literal,
        "json": helm_python.parse_set_json,
    }
    return parsers[kind]


def _agree(kind: str, expression: str) -> None:
    ours, helms = _ours(kind, expression), _helms(_oracle(kind), expression)
    assert ours[0] == helms[0], f"{kind} {expression!r}: ours {ours}, Helm {helms}"
    if ours[0] == "ok":
        assert ours[1] == helms[1], f"{kind} {expression!r}"


@pytest.mark.parametrize("kind", ["set", "string", "literal"])
@pytest.mark.parametrize("expression", DOCUMENTED + NASTY)
def test_documented_and_nasty_expressions_match_helm(kind: str, expression: str) -> None:
    _agree(kind, expression)


@pytest.mark.parametrize("expression", JSON_CASES + DOCUMENTED[:8])
def test_set_json_expressions_match_helm(expression: str) -> None:
    _agree("json", expression)


_TOKENS = [
    "a",
    "b",
    "k8s",
    "0",
    "1",
    "07",
    "-3",
    "=",
    "=",
    ",",
    ".",
    "[0]",
    "[1]",
    "[",
    "]",
    "{",
    "}",
    "\\",
    "\\,",
    " ",
    "null",
    "true",
    "False",
    "x.y",
    "[2].c",
]
_JSON_TOKENS = [
    "a",
    "b",
    "=",
    ",",
    ".",
    "[0]",
    "1",
    "1.5",
    '"s"',
    "[1,2]",
    '{"k":1}',
    "null",
    " ",
    "}",
    "tru",
]


def _random_expressions(tokens: list[str], count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(tokens) for _ in range(rng.randint(1, 9))) for _ in range(count)]


@pytest.mark.parametrize("kind", ["set", "string", "literal"])
def test_random_expressions_match_helm(kind: str) -> None:
    for expression in _random_expressions(_TOKENS, 1500, seed=hash(kind) % 1000):
        _agree(kind, expression)


def test_random_json_expressions_match_helm() -> None:
    for expression in _random_expressions(_JSON_TOKENS, 1500, seed=7):
        _agree("json", expression)


def test_set_infers_types_and_set_string_does_not() -> None:
    dest: dict[str, Any] = {}
    parse_into("port=80,on=true,none=null,zero=0,octal=0755,big=99999999999999999999", dest)
    assert dest == {
        "port": 80,
        "on": True,
        "none": None,
        "zero": 0,
        "octal": "0755",
        "big": "99999999999999999999",
    }
    strings: dict[str, Any] = {}
    parse_into("port=80,on=true", strings, kind="string")
    assert strings == {"port": "80", "on": "true"}


def test_set_file_reads_each_value_through_the_reader() -> None:
    dest: dict[str, Any] = {}
    parse_into("a=one,b={two,three}", dest, kind="file", read_file=lambda p: f"<{p}>")
    assert dest == {"a": "<one>", "b": ["<two>", "<three>"]}


def test_set_literal_keeps_commas_and_escapes() -> None:
    dest: dict[str, Any] = {}
    parse_literal_into("a.b=x,y=z\\n", dest)
    assert dest == {"a": {"b": "x,y=z\\n"}}
