"""The deploy core with an in-memory release engine: decisions, not Helm (which the cluster tests cover)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from ci_helm.deploy.deployer import Deployer, DeployFailed, DeployRequest
from ci_helm.engine.releases import ApplyOptions, ClusterTarget, Release, TestRun
from ci_helm.errors import ClusterError, ReleaseError


@dataclass
class MemoryReleases:
    """A release store that behaves like Helm's for the calls the deployer makes."""

    target: ClusterTarget = field(default_factory=ClusterTarget)
    revisions: dict[str, list[Release]] = field(default_factory=dict)
    fail_upgrade: bool = False
    fail_rollback: bool = False
    calls: list[str] = field(default_factory=list)

    def _add(self, name: str, chart: str, status: str, description: str) -> Release:
        history = self.revisions.setdefault(name, [])
        for old in history:
            if old.status == "deployed":
                history[history.index(old)] = Release(**{**old.__dict__, "status": "superseded"})
        release = Release(
            name, self.target.namespace, len(history) + 1, status, chart, "1.0.0", description=description
        )
        history.append(release)
        return release

    def check_reachable(self) -> None:
        self.calls.append("reachable")

    def install(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release:
        self.calls.append(f"install {name}")
        return self._add(name, chart.name, "deployed", "Install complete")

    def upgrade(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release:
        self.calls.append(f"upgrade {name}")
        if self.fail_upgrade:
            self.revisions[name].append(
                Release(name, "default", len(self.revisions[name]) + 1, "failed", chart.name)
            )
            raise ReleaseError(f'release "{name}": context deadline exceeded')
        return self._add(name, chart.name, "deployed", "Upgrade complete")

    def rollback(self, name: str, revision: int | None, *, wait: bool, timeout: float) -> None:
        self.calls.append(f"rollback {name} {revision}")
        if self.fail_rollback:
            raise ClusterError("the cluster of kubeconfig is unreachable: connection refused")
        self._add(name, self.revisions[name][-1].chart_name, "deployed", f"Rollback to {revision}")

    def uninstall(self, name: str, *, wait: bool, timeout: float) -> None:
        self.calls.append(f"uninstall {name}")
        del self.revisions[name]

    def list_releases(self, *, all_namespaces: bool = False, name_filter: str | None = None) -> list[Release]:
        return [h[-1] for h in self.revisions.values()]

    def status(self, name: str, revision: int | None = None) -> Release:
        return self.history(name)[-1]

    def history(self, name: str) -> list[Release]:
        if name not in self.revisions:
            raise ReleaseError(f'release "{name}" not found in namespace "default"')
        return list(self.revisions[name])

    def get_values(
        self, name: str, *, all_values: bool = False, revision: int | None = None
    ) -> dict[str, Any]:
        return {}

    def test(self, name: str, *, timeout: float) -> TestRun:
        return TestRun(True, "")

    def cancel(self) -> None:
        pass


def _request(chart: str = "shop", name: str | None = "shop", **kwargs: Any) -> DeployRequest:
    return DeployRequest(Path("/charts") / chart, chart, {}, name, **kwargs)


def test_failed_upgrade_rolls_back_and_says_so() -> None:
    releases = MemoryReleases()
    deployer = Deployer(releases)
    deployer.deploy(_request())
    releases.fail_upgrade = True
    with pytest.raises(DeployFailed) as failed:
        deployer.deploy(_request())
    assert failed.value.rolled_back_to == 1
    assert (
        str(failed.value) == 'upgrade of "shop" failed: context deadline exceeded; rolled back to revision 1'
    )
    assert releases.calls[-1] == "rollback shop 1"


def test_a_failing_rollback_does_not_hide_the_failure() -> None:
    releases = MemoryReleases()
    deployer = Deployer(releases)
    deployer.deploy(_request())
    releases.fail_upgrade = releases.fail_rollback = True
    with pytest.raises(DeployFailed) as failed:
        deployer.deploy(_request())
    assert failed.value.rolled_back_to is None
    assert str(failed.value).startswith('upgrade of "shop" failed: context deadline exceeded; the rollback')
    assert "connection refused" in str(failed.value)


def test_no_rollback_and_first_installs_are_left_alone() -> None:
    releases = MemoryReleases()
    deployer = Deployer(releases)
    deployer.deploy(_request())
    releases.fail_upgrade = True
    with pytest.raises(DeployFailed):
        deployer.deploy(_request(rollback_on_failure=False))
    assert not any(c.startswith("rollback") for c in releases.calls)


def test_names_clashes_and_stuck_releases() -> None:
    releases = MemoryReleases()
    deployer = Deployer(releases)
    first = deployer.deploy(_request(name=None))
    second = deployer.deploy(_request(name=None))
    assert first.name != second.name and first.action == second.action == "installed"
    with pytest.raises(
        ReleaseError, match=r"runs chart shop-1\.0\.0, not blog; choose another name or pass --force"
    ):
        deployer.deploy(_request("blog", first.name))
    assert deployer.deploy(_request("blog", first.name, force=True)).action == "upgraded"
    releases.revisions["stuck"] = [
        Release("stuck", "default", 1, "deployed", "shop"),
        Release("stuck", "default", 2, "pending-upgrade", "shop"),
    ]
    with pytest.raises(ReleaseError, match="stuck in pending-upgrade at revision 2"):
        deployer.deploy(_request(name="stuck"))
    recovered = deployer.deploy(_request(name="stuck", recover=True))
    assert recovered.recovered == 'rolled "stuck" back from pending-upgrade to revision 1'
    releases.revisions["never"] = [Release("never", "default", 1, "pending-install", "shop")]
    assert "never deployed" in deployer.deploy(_request(name="never", recover=True)).recovered
    with pytest.raises(Exception, match="invalid release name"):
        deployer.deploy(_request(name="Not_Valid"))
