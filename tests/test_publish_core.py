"""The pure core of publishing: plan decisions, index merging, SemVer order, redaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from ci_helm.errors import ArchiveError
from ci_helm.publish.artifact import load_artifact
from ci_helm.publish.index import (
    IndexFile,
    apply_change,
    entry_for,
    find_entry,
    parse_index,
    serialize_index,
    version_key,
)
from ci_helm.publish.indexed import select_old
from ci_helm.publish.plan import Action, Observed, decide
from ci_helm.publish.redact import Redactor, display_url
from tests.support.chartpkg import make_package


@pytest.fixture
def artifact(tmp_path: Path):
    return load_artifact(make_package(tmp_path, "app", "1.2.3", prov=True))


def test_artifact_reads_chart_yaml_and_prov(artifact) -> None:
    assert (artifact.name, artifact.version, artifact.filename) == ("app", "1.2.3", "app-1.2.3.tgz")
    assert artifact.prov is not None and artifact.metadata["appVersion"] == "1.0"
    assert len(artifact.digest) == 64


def test_not_a_package_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad-1.0.0.tgz"
    bad.write_bytes(b"not gzip")
    with pytest.raises(ArchiveError, match="not a valid chart archive"):
        load_artifact(bad)


@pytest.mark.parametrize(
    ("index", "stored", "force", "action"),
    [
        (None, None, False, Action.PUBLISH),
        ("ours", "ours", False, Action.SKIP),
        (None, "ours", False, Action.INDEX),
        ("ours", None, False, Action.REUPLOAD),
        ("other", "other", False, Action.CONFLICT),
        (None, "other", False, Action.CONFLICT),
        ("other", "ours", False, Action.CONFLICT),
        ("other", "other", True, Action.REPLACE),
    ],
)
def test_plan_decisions(artifact, index, stored, force, action) -> None:
    def digest(d: str | None) -> str | None:
        return {"ours": artifact.digest, "other": "f" * 64, None: None}[d]

    step = decide(artifact, Observed(digest(index), digest(stored)), force=force)
    assert step.action is action
    if action is Action.CONFLICT:
        assert "--force" in step.detail


def test_apply_change_keeps_others_and_never_duplicates(artifact) -> None:
    doc = parse_index(
        b"apiVersion: v1\nentries:\n  other:\n  - name: other\n    version: 0.1.0\n    urls: [o.tgz]\n"
    )
    entry = entry_for(artifact, ["app-1.2.3.tgz"])
    once = apply_change(doc, [entry])
    twice = apply_change(once, [entry])
    assert [e["version"] for e in twice.entries["app"]] == ["1.2.3"]
    assert find_entry(twice, "other", "0.1.0") is not None
    assert parse_index(serialize_index(twice)).entries["app"][0]["digest"] == artifact.digest
    removed = apply_change(twice, [], [("app", "1.2.3")])
    assert "app" not in removed.entries


def test_semver_order_and_retention() -> None:
    versions = ["1.0.0", "1.10.0", "1.2.0", "1.10.0-rc.1", "2.0.0-alpha", "0.9.9"]
    ordered = sorted(versions, key=version_key, reverse=True)
    assert ordered == ["2.0.0-alpha", "1.10.0", "1.10.0-rc.1", "1.2.0", "1.0.0", "0.9.9"]
    doc = IndexFile(entries={"a": tuple({"version": v} for v in versions), "b": ({"version": "1.0.0"},)})
    assert sorted(select_old(doc, 4, None)) == [("a", "0.9.9"), ("a", "1.0.0")]
    assert select_old(doc, 1, "b") == []


def test_redaction() -> None:
    redact = Redactor(["s3cr3t-value", None, ""])
    assert redact("auth s3cr3t-value failed") == "auth *** failed"
    assert display_url("https://user:pw@host/path?X-Amz-Signature=abc") == "https://host/path"


def test_git_credentials_leave_the_url_for_the_environment() -> None:
    import base64

    from ci_helm.adapters.gitbranch import split_credentials

    url, env = split_credentials("https://bot:s3cr%40t@gitlab.example/acme/charts.git")
    assert url == "https://gitlab.example/acme/charts.git"
    header = env["GIT_CONFIG_VALUE_0"].removeprefix("Authorization: Basic ")
    assert base64.b64decode(header).decode() == "bot:s3cr@t"
    assert split_credentials("file:///tmp/x.git") == ("file:///tmp/x.git", {})
