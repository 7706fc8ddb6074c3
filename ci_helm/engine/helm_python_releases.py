""":class:`~ci_helm.engine.releases.ReleaseEngine` over the embedded Helm SDK (``helm_python``).

``helm_python`` is imported lazily, like the render engine (it is not fork-safe). One
short-lived ``Config`` per call; installs and upgrades carry a cancellation token so
``cancel()`` (Ctrl-C in ``ci-helm test``) aborts them.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from ci_helm.engine.helm_home import HelmHome
from ci_helm.engine.release_errors import translate_release_error
from ci_helm.engine.releases import ApplyOptions, ClusterTarget, Release, TestRun
from ci_helm.errors import ReleaseError

__all__ = ["HelmPythonReleases"]

T = TypeVar("T")


class HelmPythonReleases:
    """:class:`ReleaseEngine` over ``helm_python.Config`` (one short-lived config per call)."""

    def __init__(self, target: ClusterTarget, home: HelmHome) -> None:
        self.target = target
        self._home = home
        self._in_flight: set[Any] = set()  # HelmContext tokens of running installs/upgrades
        self._cancelled = False
        self._lock = threading.Lock()

    def cancel(self) -> None:
        with self._lock:
            self._cancelled = True
            for token in self._in_flight:
                token.cancel()

    @contextmanager
    def _cancellable(self) -> Iterator[Any]:
        from ci_helm.engine.helm_python_engine import load_helm_python

        helm, _ = load_helm_python(self._home)
        token = helm.HelmContext()
        with self._lock:
            if self._cancelled:
                token.cancel()
            self._in_flight.add(token)
        try:
            yield token
        finally:
            with self._lock:
                self._in_flight.discard(token)
            token.close()

    @contextmanager
    def _config(self) -> Iterator[Any]:
        from ci_helm.engine.helm_python_engine import load_helm_python

        helm, _ = load_helm_python(self._home)
        config = helm.Config(
            kubeconfig_path=self.target.kubeconfig,
            kube_context=self.target.context,
            namespace=self.target.namespace,
        )
        try:
            yield config
        finally:
            config.close()

    def _call(self, action: Callable[[Any], T], release: str = "") -> T:
        try:
            with self._config() as config:
                return action(config)
        except Exception as exc:
            if type(exc).__module__.startswith("helm_python"):
                raise translate_release_error(exc, release, self.target) from None
            raise

    def check_reachable(self) -> None:
        self._call(lambda c: c.check_reachable())

    # Through the SDK's full option set rather than Config.install/upgrade, which do not expose
    # the apply method. Helm's server-side apply names its field manager after the process
    # ("python" here, "helm" for the CLI), so fields one applied conflict for the other:
    # - installs use client-side apply, and Helm keeps a release's method on upgrade
    #   ("auto"), so a plain `helm upgrade` of a release ci-helm made just works;
    # - upgrades force conflicts, so ci-helm can upgrade a release the helm CLI applied.
    def install(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release:
        options = {**_apply_options(opts), "create_namespace": opts.create_namespace or None}
        options["server_side_apply"] = False
        return self._native_apply("helm_install", chart, name, values, options)

    def upgrade(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release:
        options = {**_apply_options(opts), "reuse_values": opts.reuse_values or None}
        options["reset_values"] = opts.reset_values or None
        if not opts.dry_run and self._apply_method(name) == "ssa":
            options["force_conflicts"] = True  # only valid with server-side apply
        return self._native_apply("helm_upgrade", chart, name, values, options)

    def _apply_method(self, name: str) -> str:
        """``ssa`` or ``csa``: how the release's latest revision was applied."""
        try:
            return str(self._call(lambda c: c.get_metadata(name), name).get("applyMethod") or "")
        except ReleaseError:
            return ""  # no release yet: Helm reports that itself

    def _native_apply(
        self, function: str, chart: Path, name: str, values: Mapping[str, Any], options: Mapping[str, Any]
    ) -> Release:
        def run(config: Any) -> Any:
            from helm_python import _native

            with self._cancellable() as token:
                return json.loads(
                    _call_apply(
                        _native,
                        function=function,
                        config=config,
                        token=token,
                        chart=chart,
                        name=name,
                        values=values,
                        options=options,
                    )
                )

        return Release.from_helm(self._call(run, name))

    def rollback(self, name: str, revision: int | None, *, wait: bool, timeout: float) -> None:
        self._call(
            lambda c: c.rollback(
                name, version=revision, wait="watcher" if wait else None, timeout=int(timeout)
            ),
            name,
        )

    def uninstall(self, name: str, *, wait: bool, timeout: float) -> None:
        self._call(lambda c: c.uninstall(name, wait="watcher" if wait else None, timeout=int(timeout)), name)

    def list_releases(self, *, all_namespaces: bool = False, name_filter: str | None = None) -> list[Release]:
        found = self._call(
            lambda c: c.list(all_states=True, all_namespaces=all_namespaces, name_filter=name_filter)
        )
        return [Release.from_helm(r) for r in found]

    def status(self, name: str, revision: int | None = None) -> Release:
        return Release.from_helm(self._call(lambda c: c.status(name, revision=revision), name))

    def history(self, name: str) -> list[Release]:
        def run(config: Any) -> list[Release]:
            entries = config.history(name)
            return [_with_description(config, name, entry) for entry in entries]

        return self._call(run, name)

    def get_values(
        self, name: str, *, all_values: bool = False, revision: int | None = None
    ) -> dict[str, Any]:
        found = self._call(lambda c: c.get_values(name, all_values=all_values, revision=revision), name)
        return dict(found or {})

    def test(self, name: str, *, timeout: float) -> TestRun:
        try:
            result = self._call(lambda c: c.test(name, timeout=int(timeout), logs=True), name)
        except ReleaseError as exc:
            return TestRun(passed=False, logs="", message=exc.message)
        return TestRun(passed=True, logs=str(result.get("logs") or ""))


def _call_apply(
    native: Any,
    *,
    function: str,
    config: Any,
    token: Any,
    chart: Path,
    name: str,
    values: Mapping[str, Any],
    options: Mapping[str, Any],
) -> str:
    payload: str = native.call_string(
        function,
        config._raw(),
        token._raw(),
        native.HANDLE(0),  # the chart by path, not by a loaded handle
        os.fspath(chart),
        name,
        json.dumps(dict(values)),
        json.dumps({k: v for k, v in options.items() if v is not None}),
    )
    return payload


def _apply_options(opts: ApplyOptions) -> dict[str, Any]:
    return {
        "timeout_seconds": int(opts.timeout),
        "wait": "watcher" if opts.wait and not opts.dry_run else None,
        "dry_run": "client" if opts.dry_run else None,
        "description": opts.description,
        "labels": dict(opts.labels) or None,
    }


def _with_description(config: Any, name: str, entry: Mapping[str, Any]) -> Release:
    """History entries lack Helm's description ("Upgrade complete", "Rollback to 1"): read it."""
    release = Release.from_helm(entry)
    try:
        info = config.get_all(name, revision=release.revision).get("info") or {}
    except Exception:  # a description is a nicety; the history stands without it
        return release
    return Release(**{**release.__dict__, "description": str(info.get("description", ""))})
