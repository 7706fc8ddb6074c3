"""SemVer constraints as Masterminds/semver (Helm) reads them."""

from __future__ import annotations

import pytest

from ci_helm.package.semver import is_semver, parse_constraint, parse_version

CASES = [
    ("^1.2.3", ["1.2.3", "1.9.0"], ["2.0.0", "1.2.2", "1.3.0-rc.1"]),
    ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
    ("^0.0.3", ["0.0.3"], ["0.0.4"]),
    ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0"]),
    ("~1", ["1.0.0", "1.9.9"], ["2.0.0"]),
    ("1.2.x", ["1.2.0", "1.2.7"], ["1.3.0"]),
    ("2.x", ["2.0.0", "2.3.4"], ["3.0.0", "1.9.9"]),
    ("*", ["0.0.1", "9.9.9"], ["1.0.0-alpha"]),
    (">=1.0.0 <2", ["1.0.0", "1.5.0"], ["2.0.0", "0.9.0"]),
    (">=1.0.0, <2.0.0", ["1.5.0"], ["2.0.0"]),
    ("1.2 - 1.4.5", ["1.2.0", "1.4.5"], ["1.4.6", "1.1.9"]),
    ("<1.0.0 || >=3.0.0", ["0.5.0", "3.1.0"], ["2.0.0"]),
    (">=1.0.0-0", ["1.0.0-rc.1", "1.0.0"], ["0.9.0"]),
    ("=v1.2.3", ["1.2.3"], ["1.2.4"]),
    ("0.0.0", ["0.0.0"], ["0.0.1"]),
]


@pytest.mark.parametrize(("constraint", "allowed", "refused"), CASES)
def test_constraints(constraint: str, allowed: list[str], refused: list[str]) -> None:
    parsed = parse_constraint(constraint)
    for version in allowed:
        assert parsed.allows(parse_version(version)), (constraint, version)
    for version in refused:
        assert not parsed.allows(parse_version(version)), (constraint, version)


def test_ordering_and_strictness() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
    ]
    assert sorted(ordered, key=parse_version) == ordered
    assert is_semver("1.2.3-rc.4+sha.abc") and is_semver("v1.0.0")
    assert not any(is_semver(v) for v in ("1.2", "01.2.3", "1.2.3-", "1.2.3+", "latest"))
    with pytest.raises(ValueError):
        parse_constraint(">= banana")
