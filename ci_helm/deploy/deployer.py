"""``deploy``: install or upgrade a release, safely.

Around Helm's own install/upgrade (hooks, ordering, apply and release records are
Helm's): a memorable unique name when none is given, refusal to take over a release of
another chart, detection of releases stuck by an interrupted deploy (and ``--recover``),
a diff against the live release, readiness diagnostics when the wait times out, and an
automatic rollback of a failed upgrade.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ci_helm.deploy.cluster import ClusterReader
from ci_helm.deploy.diagnose import ObjectState, inspect_release
from ci_helm.deploy.diff import ManifestDiff, diff_manifests
from ci_helm.deploy.names import random_name, valid_release_name
from ci_helm.deploy.recovery import last_good, recovery_advice, stuck_revision
from ci_helm.engine.releases import ApplyOptions, Release, ReleaseEngine
from ci_helm.errors import CiHelmError, ClusterError, ReleaseError, UsageError

__all__ = ["DeployFailed", "DeployOutcome", "DeployRequest", "Deployer"]


@dataclass(frozen=True)
class DeployRequest:
    chart: Path
    chart_name: str
    values: Mapping[str, Any]
    name: str | None = None
    options: ApplyOptions = field(default_factory=ApplyOptions)
    rollback_on_failure: bool = True
    force: bool = False
    recover: bool = False
    diff: bool = False
    # For charts Helm cannot render itself (Jinja2): (release name, namespace, is_upgrade) -> chart path.
    prepare: Callable[[str, str, bool], Path] | None = None

    def chart_for(self, name: str, namespace: str, is_upgrade: bool) -> Path:
        return self.prepare(name, namespace, is_upgrade) if self.prepare else self.chart


@dataclass
class DeployOutcome:
    name: str
    action: str  # "installed", "upgraded", "dry-run"
    release: Release | None = None
    diff: ManifestDiff | None = None
    recovered: str = ""
    offline: bool = False  # a dry run without a reachable cluster: everything shows as added


class DeployFailed(ReleaseError):
    """A deploy failed; ``details`` holds the unready objects, ``rolled_back_to`` the restored revision."""

    def __init__(self, message: str, details: list[ObjectState], rolled_back_to: int | None = None) -> None:
        super().__init__(message)
        self.details = details
        self.rolled_back_to = rolled_back_to


class Deployer:
    def __init__(self, releases: ReleaseEngine, cluster: ClusterReader | None = None) -> None:
        self.releases = releases
        self.cluster = cluster

    @property
    def namespace(self) -> str:
        return self.releases.target.namespace

    def history(self, name: str) -> list[Release]:
        """The release's revisions, or [] when there is no such release."""
        try:
            return self.releases.history(name)
        except ReleaseError as exc:
            if "not found" in exc.message:
                return []
            raise

    def deploy(self, request: DeployRequest) -> DeployOutcome:
        if request.options.dry_run:
            return self._dry_run(request)
        name = self._name(request)
        history = self.history(name)
        recovered = ""
        if stuck_revision(history):
            if not request.recover:
                raise ReleaseError(recovery_advice(history, name))
            recovered = self.recover(name, history, request.options.timeout)
            history = self.history(name)
        self._check_chart(request, name, history)
        outcome = DeployOutcome(name, "upgraded" if history else "installed", recovered=recovered)
        if request.diff:
            outcome.diff = self._diff(request, name, bool(history))
        outcome.release = self._apply(request, name, history)
        return outcome

    def _name(self, request: DeployRequest) -> str:
        if request.name is None:
            taken = {r.name for r in self.releases.list_releases()}
            return random_name(taken)
        if not valid_release_name(request.name):
            raise UsageError(
                f"invalid release name {request.name!r}: lower-case letters, digits and '-', at most 53"
            )
        return request.name

    def _check_chart(self, request: DeployRequest, name: str, history: list[Release]) -> None:
        if not history or request.force:
            return
        current = history[-1].chart_name
        if current and current != request.chart_name:
            raise ReleaseError(
                f'release "{name}" in namespace "{self.namespace}" runs chart {history[-1].chart}, '
                f"not {request.chart_name}; choose another name or pass --force to replace its chart"
            )

    def _apply(self, request: DeployRequest, name: str, history: list[Release]) -> Release:
        engine, opts = self.releases, request.options
        previous = last_good(history)
        try:
            chart = request.chart_for(name, self.namespace, bool(history))
            if history:
                return engine.upgrade(chart, name, request.values, opts)
            return engine.install(chart, name, request.values, opts)
        except ClusterError:
            raise
        except ReleaseError as exc:
            details = self._diagnose(name)
            rolled_back, rollback_error = None, ""
            if history and previous is not None and request.rollback_on_failure:
                try:
                    engine.rollback(name, previous.revision, wait=opts.wait, timeout=opts.timeout)
                    rolled_back = previous.revision
                except CiHelmError as failed:  # keep the first failure; say the rollback failed too
                    rollback_error = f"; the rollback to revision {previous.revision} failed too: {failed}"
            action = "upgrade" if history else "install"
            message = _failure_message(f'{action} of "{name}" failed', exc.message, details, rolled_back)
            raise DeployFailed(message + rollback_error, details, rolled_back) from None

    def _diagnose(self, name: str) -> list[ObjectState]:
        if self.cluster is None:
            return []
        try:
            manifest = self.releases.status(name).manifest
            return [s for s in inspect_release(self.cluster, manifest, self.namespace) if not s.ready]
        except (ReleaseError, ClusterError):
            return []

    def recover(self, name: str, history: list[Release], timeout: float) -> str:
        """Roll a stuck release back to its last deployed revision (or remove a never-deployed one)."""
        target = last_good(history[:-1])
        if target is None:
            self.releases.uninstall(name, wait=True, timeout=timeout)
            return f'removed release "{name}", stuck in {history[-1].status} and never deployed'
        self.releases.rollback(name, target.revision, wait=True, timeout=timeout)
        return f'rolled "{name}" back from {history[-1].status} to revision {target.revision}'

    def _diff(self, request: DeployRequest, name: str, exists: bool) -> ManifestDiff:
        dry = replace(request.options, dry_run=True, wait=False)
        live = self.releases.status(name).manifest if exists else ""
        chart = request.chart_for(name, self.namespace, exists)
        if exists:
            desired = self.releases.upgrade(chart, name, request.values, dry).manifest
        else:
            desired = self.releases.install(chart, name, request.values, dry).manifest
        return diff_manifests(live, desired, self.namespace)

    def _dry_run(self, request: DeployRequest) -> DeployOutcome:
        name = request.name or "release-name"
        try:
            self.releases.check_reachable()
        except ClusterError:
            dry = replace(request.options, dry_run=True, wait=False)
            chart = request.chart_for(name, self.namespace, False)
            desired = self.releases.install(chart, name, request.values, dry)
            return DeployOutcome(
                name, "dry-run", desired, diff_manifests("", desired.manifest, self.namespace), offline=True
            )
        history = self.history(name) if request.name else []
        self._check_chart(request, name, history)
        diff = self._diff(request, name, bool(history))
        return DeployOutcome(name, "dry-run", None, diff)


_WAIT_FAILURES = ("context deadline exceeded", "not ready", "timed out")


def _failure_message(what: str, reason: str, details: list[ObjectState], rolled_back: int | None) -> str:
    """``upgrade of "x" failed: Deployment/web not ready: ...; rolled back to revision 2``.

    When objects are unready, Helm's own wait message ("resource ... not ready. status:
    InProgress ... context deadline exceeded") says less than the diagnosis and is dropped.
    """
    parts = [what]
    if details:
        more = f" (and {len(details) - 1} more unready)" if len(details) > 1 else ""
        parts.append(details[0].describe() + more)
        if not any(marker in reason for marker in _WAIT_FAILURES):
            parts.append(reason)
    else:
        parts.append(reason.split(": ", 1)[1] if reason.startswith('release "') else reason)
    text = ": ".join(parts)
    return text + (f"; rolled back to revision {rolled_back}" if rolled_back is not None else "")
