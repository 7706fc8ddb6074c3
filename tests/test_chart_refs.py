"""Chart references: local paths resolve, remote kinds are classified and refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from ci_helm.chart.refs import ChartRef, load_chart_ref, parse_chart_ref, resolve_chart
from ci_helm.errors import UsageError


def _chart(root: Path) -> Path:
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\n")
    return root


def test_local_directory_and_archive(tmp_path: Path) -> None:
    _chart(tmp_path / "demo")
    (tmp_path / "x.tgz").write_bytes(b"")
    assert parse_chart_ref("demo", cwd=tmp_path) == ChartRef("dir", str(tmp_path / "demo"))
    assert parse_chart_ref("x.tgz", cwd=tmp_path).kind == "archive"
    assert load_chart_ref("demo", cwd=tmp_path).name == "demo"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("bitnami/nginx", "repo"),
        ("https://example.com/c-1.0.0.tgz", "url"),
        ("oci://ghcr.io/org/chart", "oci"),
    ],
)
def test_remote_kinds_are_classified_and_refused_without_a_fetcher(
    tmp_path: Path, text: str, kind: str
) -> None:
    ref = parse_chart_ref(text, cwd=tmp_path)
    assert ref.kind == kind and ref.is_remote
    with pytest.raises(UsageError, match="not supported yet"):
        resolve_chart(ref)


def test_a_local_directory_wins_over_repo_name(tmp_path: Path) -> None:
    _chart(tmp_path / "bitnami" / "nginx")
    assert parse_chart_ref("bitnami/nginx", cwd=tmp_path).kind == "dir"


def test_repo_parts_and_fetcher_protocol(tmp_path: Path) -> None:
    class Fetcher:
        def fetch(self, ref: ChartRef, dest: Path) -> Path:
            return _chart(dest / str(ref.chart_name))

    ref = parse_chart_ref("stable/demo", cwd=tmp_path)
    assert (ref.repo, ref.chart_name) == ("stable", "demo")
    assert resolve_chart(ref, fetcher=Fetcher(), dest=tmp_path / "dl") == tmp_path / "dl" / "demo"


@pytest.mark.parametrize("text", ["", "no-such-dir", "a/b/c", "missing.tgz"])
def test_unknown_references_are_usage_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(UsageError):
        parse_chart_ref(text, cwd=tmp_path)
