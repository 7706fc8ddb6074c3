"""SemVer parsing, ordering and Helm (Masterminds/semver v3) constraints."""

from __future__ import annotations

import pytest

from ci_helm.model.semver import SemverError, Version, is_semver, parse_constraint, parse_version


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2.3", "1.2.3"),
        ("v1.2.3", "1.2.3"),
        ("1.2", "1.2.0"),
        ("1", "1.0.0"),
        ("1.2.3-rc.1+build.5", "1.2.3-rc.1+build.5"),
        ("0.0.0-0", "0.0.0-0"),
    ],
)
def test_loose_parse_like_helm(text: str, expected: str) -> None:
    assert str(Version.parse(text)) == expected


@pytest.mark.parametrize(
    "text", ["", "1.2.3.4", "a.b.c", "1.2.3-", "1.2.3-01", "1.2.3+", "-1.0.0", "1.2.3-a..b"]
)
def test_invalid_versions(text: str) -> None:
    with pytest.raises(SemverError):
        Version.parse(text)


@pytest.mark.parametrize("text", ["v1.2.3", "1.2", "01.2.3", "1.02.3"])
def test_strict_semver2_refuses_helm_leniencies(text: str) -> None:
    with pytest.raises(SemverError, match=r"SemVer 2\.0\.0"):
        Version.parse(text, strict=True)


def test_semver2_precedence_example() -> None:
    ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
        "10.0.0",
    ]
    parsed = [Version.parse(v) for v in ordered]
    assert sorted(reversed(parsed)) == parsed


def test_is_semver_is_strict_semver2_with_an_optional_v() -> None:
    assert is_semver("1.2.3-rc.4+sha.abc") and is_semver("v1.0.0")
    assert not any(is_semver(v) for v in ("1.2", "01.2.3", "1.2.3-", "1.2.3+", "latest"))


def test_build_metadata_is_ignored_in_comparisons() -> None:
    assert Version.parse("1.0.0+a") == Version.parse("1.0.0+b")
    assert len({Version.parse("1.0.0+a"), Version.parse("1.0.0")}) == 1


# (constraint, versions it allows, versions it refuses)
CONSTRAINTS = [
    ("^1.2.3", ["1.2.3", "1.9.0", "1.9.9"], ["2.0.0", "1.2.2", "1.3.0-rc.1"]),
    ("^0.2.3", ["0.2.3", "0.2.9"], ["0.3.0", "0.2.2"]),
    ("^0.0.3", ["0.0.3"], ["0.0.4"]),
    ("^0", ["0.9.0"], []),
    ("~1.2.3", ["1.2.3", "1.2.9"], ["1.3.0"]),
    ("~1", ["1.0.0", "1.9.0", "1.9.9"], ["2.0.0"]),
    ("1.x", ["1.4.0"], []),
    ("1.2.x", ["1.2.0", "1.2.7"], ["1.3.0"]),
    ("2.x", ["2.0.0", "2.3.4"], ["3.0.0", "1.9.9"]),
    ("*", ["0.0.1", "4.5.6", "9.9.9"], ["1.0.0-alpha"]),
    ("", ["4.5.6"], []),
    (">=1.0.0 <2.0.0", ["1.5.0"], []),
    (">=1.0.0 <2", ["1.0.0", "1.5.0"], ["2.0.0", "0.9.0"]),
    (">=1.0.0, <2.0.0", ["1.5.0"], ["2.0.0"]),
    (">1.0", ["1.1.0"], ["1.0.5"]),
    ("<=1.2", ["1.2.9"], ["1.3.0"]),
    ("!=1.2.3", [], ["1.2.3"]),
    ("1.2 - 1.4.5", ["1.2.0", "1.4.5"], ["1.4.6", "1.1.9"]),
    ("<1.0.0 || >=3.0.0", ["0.5.0", "3.1.0"], ["2.0.0"]),
    ("=1.2.3", ["1.2.3+meta"], []),
    ("=v1.2.3", ["1.2.3"], ["1.2.4"]),
    ("0.0.0", ["0.0.0"], ["0.0.1"]),
    # prereleases only match a constraint that names a prerelease, as in Helm
    (">=1.0.0", [], ["1.1.0-rc.1"]),
    (">=1.0.0-0", ["1.0.0-rc.1", "1.1.0-rc.1", "1.0.0"], ["0.9.0"]),
    ("^1.0.0", [], ["1.2.0-beta"]),
    (">=1.19.0-0", ["1.31.0-gke.100"], []),
    (">= 1.19.0-0 < 1.33.0-0", ["1.32.3-eks-1"], []),
]


@pytest.mark.parametrize(("constraint", "allowed", "refused"), CONSTRAINTS)
def test_constraints_like_helm(constraint: str, allowed: list[str], refused: list[str]) -> None:
    parsed = parse_constraint(constraint)
    for version in allowed:
        assert parsed.allows(version), (constraint, version)
        assert parsed.allows(parse_version(version)), (constraint, version)
    for version in refused:
        assert not parsed.allows(version), (constraint, version)
        assert not parsed.allows(parse_version(version)), (constraint, version)


@pytest.mark.parametrize("text", ["~>", ">=a.b", "1.2.3 !! 2", "foo", ">= banana"])
def test_bad_constraints(text: str) -> None:
    with pytest.raises(SemverError, match="improper constraint"):
        parse_constraint(text)
