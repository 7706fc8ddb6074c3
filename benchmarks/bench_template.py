"""Render the corpus with ``ci-helm template`` and with the ``helm`` CLI; print times and ratios.

Usage: python benchmarks/bench_template.py [--helm PATH] [--corpus DIR] [--repeat N]

Four ways, each over every corpus chart that renders (default values):

- ``helm template`` (one process per chart; the anchor);
- ``ci-helm template --no-isolate`` (one process per chart, embedded engine in-process);
- ``ci-helm template`` (one process per chart, isolated spawn worker: the CLI default);
- library, isolated pool: one process rendering every chart through a reused worker pool,
  which is how ``lint`` renders many chart x scenario combinations.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def charts(corpus: Path) -> list[Path]:
    records = json.loads((corpus / "manifest.json").read_text())
    return [
        corpus / r["path"] for r in records if not r["needs_external_dependency"] and r["type"] != "library"
    ]


def timed(label: str, run: Callable[[], int], repeat: int) -> tuple[str, float, int]:
    best, ok = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        ok = run()
        best = min(best, time.perf_counter() - started)
    return label, best, ok


def per_process(argv_for: Callable[[Path], list[str]], targets: list[Path], env: dict[str, str]) -> int:
    ok = 0
    for chart in targets:
        done = subprocess.run(argv_for(chart), capture_output=True, env=env, check=False)
        ok += done.returncode == 0
    return ok


def library_pool(targets: list[Path], home: Path) -> int:
    from ci_helm.chart.loader import load_chart
    from ci_helm.engine.base import ReleaseOptions
    from ci_helm.engine.helm_home import HelmHome
    from ci_helm.engine.isolated import IsolatedEngine
    from ci_helm.errors import CiHelmError
    from ci_helm.render.pipeline import render_chart
    from ci_helm.render.template_output import TemplateOptions, stdout_text

    engine = IsolatedEngine(HelmHome(home), timeout=120)
    ok = 0
    try:
        for chart in targets:
            try:
                rendered = render_chart(engine, load_chart(chart), chart, {}, ReleaseOptions())
                ok += bool(stdout_text(rendered.sorted, TemplateOptions()))
            except CiHelmError:
                pass
    finally:
        engine.close()
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--helm", default=os.environ.get("CI_HELM_TEST_HELM", str(REPO / ".tools/helm/helm")))
    parser.add_argument(
        "--corpus", default=os.environ.get("CI_HELM_CORPUS", str(REPO.parent / "shared/corpus"))
    )
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    targets = charts(Path(args.corpus))
    home = Path(os.environ.get("TMPDIR", "/tmp")) / "ci-helm-bench"
    env = {**os.environ, "PYTHONPATH": str(REPO), "CI_HELM_HELM_HOME": str(home)}
    env.update({v: str(home / v.lower()) for v in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME")})
    ci_helm = [sys.executable, "-m", "ci_helm", "template"]
    commands: list[tuple[str, Callable[[Path], list[str]]]] = [
        ("helm template (CLI, per chart)", lambda c: [args.helm, "template", str(c)]),
        ("ci-helm template --no-isolate (per chart)", lambda c: [*ci_helm, str(c), "--no-isolate"]),
        ("ci-helm template, isolated (per chart)", lambda c: [*ci_helm, str(c)]),
    ]
    rows = [
        timed(label, lambda argv=argv: per_process(argv, targets, env), args.repeat)
        for label, argv in commands
    ]
    rows.append(
        timed("ci-helm library, isolated worker pool", lambda: library_pool(targets, home), args.repeat)
    )
    anchor = rows[0][1]
    print(f"{len(targets)} corpus charts, default values, best of {args.repeat}")
    for label, seconds, ok in rows:
        print(f"{label:<45} {seconds:7.2f}s  ({ok} rendered)  ratio vs helm: {seconds / anchor:5.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
