"""Index benchmark: merge one new package into each real corpus index, ci-helm vs `helm repo index --merge`.

For each index in ../shared/corpus/indexes/, a directory holding one new chart package is
indexed with --merge of the real index, by the helm CLI and by the ci-helm CLI (each a
process, as in CI); the library time (load + merge + serialize, no start-up) is printed too.

    python benchmarks/bench_index.py [--corpus ../shared/corpus] [--helm .tools/helm/helm] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{argv[0]} failed: {done.stderr[-500:]}")
    return time.perf_counter() - started


def library_merge(index: Path, package_dir: Path) -> float:
    from ci_helm.repoindex import index_directory, load_index, merge_indexes, serialize_index

    started = time.perf_counter()
    existing = load_index(index.read_bytes(), path=str(index))
    entries, _ = index_directory(package_dir, base_url=None, created="2026-01-01T00:00:00Z")
    merged, _ = merge_indexes(existing, entries, generated="2026-01-01T00:00:00Z")
    (package_dir / "lib-index.yaml").write_bytes(serialize_index(merged))
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--helm", default=os.environ.get("CI_HELM_TEST_HELM", str(ROOT / ".tools/helm/helm")))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    chart = args.corpus / "charts" / "helm-examples" / "hello-world"
    print(f"merging one new package into each real index, best of {args.rounds} rounds")
    print(f"  {'index':<34} {'size':>8} {'helm':>8} {'ci-helm':>8} {'ratio':>6} {'library':>8}")
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        pkg = Path(tmp) / "pkg"
        subprocess.run(
            [sys.executable, "-m", "ci_helm", "package", str(chart), "-d", str(pkg), "--version", "99.0.0"],
            check=True,
            capture_output=True,
            env=env,
        )
        for index in sorted((args.corpus / "indexes").glob("*.yaml")):
            helm_dir, ours_dir = Path(tmp) / "helm", Path(tmp) / "ours"
            best = {"helm": float("inf"), "ours": float("inf"), "lib": float("inf")}
            for _ in range(args.rounds):
                for d in (helm_dir, ours_dir):
                    shutil.rmtree(d, ignore_errors=True)
                    shutil.copytree(pkg, d)
                best["helm"] = min(
                    best["helm"], timed([args.helm, "repo", "index", str(helm_dir), "--merge", str(index)])
                )
                best["ours"] = min(
                    best["ours"],
                    timed(
                        [
                            sys.executable,
                            "-m",
                            "ci_helm",
                            "repo",
                            "index",
                            str(ours_dir),
                            "--merge",
                            str(index),
                        ],
                        env,
                    ),
                )
                best["lib"] = min(best["lib"], library_merge(index, ours_dir))
            size = f"{index.stat().st_size / 1e6:.2f}MB"
            print(
                f"  {index.name:<34} {size:>8} {best['helm']:7.2f}s {best['ours']:7.2f}s "
                f"{best['helm'] / best['ours']:5.1f}x {best['lib']:7.2f}s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
