"""Every corpus chart, with default values and each ``ci/*-values.yaml``, against the helm oracle.

Differences are allowed only document by document (see ``tests/support/helm_compare``):
random content that also differs between two oracle runs, Helm 4.2's kept trailing
newlines (helm#31952), and the narrow documented list of Helm 4.1 -> 4.2 changes. Charts
marked NEEDS EXTERNAL DEPENDENCY (and any the oracle itself refuses) must fail with one
clear line, as Helm does.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT, CliResult
from tests.support.helm_compare import compare_outputs

CORPUS = Path(os.environ.get("CI_HELM_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


def _records() -> list[dict[str, Any]]:
    manifest = CORPUS / "manifest.json"
    return json.loads(manifest.read_text()) if manifest.is_file() else []


def _oracle(helm: Path, chart: Path, values: Path | None, home: Path) -> subprocess.CompletedProcess[str]:
    args = [str(helm), "template", str(chart), *(["-f", str(values)] if values else [])]
    env = {**os.environ, **{v: str(home / v.lower()) for v in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME")}}
    return subprocess.run(args, capture_output=True, text=True, env=env, check=False, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("record", _records(), ids=lambda r: r["path"].removeprefix("charts/"))
def test_corpus_chart_renders_like_helm(
    record: dict[str, Any],
    corpus: Path,
    helm_oracle: Path,
    run_cli: Callable[..., CliResult],
    tmp_path: Path,
) -> None:
    chart = corpus / record["path"]
    scenarios: list[Path | None] = [None, *(chart / f for f in record["ci_values_files"])]
    for values in scenarios:
        label = f"{record['path']} {values.name if values else '(defaults)'}"
        ours = run_cli(
            "template", str(chart), *(["-f", str(values)] if values else []), "--render-workers", "1"
        )
        if record["needs_external_dependency"]:
            assert ours.exit_code == 1, label
            errors = [line for line in ours.stderr.splitlines() if line.startswith("error: ")]
            assert len(errors) == 1 and "missing in charts/ directory" in errors[0], ours.stderr
            continue
        expected = _oracle(helm_oracle, chart, values, tmp_path)
        if expected.returncode != 0:
            _assert_same_failure(label, expected.stderr, ours)
            continue
        assert ours.exit_code == 0, f"{label}: {ours.stderr}"
        problems = compare_outputs(expected.stdout, expected.stdout, ours.stdout)
        if problems:  # maybe random content: a second oracle run tells which lines are volatile
            again = _oracle(helm_oracle, chart, values, tmp_path).stdout
            problems = compare_outputs(expected.stdout, again, ours.stdout)
        assert problems == [], f"{label}:\n" + "\n".join(map(str, problems[:10]))


def _assert_same_failure(label: str, helm_stderr: str, ours: CliResult) -> None:
    assert ours.exit_code == 1, f"{label}: helm failed ({helm_stderr.strip()}) but we did not"
    lines = [line for line in ours.stderr.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in ours.stderr, ours.stderr
    for marker in ("missing in charts/ directory", "library charts are not installable", "schema"):
        if marker.split()[0] in helm_stderr:
            assert marker.split()[0] in lines[0], f"{label}: helm said {helm_stderr!r}, we said {lines[0]!r}"
