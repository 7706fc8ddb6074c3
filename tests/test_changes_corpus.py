"""Change detection on the real chart corpus (39 charts, vendored subcharts, v1 and v2 charts)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from ci_helm.adapters.git import GitCli
from ci_helm.changes import ChangeOptions, detect
from ci_helm.changes.charts import find_charts
from tests.support.gitrepo import Repo


def manifest(corpus: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((corpus / "manifest.json").read_text())
    return data


def test_top_level_charts_are_exactly_the_corpus_charts(corpus: Path) -> None:
    files = [
        Path(top, name).relative_to(corpus).as_posix()
        for top, _, names in os.walk(corpus / "charts")
        for name in names
    ]
    found = find_charts(files)
    assert found == sorted(m["path"] for m in manifest(corpus))
    nested = [f for f in files if f.endswith("/Chart.yaml") and f.rsplit("/", 1)[0] not in found]
    assert len(nested) > 30  # the vendored subcharts exist, and none is listed as a chart


@pytest.mark.slow
def test_corpus_in_a_real_repository(corpus: Path, tmp_path: Path) -> None:
    repo = Repo.create(tmp_path, {"README.md": "corpus\n"})
    shutil.copytree(corpus / "charts", repo.path / "charts")
    repo.commit("corpus")
    repo.git("push", "-q", "origin", "main")
    repo.branch("feature")
    with_subchart = next(m for m in manifest(corpus) if m["subcharts_in_charts_dir"])
    sub = with_subchart["subcharts_in_charts_dir"][0].split("@")[0]
    sub_values = repo.path / with_subchart["path"] / "charts" / sub / "values.yaml"
    sub_values.write_text(sub_values.read_text() + "\n# touched\n")
    repo.write("charts/grafana/grafana/README.md", "docs only\n")
    repo.write("charts/helm-charts-incubator/raw/ci/extra-values.yaml", "resources: []\n")
    repo.commit("touch three charts")
    result = detect(GitCli(repo.path), ChangeOptions(ignore_globs=("**/README.md",)))
    versions = {m["path"]: m["version"] for m in manifest(corpus)}
    listed = {c.path: (c.version, c.base_version) for c in result.charts}
    assert listed == {
        with_subchart["path"]: (versions[with_subchart["path"]], versions[with_subchart["path"]]),
        "charts/helm-charts-incubator/raw": (versions["charts/helm-charts-incubator/raw"],) * 2,
    }
    assert result.ignored_files == ("charts/grafana/grafana/README.md",)
