"""``ci-helm test``: install each chart in each scenario into a fresh namespace, wait for
readiness, run its test hooks, and always clean up (chart-testing's ``ct install``, done better).

A scenario is a values file ``<chart>/ci/*-values.yaml`` or, without any, the defaults.
Each job gets its own namespace, so scenarios run in parallel without clashing. On
failure, a debug bundle (events, objects, pod logs) is written before the clean-up.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ci_helm.deploy.bundle import write_bundle
from ci_helm.deploy.deployer import Deployer, DeployFailed, DeployRequest
from ci_helm.deploy.jinja_chart import JinjaChartCompiler
from ci_helm.engine.releases import ApplyOptions, ReleaseEngine
from ci_helm.errors import CiHelmError
from ci_helm.model.results import CheckResult, Level, Problem

__all__ = ["ChartTester", "NamespaceAdmin", "Scenario", "TestJob", "find_scenarios"]


@dataclass(frozen=True)
class Scenario:
    name: str  # "default" or the values file's stem ("ha" for ci/ha-values.yaml)
    values: dict[str, Any]
    path: str | None = None


def find_scenarios(
    chart_dir: Path,
    load: Callable[[Path], dict[str, Any]],
    ci_dir: str = "ci",
    pattern: str = "*-values.yaml",
) -> list[Scenario]:
    files = sorted((chart_dir / ci_dir).glob(pattern)) if ci_dir else []
    if not files:
        return [Scenario("default", {})]
    return [Scenario(f.name.removesuffix(".yaml").removesuffix("-values"), load(f), str(f)) for f in files]


@dataclass(frozen=True)
class TestJob:
    chart_dir: Path
    chart_name: str
    scenario: Scenario
    upgrade_from: Path | None = None  # the chart as it is on the target branch (--upgrade)
    chart_version: str = ""


class NamespaceAdmin(Protocol):
    """The cluster calls ``ci-helm test`` makes besides Helm's (``adapters.kube.KubeClient``)."""

    def create_namespace(self, name: str, labels: dict[str, str] | None = None) -> None: ...

    def delete_namespace(self, name: str, *, wait: float = 0.0) -> bool: ...

    def get(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any] | None: ...

    def events(self, namespace: str, kind: str, name: str) -> list[dict[str, Any]]: ...

    def list_objects(
        self, api_version: str, kind: str, namespace: str, label_selector: str | None = None
    ) -> list[dict[str, Any]]: ...

    def pod_log(
        self, namespace: str, name: str, *, container: str | None = None, previous: bool = False
    ) -> str: ...


def _label(text: str, limit: int) -> str:
    cleaned = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    return cleaned[:limit].rstrip("-") or "x"


class ChartTester:
    def __init__(
        self,
        releases_in: Callable[[str], ReleaseEngine],
        cluster: NamespaceAdmin,
        *,
        timeout: float,
        artifacts: Path | None = None,
    ) -> None:
        self.releases_in = releases_in
        self.cluster = cluster
        self.timeout = timeout
        self.artifacts = artifacts
        self.live_namespaces: set[str] = set()  # for clean-up on interrupt
        self._engines: list[ReleaseEngine] = []
        self._lock = threading.Lock()

    def cancel(self) -> None:
        """Abort the Helm operations in flight; their jobs then clean up as after any failure."""
        with self._lock:
            engines = list(self._engines)
        for engine in engines:
            engine.cancel()

    def run(self, job: TestJob) -> CheckResult:
        started = time.monotonic()
        namespace = (
            f"ci-helm-{_label(job.chart_name, 30)}-{_label(job.scenario.name, 15)}-{secrets.token_hex(3)}"
        )
        release = _label(job.chart_name, 40)
        result = CheckResult(check=f"install ({job.scenario.name})")
        self.cluster.create_namespace(namespace, {"app.kubernetes.io/managed-by": "ci-helm"})
        with self._lock:
            self.live_namespaces.add(namespace)
        engine = self.releases_in(namespace)
        with self._lock:
            self._engines.append(engine)
        try:
            self._install_and_test(job, engine, release, result)
        except CiHelmError as exc:
            result.problems.append(self._problem("install", exc.message, job))
        finally:
            if result.failed() and self.artifacts is not None:
                bundle = self.artifacts / _label(job.chart_name, 60) / _label(job.scenario.name, 60)
                write_bundle(self.cluster, namespace, bundle)
                result.output += f"\ndebug bundle: {bundle}"
            self._clean_up(engine, release, namespace)
        result.duration_s = time.monotonic() - started
        return result

    def _problem(self, rule: str, message: str, job: TestJob) -> Problem:
        return Problem(
            rule=rule, level=Level.ERROR, message=message, path=job.scenario.path, scenario=job.scenario.name
        )

    def _install_and_test(
        self, job: TestJob, engine: ReleaseEngine, release: str, result: CheckResult
    ) -> None:
        deployer = Deployer(engine, self.cluster)
        with ExitStack() as stack:
            if job.upgrade_from is not None:
                base = self._request(job.upgrade_from, job, release, stack)
                if not self._deploy(deployer, base, job, result, "install of the target branch's version"):
                    return
            request = self._request(job.chart_dir, job, release, stack)
            what = "upgrade from the target branch's version" if job.upgrade_from else "install"
            if not self._deploy(deployer, request, job, result, what):
                return
        run = engine.test(release, timeout=self.timeout)
        result.output = run.logs
        if not run.passed:
            namespace = engine.target.namespace
            failed, logs = self._failed_hooks(namespace)
            result.output = logs or run.logs
            what = ", ".join(failed) or run.message
            result.problems.append(self._problem("test-hooks", f"test hooks failed: {what}", job))

    def _failed_hooks(self, namespace: str) -> tuple[list[str], str]:
        """The failed test pods (with their last log line) and all test pods' logs."""
        failed, logs = [], []
        for pod in self.cluster.list_objects("v1", "Pod", namespace):
            annotations = pod["metadata"].get("annotations") or {}
            if "test" not in str(annotations.get("helm.sh/hook", "")):
                continue
            name = pod["metadata"]["name"]
            text = self.cluster.pod_log(namespace, name)
            logs.append(f"--- {name} ---\n{text.rstrip()}")
            if (pod.get("status") or {}).get("phase") == "Failed":
                last = text.strip().splitlines()[-1:] or ["(no log)"]
                failed.append(f"{name} failed ({last[0]})")
        return failed, "\n".join(logs)

    def _request(self, chart_dir: Path, job: TestJob, release: str, stack: ExitStack) -> DeployRequest:
        """A deploy of ``chart_dir``; Jinja2 charts are compiled to plain charts for Helm."""
        from ci_helm.render.chart_source import load_chart_source

        source = load_chart_source(str(chart_dir), chart_dir)
        prepare = None
        if source.chart.engine == "jinja":
            prepare = JinjaChartCompiler(source.chart, source.path, job.scenario.values)
            stack.callback(prepare.close)
        options = ApplyOptions(wait=True, timeout=self.timeout)
        values = job.scenario.values
        return DeployRequest(source.path, job.chart_name, values, release, options, False, prepare=prepare)

    def _deploy(
        self, deployer: Deployer, request: DeployRequest, job: TestJob, result: CheckResult, what: str
    ) -> bool:
        try:
            deployer.deploy(request)
        except DeployFailed as failed:
            rule = "upgrade" if "upgrade" in what else "install"
            detail = failed.message.split(" failed: ", 1)[-1]
            result.problems.append(self._problem(rule, f"{what} failed: {detail}", job))
            return False
        return True

    def _clean_up(self, engine: ReleaseEngine, release: str, namespace: str) -> None:
        """Always: uninstall, then delete the namespace (which removes anything left)."""
        # Never installed, or already gone: the namespace deletion covers the rest.
        with contextlib.suppress(CiHelmError):
            engine.uninstall(release, wait=False, timeout=self.timeout)
        self.remove_namespace(namespace)

    def remove_namespace(self, namespace: str) -> None:
        try:
            self.cluster.delete_namespace(namespace, wait=60.0)
        except CiHelmError:
            return  # the cluster went away; nothing more can be done from here
        with self._lock:
            self.live_namespaces.discard(namespace)
