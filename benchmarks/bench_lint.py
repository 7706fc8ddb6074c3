"""Lint benchmark: ci-helm on the whole corpus vs the chart-testing way of doing the same checks.

The chart-testing way, per chart and sequentially (what ``ct lint`` runs): one ``yamllint``
process over Chart.yaml, values.yaml and the ci values files, a Chart.yaml schema check
(ct runs Yamale in a process; here: a Python process validating required fields, the
cheapest equivalent), and one ``helm lint`` process per scenario (each ci/*-values.yaml,
or the defaults) using the helm oracle. ci-helm does all that plus rendering, Kubernetes
schema validation, deprecated APIs and best practices, in parallel.

    python benchmarks/bench_lint.py [--corpus ../shared/corpus] [--helm .tools/helm/helm]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHART_SCHEMA_CHECK = (
    "import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); "
    "missing = [k for k in ('name', 'version', 'apiVersion', 'description') if k not in d]; "
    "sys.exit(1 if missing else 0)"
)


def chart_dirs(corpus: Path) -> list[Path]:
    manifest = json.loads((corpus / "manifest.json").read_text())
    return [corpus / entry["path"] for entry in manifest]


def children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def chart_testing_way(charts: list[Path], helm: str) -> tuple[float, float]:
    yamllint = str(Path(sys.executable).parent / "yamllint")
    lintconf = ROOT / "ci_helm/lint/data/ct-lintconf.yaml"
    cpu = children_cpu()
    started = time.perf_counter()
    for chart in charts:
        ci_files = sorted((chart / "ci").glob("*-values.yaml")) if (chart / "ci").is_dir() else []
        yaml_files = [chart / "Chart.yaml", *[p for p in [chart / "values.yaml"] if p.exists()], *ci_files]
        subprocess.run(
            [yamllint, "-c", str(lintconf), *map(str, yaml_files)], capture_output=True, check=False
        )
        subprocess.run(
            [sys.executable, "-c", CHART_SCHEMA_CHECK, str(chart / "Chart.yaml")],
            capture_output=True,
            check=False,
        )
        for values in ci_files or [None]:
            extra = ["--values", str(values)] if values else []
            subprocess.run([helm, "lint", str(chart), *extra], capture_output=True, check=False)
    return time.perf_counter() - started, children_cpu() - cpu


def ci_helm_way(corpus: Path) -> tuple[float, float, int]:
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ci_helm",
            "lint",
            "--all",
            "--chart-dirs",
            str(corpus / "charts"),
            "--format",
            "json",
            "--disable-rules",
            "version-increment",
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    elapsed, used = time.perf_counter() - started, children_cpu() - cpu
    if done.returncode not in (0, 1):
        raise SystemExit(f"ci-helm lint failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    return elapsed, used, sum(len(k["problems"]) for c in report["charts"] for k in c["checks"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--helm", default=str(ROOT / ".tools" / "helm" / "helm"))
    parser.add_argument("--repeat", type=int, default=3, help="runs of each way, alternating (median shown)")
    args = parser.parse_args()
    charts = chart_dirs(args.corpus)
    scenarios = sum(
        max(1, len(list((c / "ci").glob("*-values.yaml")))) if (c / "ci").is_dir() else 1 for c in charts
    )
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    found = 0
    for _ in range(max(1, args.repeat)):  # alternating, so a busy spell of the machine hits both
        wall, cpu, found = ci_helm_way(args.corpus)
        ours.append((wall, cpu))
        theirs.append(chart_testing_way(charts, args.helm))
    print(f"corpus: {len(charts)} charts, {scenarios} scenarios, {os.cpu_count()} CPUs, {len(ours)} runs")
    print(f"chart-testing way (yamllint + schema + helm lint per scenario, sequential): {_show(theirs)}")
    print(f"ci-helm lint --all (all rules, parallel; {found} problems reported):        {_show(ours)}")
    ratio = statistics.median(w for w, _ in theirs) / statistics.median(w for w, _ in ours)
    print(f"ratio of the medians: ci-helm is {ratio:.1f}x faster")


def _show(runs: list[tuple[float, float]]) -> str:
    walls = sorted(w for w, _ in runs)
    cpu = statistics.median(c for _, c in runs)
    spread = f" (runs {walls[0]:.1f}-{walls[-1]:.1f}s)" if len(walls) > 1 else ""
    return f"{statistics.median(walls):.1f}s{spread}, {cpu:.1f}s CPU"


if __name__ == "__main__":
    main()
