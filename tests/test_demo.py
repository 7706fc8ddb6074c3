"""``make demo``: every stage passes on the examples; a failing stage is reported, not hidden."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ci_helm.demo import STAGES, DemoContext, Stage, StageFailed, run_stages

REPO_ROOT = Path(__file__).resolve().parent.parent


def test_demo_runs_every_stage_on_the_examples() -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "ci_helm.demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    for s in STAGES:
        assert f"] {s.name}: " in out
    assert "guestbook  jinja  ci/ha-values.yaml" in out
    assert "shop       gotpl  ci/nocache-values.yaml" in out
    assert "stub renders like the defaults" in out
    assert out.rstrip().endswith("demo passed: every stage ok")


def test_a_failing_stage_fails_the_demo(tmp_path: Path) -> None:
    def broken(ctx: DemoContext) -> list[str]:
        raise StageFailed("ci-helm lint exited 1: chart broken")

    lines: list[str] = []
    ok = run_stages(
        [Stage("good", "works", lambda ctx: ["fine"]), Stage("bad", "breaks", broken)],
        DemoContext(examples=[], workdir=tmp_path),
        lines.append,
    )
    assert not ok
    assert "  fine" in lines and "  ok" in " ".join(lines)
    assert "  FAILED: ci-helm lint exited 1: chart broken" in lines
