"""``ci-helm lint --changed`` against a real git repository: version increment and the published index."""

from __future__ import annotations

import json
from pathlib import Path

from tests.lint.builders import CHART_YAML, GOOD_DEPLOYMENT
from tests.support.gitrepo import Repo


def chart_files(name: str, version: str) -> dict[str, str]:
    return {
        f"charts/{name}/Chart.yaml": CHART_YAML.format(name=name).replace("0.1.0", version),
        f"charts/{name}/values.yaml": "image: nginx:1.27.0\n",
        f"charts/{name}/templates/web.yaml": GOOD_DEPLOYMENT,
    }


def version_problems(run_cli, repo: Repo, *extra: str) -> tuple[int, list[dict], list[str]]:  # type: ignore[no-untyped-def]
    result = run_cli("lint", "--changed", "--chart-dirs", "charts", "--format", "json", *extra, cwd=repo.path)
    report = json.loads(result.stdout)
    found = [
        p
        for c in report["charts"]
        for k in c["checks"]
        for p in k["problems"]
        if p["rule"] == "version-increment"
    ]
    return result.exit_code, found, [c["chart"] for c in report["charts"]]


def test_changed_chart_needs_a_higher_version(run_cli, tmp_path: Path) -> None:
    repo = Repo.create(tmp_path, {**chart_files("web", "1.2.0"), **chart_files("db", "0.3.0")})
    repo.branch("feature")
    repo.write("charts/web/values.yaml", "image: nginx:1.27.1\n")
    repo.commit("web: new image, version forgotten")
    code, found, charts = version_problems(run_cli, repo)
    assert charts == ["charts/web"]  # db did not change
    assert code == 1 and len(found) == 1
    assert "not higher than 1.2.0" in found[0]["message"] and "1.2.1" in found[0]["message"]
    assert found[0]["file"] == "charts/web/Chart.yaml" and found[0]["line"] == 4
    repo.write_all(chart_files("web", "1.3.0"))
    repo.commit("web: bump")
    code, found, _ = version_problems(run_cli, repo)
    assert code == 0 and found == []


def test_version_already_in_the_published_index(run_cli, tmp_path: Path) -> None:
    repo = Repo.create(tmp_path, chart_files("web", "1.2.0"))
    repo.branch("feature")
    repo.write_all(chart_files("web", "1.3.0"))
    repo.commit("web: bump")
    index = tmp_path / "index.yaml"
    index.write_text("apiVersion: v1\nentries:\n  web:\n    - version: 1.3.0\n    - version: 1.2.0\n")
    code, found, _ = version_problems(run_cli, repo, "--index", str(index))
    assert code == 1 and "already published" in found[0]["message"]
    assert version_problems(run_cli, repo, "--no-check-version-increment", "--index", str(index))[:2] == (
        0,
        [],
    )
