"""Helpers shared by the release tests: run a release in-process, read an index, race many releases."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ci_helm.publish.artifact import load_artifact
from ci_helm.publish.release import ReleaseReport, execute, plan_release
from ci_helm.publish.targets import TargetOptions, build_publisher
from ci_helm.yamlio import load_yaml

__all__ = ["index_versions", "race", "release_now"]


def release_now(package: Path, url: str, opts: TargetOptions, *, force: bool = False) -> ReleaseReport:
    """What one pipeline's ``ci-helm release`` does, through the library (threads share no state)."""
    publisher = build_publisher(url, opts)
    artifacts = [load_artifact(package)]
    return execute(plan_release(artifacts, [publisher], force=force), [publisher])


def race(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same instant (a barrier), wait for all, re-raise the first failure."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = jobs[i]()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=240)
    if errors:
        raise errors[0]
    return results


def index_versions(index_yaml: bytes | str) -> list[tuple[str, str]]:
    """Every (name, version) the index lists, duplicates kept so tests can see them."""
    doc = load_yaml(index_yaml)
    return sorted((name, str(e["version"])) for name, entries in doc["entries"].items() for e in entries)
