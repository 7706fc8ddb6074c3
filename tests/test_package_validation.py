"""`ci-helm package` accepts and refuses exactly the Chart.yaml files `helm package` does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

VARIANTS = [
    "apiVersion: v2\nname: UPPER\nversion: 1.0.0\n",
    "apiVersion: v2\nname: with space\nversion: 1.0.0\n",
    "apiVersion: v2\nname: a/b\nversion: 1.0.0\n",
    "apiVersion: v2\nname: ok\nversion: v1.2.3\n",
    "apiVersion: v2\nname: ok\nversion: 1.2.3.4\n",
    "apiVersion: v2\nname: ok\nversion: latest\n",
    "apiVersion: v2\nname: ok\n",
    "apiVersion: v2\nversion: 1.0.0\n",
    "name: ok\nversion: 1.0.0\n",
    "apiVersion: v3\nname: ok\nversion: 1.0.0\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\ndependencies:\n- name: x\n  alias: bad.alias\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\ndependencies:\n- name: x\n- name: x\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\nmaintainers:\n- email: a@b\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\ntype: Library\n",
    "apiVersion: v1\nname: ok\nversion: 1.0.0\ntype: library\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\nkubeVersion: not-a-constraint\n",
    "apiVersion: v2\nname: ok\nversion: [1]\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\nextra: field\n",
    "apiVersion: v2\nname: .\nversion: 1.0.0\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\ndeprecated: maybe\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\ndeprecated: yes\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\nkeywords: notalist\n",
    "- just\n- a list\n",
    "apiVersion: v2\nname: ok\nversion: 1.0.0\nannotations:\n  a: [1]\n",
]


@pytest.mark.parametrize("chart_yaml", VARIANTS)
def test_same_verdict_as_helm(run_cli, helm_oracle: Path, tmp_path: Path, chart_yaml: str) -> None:  # type: ignore[no-untyped-def]
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(chart_yaml)
    (chart / "values.yaml").write_text("x: 1\n")
    helm = subprocess.run(
        [str(helm_oracle), "package", str(chart), "-d", str(tmp_path / "helm")],
        capture_output=True,
        text=True,
        check=False,
    )
    ours = run_cli("package", str(chart), "-d", str(tmp_path / "ours"))
    assert (ours.exit_code == 0) == (helm.returncode == 0), (helm.stderr, ours.stderr)
    if helm.returncode == 0:
        assert [p.name for p in (tmp_path / "ours").iterdir()] == [
            p.name for p in (tmp_path / "helm").iterdir()
        ]
    else:
        assert len(ours.stderr.strip().splitlines()) == 1 and "Traceback" not in ours.stderr
