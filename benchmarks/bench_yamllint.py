"""yamllint benchmark: rule yaml-style's ``lint_files`` with plain yamllint vs ``yamllint_fast`` (libyaml).

Over every corpus chart's Chart.yaml, values.yaml and ci/*-values.yaml (what ``ci-helm lint`` gives
yamllint), chart-testing's lintconf, one process; best of ``--repeat`` runs each. Both must report the
same problems.

    python benchmarks/bench_yamllint.py [--corpus ../shared/corpus] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any
from unittest import mock

from yamllint import linter

from ci_helm.lint import yamllint_fast
from ci_helm.lint.rules import yaml_style

ROOT = Path(__file__).resolve().parent.parent


def lint_inputs(corpus: Path) -> list[tuple[str, str]]:
    out = []
    for chart in sorted(p.parent for p in (corpus / "charts").glob("*/*/Chart.yaml")):
        for f in [chart / "Chart.yaml", chart / "values.yaml", *sorted((chart / "ci").glob("*-values.yaml"))]:
            if f.is_file():
                out.append((str(f), f.read_text(encoding="utf-8")))
    return out


def plain(text: str, config: Any, path: str | None = None) -> list[Any]:
    return list(linter.run(text, config, path))


def best(files: list[tuple[str, str]], repeat: int) -> tuple[float, list[tuple[str, int, int, str, str]]]:
    times, found = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        found = yaml_style.lint_files(None, files)
        times.append(time.perf_counter() - start)
    return min(times), found


def main() -> None:
    args = argparse.ArgumentParser()
    args.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    args.add_argument("--repeat", type=int, default=5)
    opts = args.parse_args()
    files = lint_inputs(opts.corpus)
    print(f"{len(files)} files, {sum(len(t) for _, t in files) / 1e6:.2f} M characters")
    with mock.patch.object(yamllint_fast, "run", plain):
        old, old_found = best(files, opts.repeat)
    new, new_found = best(files, opts.repeat)
    assert new_found == old_found, "yamllint_fast reports other problems than yamllint"
    print(f"lint_files, plain yamllint:  {old:.3f}s")
    print(f"lint_files, yamllint_fast:   {new:.3f}s  ({len(new_found)} problems, the same)")
    print(f"ratio: {old / new:.1f}x")


if __name__ == "__main__":
    main()
