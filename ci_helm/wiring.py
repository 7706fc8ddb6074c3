"""The composition root: the one place that builds real adapters from resolved settings.

Commands ask here for what they need (``engine_from_settings(ctx.settings)``) and pass
the result into the pure core; tests pass fakes instead. Helpers add their factories
below (additively), one function per adapter.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ci_helm.engine.base import Engine
from ci_helm.engine.helm_home import HelmHome

if TYPE_CHECKING:
    from ci_helm.adapters.git import GitCli

__all__ = [
    "chart_fetcher",
    "engine_from_settings",
    "git_repo",
    "helm_home_from_settings",
    "kube_client",
    "release_engine",
]


class _SettingsLike(Protocol):
    def get(self, name: str, default: Any = None) -> Any: ...


def helm_home_from_settings(settings: _SettingsLike, environ: Mapping[str, str] | None = None) -> HelmHome:
    return HelmHome.resolve(settings.get("helm-home"), os.environ if environ is None else environ)


def engine_from_settings(
    settings: _SettingsLike, *, trusted: bool = False, environ: Mapping[str, str] | None = None
) -> Engine:
    """The configured Helm engine.

    ``helm-python`` renders in killable worker processes unless ``--no-isolate`` (or
    ``trusted=True``, for charts ci-helm itself wrote): charts from a pull request are
    untrusted code. ``helm-cli`` runs ``--helm-binary`` (subprocesses are killable anyway).
    """
    home = helm_home_from_settings(settings, environ)
    timeout = float(settings.get("timeout", 120.0) or 120.0)
    if settings.get("engine", "helm-python") == "helm-cli":
        from ci_helm.engine.helm_cli import HelmCliEngine

        return HelmCliEngine(str(settings.get("helm-binary") or "helm"), home, timeout=timeout)
    if trusted or not settings.get("isolate", True):
        from ci_helm.engine.helm_python_engine import HelmPythonEngine

        return HelmPythonEngine(home)
    from ci_helm.engine.isolated import IsolatedEngine

    workers = settings.get("render-workers")
    return IsolatedEngine(home, timeout=timeout, workers=int(workers) if workers else None)


def git_repo(cwd: Path, environ: Mapping[str, str] | None = None) -> GitCli:
    """The git repository around ``cwd`` (change detection, version history)."""
    from ci_helm.adapters.git import GitCli

    return GitCli.discover(cwd, env=environ)


def release_engine(settings: _SettingsLike, target: Any, environ: Mapping[str, str] | None = None) -> Any:
    """Release operations (install/upgrade/...) on ``target`` (a ``ClusterTarget``).

    ``--engine helm-cli`` runs the helm binary; otherwise the embedded SDK (in process:
    release operations are not untrusted template code, they are what the user asked for).
    """
    home = helm_home_from_settings(settings, environ)
    if settings.get("engine", "helm-python") == "helm-cli":
        from ci_helm.engine.helm_cli_releases import HelmCliReleases

        return HelmCliReleases(target, home, str(settings.get("helm-binary") or "helm"))
    from ci_helm.engine.helm_python_releases import HelmPythonReleases

    return HelmPythonReleases(target, home)


def chart_fetcher(settings: _SettingsLike, environ: Mapping[str, str] | None = None) -> Any:
    """Downloads remote charts (oci://, https://, --repo) for deploy."""
    from ci_helm.engine.chart_fetch import HelmPythonChartFetcher

    return HelmPythonChartFetcher(helm_home_from_settings(settings, environ))


def kube_client(target: Any) -> Any:
    """The Kubernetes API client for readiness, events and logs (``ci_helm.adapters.kube``)."""
    from ci_helm.adapters.kube import KubeClient

    return KubeClient(target)
