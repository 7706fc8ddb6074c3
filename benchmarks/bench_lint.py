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


def chart_testing_way(charts: list[Path], helm: str) -> float:
    yamllint = str(Path(sys.executable).parent / "yamllint")
    lintconf = ROOT / "ci_helm/lint/data/ct-lintconf.yaml"
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
    return time.perf_counter() - started


def ci_helm_way(corpus: Path) -> tuple[float, int]:
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
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"ci-helm lint failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    return elapsed, sum(len(k["problems"]) for c in report["charts"] for k in c["checks"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--helm", default=str(ROOT / ".tools" / "helm" / "helm"))
    args = parser.parse_args()
    charts = chart_dirs(args.corpus)
    scenarios = sum(
        max(1, len(list((c / "ci").glob("*-values.yaml")))) if (c / "ci").is_dir() else 1 for c in charts
    )
    ours, found = ci_helm_way(args.corpus)
    theirs = chart_testing_way(charts, args.helm)
    print(f"corpus: {len(charts)} charts, {scenarios} scenarios")
    print(f"chart-testing way (yamllint + schema + helm lint per scenario, sequential): {theirs:.1f}s")
    print(f"ci-helm lint --all (all rules, parallel; {found} problems reported):        {ours:.1f}s")
    print(f"ratio: ci-helm is {theirs / ours:.1f}x faster")


if __name__ == "__main__":
    main()
