"""Package benchmark: ci-helm vs `helm package` on every corpus chart.

Both sides package the same charts into temp directories, one process per invocation
(what a CI job does). ci-helm packages all charts in one `ci-helm package` run; helm runs
once per chart (its CLI takes one chart at a time without --dependency-update loops).
The library time (no interpreter start-up) is printed too. Charts Helm refuses (missing
dependencies) are refused by both and counted.

    python benchmarks/bench_package.py [--corpus ../shared/corpus] [--helm .tools/helm/helm] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def chart_dirs(corpus: Path) -> list[Path]:
    return [corpus / entry["path"] for entry in json.loads((corpus / "manifest.json").read_text())]


def helm_way(charts: list[Path], helm: str, out: Path) -> tuple[float, int]:
    started = time.perf_counter()
    ok = sum(
        subprocess.run([helm, "package", str(c), "-d", str(out)], capture_output=True, check=False).returncode
        == 0
        for c in charts
    )
    return time.perf_counter() - started, ok


def ci_helm_cli_way(charts: list[Path], out: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "ci_helm", "package", *map(str, charts), "-d", str(out), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    elapsed = time.perf_counter() - started
    rows = json.loads(done.stdout)
    return elapsed, sum("error" not in r for r in rows)


def ci_helm_library_way(charts: list[Path], out: Path) -> tuple[float, int]:
    from ci_helm.errors import CiHelmError
    from ci_helm.package.packager import PackageOptions, package_chart

    options = PackageOptions(destination=out, source_date_epoch=1700000000)
    started = time.perf_counter()
    ok = 0
    for chart in charts:
        try:
            package_chart(chart, options, commit_time=lambda _p: None)
            ok += 1
        except CiHelmError:
            pass
    return time.perf_counter() - started, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--helm", default=os.environ.get("CI_HELM_TEST_HELM", str(ROOT / ".tools/helm/helm")))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    charts = chart_dirs(args.corpus)
    best: dict[str, tuple[float, int]] = {}
    for _ in range(args.rounds):
        for name, way in (
            ("helm package (1 process per chart)", lambda o: helm_way(charts, args.helm, o)),
            ("ci-helm package (CLI, 1 process)", lambda o: ci_helm_cli_way(charts, o)),
            ("ci-helm library (package_chart)", lambda o: ci_helm_library_way(charts, o)),
        ):
            with tempfile.TemporaryDirectory(prefix="bench-package-") as tmp:
                took, ok = way(Path(tmp))
            if name not in best or took < best[name][0]:
                best[name] = (took, ok)
    base = best["helm package (1 process per chart)"][0]
    print(f"packaging {len(charts)} corpus charts, best of {args.rounds} rounds")
    for name, (took, ok) in best.items():
        print(f"  {name:<38} {took:7.2f}s  {ok} packaged  ({base / took:4.1f}x helm's speed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
