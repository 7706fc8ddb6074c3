"""Every corpus chart: our package holds Helm's files, and Helm renders it exactly like the directory."""

from __future__ import annotations

import json
import subprocess
import tarfile
from pathlib import Path

import pytest

CORPUS_CHARTS = (
    sorted(
        p["path"]
        for p in json.loads(
            (
                Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "manifest.json"
            ).read_text()
        )
    )
    if (Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "manifest.json").is_file()
    else []
)


def helm(helm_oracle: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(helm_oracle), *args], capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("chart", CORPUS_CHARTS or ["<corpus missing>"])
def test_corpus_chart_packages_like_helm(
    run_cli, corpus: Path, helm_oracle: Path, tmp_path: Path, chart: str
) -> None:  # type: ignore[no-untyped-def]
    source = corpus / chart
    theirs = helm(helm_oracle, "package", str(source), "-d", str(tmp_path / "helm"))
    ours = run_cli("package", str(source), "-d", str(tmp_path / "ours"), "--format", "json")
    if theirs.returncode != 0:
        assert ours.exit_code == 1
        assert "missing in charts/ directory" in theirs.stderr
        assert "missing in charts/ directory" in json.loads(ours.stdout)[0]["error"]
        return
    assert ours.exit_code == 0, ours.stdout
    archive = Path(json.loads(ours.stdout)[0]["path"])
    helm_archive = next((tmp_path / "helm").glob("*.tgz"))
    assert archive.name == helm_archive.name
    with tarfile.open(archive) as a, tarfile.open(helm_archive) as b:
        assert sorted(a.getnames()) == sorted(b.getnames())
        assert a.getnames()[0].endswith("/Chart.yaml")
    from_dir = helm(helm_oracle, "template", "rel", str(source))
    again = helm(helm_oracle, "template", "rel", str(source))
    from_tgz = helm(helm_oracle, "template", "rel", str(archive))
    assert from_tgz.returncode == from_dir.returncode
    assert_same_render(from_dir.stdout, again.stdout, from_tgz.stdout)


def assert_same_render(first: str, second: str, packaged: str) -> None:
    """Equal line by line, except lines that differ between two renders of the directory (randAlphaNum)."""
    a, b, c = first.splitlines(), second.splitlines(), packaged.splitlines()
    assert len(c) == len(a)
    random_lines = sum(1 for x, y in zip(a, b, strict=True) if x != y)
    assert random_lines < max(10, len(a) // 10)
    for line_a, line_b, line_c in zip(a, b, c, strict=True):
        if line_a == line_b:
            assert line_c == line_a


def test_corpus_is_listed() -> None:
    assert len(CORPUS_CHARTS) == 39
