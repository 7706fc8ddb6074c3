"""Untrusted renders run in killable workers: a runaway template times out, it never hangs."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from ci_helm.engine.base import ReleaseOptions
from ci_helm.engine.helm_home import HelmHome
from ci_helm.engine.isolated import IsolatedEngine
from ci_helm.errors import RenderError, RenderTimeout
from tests.conftest import REPO_ROOT, CliResult
from tests.support.charts import write_chart

LOOP = "{{ range $i := until 100000000 }}{{ $i }}{{ end }}\n"
RECURSE = '{{ define "r" }}{{ include "r" . }}{{ end }}{{ include "r" . }}\n'
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n"


@pytest.fixture
def engine(tmp_path: Path) -> IsolatedEngine:
    eng = IsolatedEngine(HelmHome(tmp_path / "helm"), timeout=3.0, workers=2)
    yield eng  # type: ignore[misc]
    eng.close()


def test_looping_template_times_out_and_worker_is_killed(tmp_path: Path, engine: IsolatedEngine) -> None:
    good = write_chart(tmp_path, "good", {"templates/cm.yaml": CM})
    loop = write_chart(tmp_path, "loop", {"templates/loop.yaml": LOOP})
    assert "good/templates/cm.yaml" in engine.render(good, {}, ReleaseOptions()).manifests
    worker = engine._idle[0]
    started = time.monotonic()
    with pytest.raises(RenderTimeout) as err:
        engine.render(loop, {}, ReleaseOptions())
    elapsed = time.monotonic() - started
    assert 2.5 < elapsed < 8, elapsed
    assert "longer than 3s" in str(err.value) and str(err.value).startswith(str(loop))
    assert not worker.process.is_alive()  # killed, not left spinning
    # the pool recovers: the next render gets a fresh worker
    assert (
        engine.render(good, {}, ReleaseOptions(name="again"))
        .manifests["good/templates/cm.yaml"]
        .endswith("name: again\n")
    )


def test_chart_errors_do_not_cost_the_worker(tmp_path: Path, engine: IsolatedEngine) -> None:
    bad = write_chart(tmp_path, "bad", {"templates/cm.yaml": '{{ fail "nope" }}\n'})
    with pytest.raises(RenderError, match="nope"):
        engine.render(bad, {}, ReleaseOptions())
    worker = engine._idle[0]
    with pytest.raises(RenderError):
        engine.render(bad, {}, ReleaseOptions())
    assert engine._idle[0] is worker and worker.process.is_alive()


def test_parallel_renders_share_a_small_pool(tmp_path: Path, engine: IsolatedEngine) -> None:
    charts = [write_chart(tmp_path, f"c{i}", {"templates/cm.yaml": CM}) for i in range(6)]
    results: dict[str, str] = {}

    def render(chart: Path) -> None:
        out = engine.render(chart, {}, ReleaseOptions(name=chart.name))
        results[chart.name] = out.manifests[f"{chart.name}/templates/cm.yaml"]

    threads = [threading.Thread(target=render, args=(c,)) for c in charts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert {k: v.splitlines()[-1] for k, v in results.items()} == {f"c{i}": f"  name: c{i}" for i in range(6)}
    assert len(engine._idle) <= 2  # never more workers than the pool size


def test_cli_recursive_include_ends_with_one_line_timeout(
    tmp_path: Path, run_cli_subprocess: Callable[..., CliResult]
) -> None:
    chart = write_chart(tmp_path, "recurse", {"templates/r.yaml": RECURSE, "templates/ok.yaml": CM})
    started = time.monotonic()
    result = run_cli_subprocess("template", str(chart), "--timeout", "2", timeout=60)
    elapsed = time.monotonic() - started
    # Helm itself stops a recursive include at depth 1000; either way the user gets one line, quickly.
    assert result.exit_code == 1, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "recurse" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr) < 400  # a thousand nested include frames collapsed to the cause
    assert elapsed < 30


def test_cli_loop_times_out(tmp_path: Path, run_cli_subprocess: Callable[..., CliResult]) -> None:
    chart = write_chart(tmp_path, "loop", {"templates/loop.yaml": LOOP})
    started = time.monotonic()
    result = run_cli_subprocess("template", str(chart), "--timeout", "2", timeout=60)
    assert time.monotonic() - started < 20
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: ") and "took longer than 2s and was stopped" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def test_worker_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    """A CI runner cancelling the job (SIGKILL) must not leave a worker spinning in Go."""
    chart = write_chart(tmp_path, "loop", {"templates/loop.yaml": LOOP})
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    parent = subprocess.Popen(
        [sys.executable, "-m", "ci_helm", "template", str(chart), "--timeout", "300"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        workers: list[int] = []
        while not workers and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = [
                c
                for c in _children(parent.pid)
                if b"ci_helm" in _cmdline(c) or b"multiprocessing" in _cmdline(c)
            ]
        assert workers, "no render worker started"
        time.sleep(1.0)  # let it get into the looping template
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 15
        while any(_alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(w) for w in workers), "render worker outlived its parent"
    finally:
        if parent.poll() is None:
            parent.kill()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_environment(pid: int) -> dict[str, str]:
    """The environment a process started with: what a Go runtime inside it reads."""
    entries = Path(f"/proc/{pid}/environ").read_bytes().decode().split("\0")
    return dict(entry.split("=", 1) for entry in entries if "=" in entry)


def test_helm_in_a_worker_starts_with_ci_helms_homes_and_gc_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    engine = IsolatedEngine(HelmHome(tmp_path / "helm"), timeout=30.0, workers=1)
    try:
        engine.version()
        env = _start_environment(engine._idle[0].process.pid)
    finally:
        engine.close()
    assert env["HELM_CACHE_HOME"] == str(tmp_path / "helm" / "cache")
    assert env["HELM_CONFIG_HOME"] == str(tmp_path / "helm" / "config")
    assert env["GOGC"] == "800"
    assert "GOGC" not in os.environ and "HELM_CACHE_HOME" not in os.environ  # this process unchanged


def test_a_gogc_the_user_sets_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOGC", "50")
    engine = IsolatedEngine(HelmHome(tmp_path / "helm"), timeout=30.0, workers=1)
    try:
        engine.version()
        assert _start_environment(engine._idle[0].process.pid)["GOGC"] == "50"
    finally:
        engine.close()
