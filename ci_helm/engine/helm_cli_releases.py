""":class:`~ci_helm.engine.releases.ReleaseEngine` over a ``helm`` binary (``--engine helm-cli``).

The same operations as the embedded SDK, read back from ``-o json``; Helm's stderr goes
through the same one-line error translation.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ci_helm.adapters import proc
from ci_helm.engine.helm_home import HelmHome
from ci_helm.engine.release_errors import translate_release_text
from ci_helm.engine.releases import ApplyOptions, ClusterTarget, Release, TestRun
from ci_helm.errors import CommandError, ReleaseError

__all__ = ["HelmCliReleases"]

_CHART = re.compile(r"^(?P<name>.+)-(?P<version>v?\d+(?:\.\d+)*(?:[-+].*)?)$")


class HelmCliReleases:
    def __init__(self, target: ClusterTarget, home: HelmHome, binary: str = "helm") -> None:
        self.target = target
        self._home = home
        self._binary = binary

    def _run(self, args: list[str], release: str = "", timeout: float = 600.0) -> str:
        argv = [self._binary, *args, "--namespace", self.target.namespace]
        if self.target.kubeconfig:
            argv += ["--kubeconfig", self.target.kubeconfig]
        if self.target.context:
            argv += ["--kube-context", self.target.context]
        try:
            done = proc.run(argv, env=self._home.process_env(os.environ), timeout=timeout + 30)
        except CommandError as exc:
            if exc.returncode is None:
                raise
            # Helm logs (level=WARN msg=...) repeat the error; keep the error lines.
            text = "\n".join(line for line in exc.stderr.splitlines() if not line.startswith("level="))
            kind = "HelmNotFoundError" if "release: not found" in text else "helm"
            raise translate_release_text(text, kind, release, self.target) from None
        return done.stdout

    def cancel(self) -> None:
        """Not supported: a running helm process finishes (or times out) on its own."""

    def check_reachable(self) -> None:
        self._run(["list", "--max", "1", "-o", "json"])

    def _apply(
        self, verb: str, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions
    ) -> Release:
        with tempfile.TemporaryDirectory(prefix="ci-helm-") as tmp:
            values_file = Path(tmp) / "values.json"
            values_file.write_text(json.dumps(dict(values)), encoding="utf-8")
            args = [verb, name, os.fspath(chart), "-f", str(values_file), "-o", "json"]
            args += ["--timeout", f"{int(opts.timeout)}s"]
            args += ["--wait=watcher"] if opts.wait and not opts.dry_run else []
            args += ["--dry-run=client"] if opts.dry_run else []
            if verb == "install":  # client-side apply, as the embedded engine (see releases.py)
                args += ["--server-side=false"] + (["--create-namespace"] if opts.create_namespace else [])
            if verb == "upgrade":
                # Only valid for server-side applied releases (see releases.py).
                args += (
                    ["--force-conflicts"] if not opts.dry_run and self._apply_method(name) == "ssa" else []
                )
                args += ["--reuse-values"] if opts.reuse_values else []
                args += ["--reset-values"] if opts.reset_values else []
            args += ["--description", opts.description] if opts.description else []
            return _release(json.loads(self._run(args, name, opts.timeout)))

    def _apply_method(self, name: str) -> str:
        try:
            return str(
                json.loads(self._run(["get", "metadata", name, "-o", "json"], name)).get("applyMethod") or ""
            )
        except ReleaseError:
            return ""

    def install(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release:
        return self._apply("install", chart, name, values, opts)

    def upgrade(self, chart: Path, name: str, values: Mapping[str, Any], opts: ApplyOptions) -> Release:
        return self._apply("upgrade", chart, name, values, opts)

    def rollback(self, name: str, revision: int | None, *, wait: bool, timeout: float) -> None:
        args = ["rollback", name] + ([str(revision)] if revision else []) + ["--timeout", f"{int(timeout)}s"]
        self._run(args + (["--wait=watcher"] if wait else []), name, timeout)

    def uninstall(self, name: str, *, wait: bool, timeout: float) -> None:
        args = ["uninstall", name, "--timeout", f"{int(timeout)}s"] + (["--wait"] if wait else [])
        self._run(args, name, timeout)

    def list_releases(self, *, all_namespaces: bool = False, name_filter: str | None = None) -> list[Release]:
        args = ["list", "--all", "-o", "json"] + (["--all-namespaces"] if all_namespaces else [])
        args += ["--filter", name_filter] if name_filter else []
        return [_listed(r) for r in json.loads(self._run(args) or "[]")]

    def status(self, name: str, revision: int | None = None) -> Release:
        args = ["status", name, "-o", "json"]
        args += ["--revision", str(revision)] if revision else []
        return _release(json.loads(self._run(args, name)))

    def history(self, name: str) -> list[Release]:
        entries = json.loads(self._run(["history", name, "-o", "json", "--max", "100000"], name) or "[]")
        return [_history_entry(name, self.target.namespace, e) for e in entries]

    def get_values(
        self, name: str, *, all_values: bool = False, revision: int | None = None
    ) -> dict[str, Any]:
        args = ["get", "values", name, "-o", "json"] + (["--all"] if all_values else [])
        args += ["--revision", str(revision)] if revision else []
        return dict(json.loads(self._run(args, name)) or {})

    def test(self, name: str, *, timeout: float) -> TestRun:
        try:
            out = self._run(["test", name, "--logs", "--timeout", f"{int(timeout)}s"], name, timeout)
        except ReleaseError as exc:
            return TestRun(passed=False, logs="", message=exc.message)
        return TestRun(passed=True, logs=out)


def _split_chart(text: str) -> tuple[str, str]:
    found = _CHART.match(text or "")
    return (found["name"], found["version"]) if found else (text, "")


def _release(data: Mapping[str, Any]) -> Release:
    info, meta = data.get("info") or {}, (data.get("chart") or {}).get("metadata") or {}
    return Release(
        name=str(data.get("name", "")),
        namespace=str(data.get("namespace", "")),
        revision=int(data.get("version", 0)),
        status=str(info.get("status", "")),
        chart_name=str(meta.get("name", "")),
        chart_version=str(meta.get("version", "")),
        app_version=str(meta.get("appVersion", "")),
        updated=str(info.get("last_deployed", "")),
        description=str(info.get("description", "")),
        notes=str(info.get("notes", "")),
        manifest=str(data.get("manifest", "")),
    )


def _listed(data: Mapping[str, Any]) -> Release:
    chart, version = _split_chart(str(data.get("chart", "")))
    return Release(
        name=str(data["name"]),
        namespace=str(data.get("namespace", "")),
        revision=int(data.get("revision", 0)),
        status=str(data.get("status", "")),
        chart_name=chart,
        chart_version=version,
        app_version=str(data.get("app_version", "")),
        updated=str(data.get("updated", "")),
    )


def _history_entry(name: str, namespace: str, data: Mapping[str, Any]) -> Release:
    chart, version = _split_chart(str(data.get("chart", "")))
    return Release(
        name=name,
        namespace=namespace,
        revision=int(data.get("revision", 0)),
        status=str(data.get("status", "")),
        chart_name=chart,
        chart_version=version,
        app_version=str(data.get("app_version", "")),
        updated=str(data.get("updated", "")),
        description=str(data.get("description", "")),
    )
