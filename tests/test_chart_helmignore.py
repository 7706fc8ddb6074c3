""".helmignore matching: Go's filepath.Match semantics (the table of Go's own tests) and our fast path."""

from __future__ import annotations

import random

import pytest

from ci_helm.chart.gomatch import BadPattern, _simple_regex, go_match
from ci_helm.chart.helmignore import parse_rules

BAD = "bad"
# (pattern, name, result) from Go's path/filepath match tests.
GO_CASES: list[tuple[str, str, bool | str]] = [
    ("abc", "abc", True),
    ("*", "abc", True),
    ("*c", "abc", True),
    ("a*", "a", True),
    ("a*", "abc", True),
    ("a*", "ab/c", False),
    ("a*/b", "abc/b", True),
    ("a*/b", "a/c/b", False),
    ("a*b*c*d*e*/f", "axbxcxdxe/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/f", True),
    ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", False),
    ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", False),
    ("a*b?c*x", "abxbbxdbxebxczzx", True),
    ("a*b?c*x", "abxbbxdbxebxczzy", False),
    ("ab[c]", "abc", True),
    ("ab[b-d]", "abc", True),
    ("ab[e-g]", "abc", False),
    ("ab[^c]", "abc", False),
    ("ab[^b-d]", "abc", False),
    ("ab[^e-g]", "abc", True),
    ("a\\*b", "a*b", True),
    ("a\\*b", "ab", False),
    ("a?b", "a\u263ab", True),
    ("a[^a]b", "a\u263ab", True),
    ("a???b", "a\u263ab", False),
    ("a[^a][^a][^a]b", "a\u263ab", False),
    ("[a-\u03b6]*", "\u03b1", True),
    ("*[a-\u03b6]", "A", False),
    ("a?b", "a/b", False),
    ("a*b", "a/b", False),
    ("[\\]a]", "]", True),
    ("[\\-]", "-", True),
    ("[x\\-]", "x", True),
    ("[x\\-]", "-", True),
    ("[x\\-]", "z", False),
    ("[\\-x]", "x", True),
    ("[\\-x]", "-", True),
    ("[\\-x]", "a", False),
    ("[]a]", "]", BAD),
    ("[-]", "-", BAD),
    ("[x-]", "x", BAD),
    ("[x-]", "-", BAD),
    ("[x-]", "z", BAD),
    ("[-x]", "x", BAD),
    ("[-x]", "-", BAD),
    ("[-x]", "a", BAD),
    ("\\", "a", BAD),
    ("[a-b-c]", "a", BAD),
    ("[", "a", BAD),
    ("[^", "a", BAD),
    ("[^bc", "a", BAD),
    ("a[", "a", BAD),
    ("a[", "ab", BAD),
    ("a[", "x", BAD),
    ("a/b[", "x", BAD),
    ("*x", "xxx", True),
]


@pytest.mark.parametrize(("pattern", "name", "expected"), GO_CASES)
def test_go_match_agrees_with_go(pattern: str, name: str, expected: bool | str) -> None:
    if expected == BAD:
        with pytest.raises(BadPattern):
            go_match(pattern, name)
    else:
        assert go_match(pattern, name) is expected


def test_fast_path_agrees_with_the_exact_port() -> None:
    rng = random.Random(5)
    for _ in range(5000):
        pattern = "".join(rng.choice("ab./*?") for _ in range(rng.randint(1, 6)))
        name = "".join(rng.choice("ab./") for _ in range(rng.randint(0, 7)))
        regex = _simple_regex(pattern)
        assert regex is not None
        assert (regex.fullmatch(name) is not None) == go_match(pattern, name), (pattern, name)


def test_rules_anchor_directories_and_negation_quirk() -> None:
    rules = parse_rules("/top.txt\ndocs/\n*.bak\n", defaults=True)
    assert rules.ignored("top.txt", is_dir=False) and not rules.ignored("sub/top.txt", is_dir=False)
    assert rules.ignored("docs", is_dir=True) and not rules.ignored("docs", is_dir=False)
    assert rules.ignored("deep/x.bak", is_dir=False)
    assert rules.ignored("templates/.hidden", is_dir=False)  # Helm's default rule
    negated = parse_rules("!keep.txt\n", defaults=False)
    assert negated.ignored("Chart.yaml", is_dir=False) and not negated.ignored("keep.txt", is_dir=False)
