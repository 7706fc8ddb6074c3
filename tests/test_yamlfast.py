"""The fast YAML path gives exactly what the guarded PyYAML path gives, or hands over to it."""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import pytest

from ci_helm.errors import YamlError
from ci_helm.lint.inputs import _crd_texts
from ci_helm.yamlfast import _fast, _KubeLoader, load_documents
from ci_helm.yamlio import load_yaml_all

# Scalars whose meaning differs between YAML 1.1 (PyYAML, go-yaml) and JSON's rules, and
# ordinary ones, plain and quoted.
TRICKY = [
    *"yes Yes YES no No NO on On ON off Off OFF y n True TRUE true False FALSE false".split(),  # noqa: SIM905
    *"null Null NULL ~ 1e3 1E3 1.0e+3 1.5e3 1_000 0o17 017 0644 0x1f 0b101 +1 -1 .5 5. 1.".split(),  # noqa: SIM905
    *"-.inf .inf .NaN .nan 2001-12-14 2001-12-14T21:59:43.10-05:00 12:30:00 1:20 -0 00".split(),  # noqa: SIM905
    *"1e400 9223372036854775808 0.1 10Gi 100m v1.2.3 1.2.3 a.b latest http://x:80/y 3.14 0 12".split(),  # noqa: SIM905
    "=",
    "<<",
    "*",
    "a b",
    "'yes'",
    '"0644"',
    '"true"',
    "'1e3'",
    '""',
    "''",
    '"a\\tb\\u263a"',
    "'it''s'",
    '"~"',
    "é ü 中文",
]


ORDINARY = ["nginx", "1", "80", "true", "false", "null", "1.5", '"a: b"', "a-b_c", "100Mi", "-2", "v1"]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _reference(text: str) -> Any:
    try:
        return [d for d in load_yaml_all(text, loader=_KubeLoader) if d is not None]
    except YamlError:
        return YamlError


def _ours(text: str) -> Any:
    try:
        return load_documents(text)
    except YamlError:
        return YamlError


def _document(rng: random.Random) -> str:
    s = lambda: rng.choice(TRICKY if rng.random() < 0.25 else ORDINARY)  # noqa: E731
    shapes = [
        lambda: f"key: {s()}\n",
        lambda: f"{s()}: value\n",
        lambda: f"list:\n  - {s()}\n  - {s()}\n",
        lambda: f"flow: [{s()}, {s()}]\n",
        lambda: f"map: {{a: {s()}, {s()}: b}}\n",
        lambda: f"nested:\n  deeper:\n    - name: {s()}\n      value: {s()}  # {s()}\n",
        lambda: f"block: |\n  {s()}\n  {s()}\n",
        lambda: f"folded: >-\n  {s()}\n\n  {s()}\n",
        lambda: f"kept: |+\n  {s()}\n\n",
        lambda: f"indented: |2\n    {s()}\n   {s()}\n",
        lambda: f"text: {s()} and {s()}\n",
        lambda: "# only a comment\n",
    ]
    return "".join(rng.choice(shapes)() for _ in range(rng.randint(1, 5)))


def test_random_documents_read_the_same_as_pyyaml() -> None:
    rng = random.Random(20261121)
    fast = 0
    for _ in range(3000):
        docs = [_document(rng) for _ in range(rng.randint(1, 3))]
        text = "---\n".join(docs)
        if rng.random() < 0.5:
            text = text.rstrip("\n")  # templates often end without a line break
        expected = _reference(text)
        assert _same(_ours(text), expected), text
        fast += _fast(text) is not None
    assert fast > 400  # the fast path really runs (most fuzz documents hold a tricky scalar)


def test_corpus_crds_read_the_same_and_fast(corpus: Path) -> None:
    texts = [t for d in sorted((corpus / "charts").glob("*/*")) for t, _ in _crd_texts(d)]
    assert len(texts) > 20
    for text in texts:
        assert _same(load_documents(text), _reference(text))
        assert _fast(text) is not None


def test_a_plain_equals_sign_is_a_string_as_in_kubernetes() -> None:
    text = "operators:\n  - =\n  - '!='\nmode: 0644\n"  # 0644 forces the PyYAML path
    assert load_documents(text) == [{"operators": ["=", "!="], "mode": 420}]
    assert load_documents("operators: [=]\n") == [{"operators": ["="]}]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a: &x [1, 2]\nb: *x\n", "aliases go through the alias-bomb guard"),
        ("a: !!str 12\n", "tags"),
        ("a:\n\tb: 1\n", "tab indentation"),
        ("k: 0755\n", "octal"),
        ("80: http\n", "an int key"),
    ],
)
def test_what_the_fast_path_cannot_decide_goes_to_pyyaml(text: str, why: str) -> None:
    assert _fast(text) is None, why
    assert _same(_ours(text), _reference(text))


def test_hostile_input_ends_in_one_clear_error() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    )
    with pytest.raises(YamlError, match="alias bomb"):
        load_documents(bomb, path="templates/bomb.yaml")
    with pytest.raises(YamlError, match="nests deeper"):
        load_documents("a: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(YamlError, match=r"templates/x\.yaml:3: while parsing a flow node"):
        load_documents("a: 1\nb: [\n", path="templates/x.yaml")
