"""The same engine interface over a ``helm`` binary (``--engine helm-cli``).

Every call goes through :mod:`ci_helm.adapters.proc` with HELM_*_HOME isolated like the
embedded engine. ``helm template`` already sorts and splits, so its output is read back
into the raw template-path -> text map (documents joined by ``---``); running that through
:mod:`ci_helm.render` again reproduces it unchanged. NOTES.txt is not part of that output,
which is fine: ``template`` never prints it.
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
from ci_helm.engine.base import (
    LINT_DEFAULTS,
    EngineMessage,
    LintOptions,
    ReleaseOptions,
    RenderResult,
    Severity,
)
from ci_helm.engine.errors import one_line, one_line_render_error
from ci_helm.engine.helm_home import HelmHome
from ci_helm.errors import CiHelmError, CommandError, CommandTimeout, RenderTimeout, ValuesError

__all__ = ["HelmCliEngine", "parse_lint_output", "parse_template_output"]

_SOURCE = re.compile(r"^# Source: (.+)$")
_LINT_LINE = re.compile(r"^\[(INFO|WARNING|ERROR)\] ([^:]*): (.*)$")


class HelmCliEngine:
    def __init__(self, binary: str, home: HelmHome, *, timeout: float | None = None) -> None:
        self._binary = binary
        self._home = home
        self._timeout = timeout

    @property
    def name(self) -> str:
        return "helm-cli"

    def version(self) -> str:
        return self._helm(["version", "--template", "{{.Version}}"], Path(".")).strip()

    def render(self, chart_dir: Path, values: Mapping[str, Any], release: ReleaseOptions) -> RenderResult:
        with tempfile.TemporaryDirectory(prefix="ci-helm-") as tmp:
            values_file = _write_values(Path(tmp), values)
            args = ["template", release.name, os.fspath(chart_dir), "-f", values_file]
            args += ["--namespace", release.namespace]
            if release.kube_version:
                args += ["--kube-version", release.kube_version]
            for api in release.api_versions:
                args += ["--api-versions", api]
            if release.is_upgrade:
                args.append("--is-upgrade")
            out = self._helm(args, chart_dir)
        return RenderResult(manifests=parse_template_output(out))

    def lint(
        self, chart_dir: Path, values: Mapping[str, Any], options: LintOptions = LINT_DEFAULTS
    ) -> list[EngineMessage]:
        with tempfile.TemporaryDirectory(prefix="ci-helm-") as tmp:
            args = ["lint", os.fspath(chart_dir), "-f", _write_values(Path(tmp), values)]
            args += ["--namespace", options.namespace] + (["--strict"] if options.strict else [])
            if options.kube_version:
                args += ["--kube-version", options.kube_version]
            done = proc.run([self._binary, *args], env=self._env(), timeout=self._timeout, check=False)
        return parse_lint_output(done.stdout)

    def close(self) -> None:
        """Nothing to release."""

    def _env(self) -> dict[str, str]:
        return self._home.process_env(os.environ)

    def _helm(self, args: list[str], chart: Path) -> str:
        try:
            return proc.run([self._binary, *args], env=self._env(), timeout=self._timeout).stdout
        except CommandTimeout:
            raise RenderTimeout(f"helm {args[0]} took longer than {self._timeout:g}s", path=chart) from None
        except CommandError as exc:
            if exc.returncode is None:
                raise
            raise _translate(exc.stderr, chart) from None


def _write_values(tmp: Path, values: Mapping[str, Any]) -> str:
    path = tmp / "values.json"  # JSON is YAML: numbers become float64 exactly as with helm_python
    path.write_text(json.dumps(dict(values)), encoding="utf-8")
    return str(path)


def _translate(stderr: str, chart: Path) -> CiHelmError:
    text = one_line(stderr)
    if "values don't meet the specifications of the schema" in text:
        return ValuesError(text, path=chart)
    return one_line_render_error(stderr)


def parse_template_output(out: str) -> dict[str, str]:
    """``helm template`` output back to template path -> its documents joined by ``---``.

    Each document was printed as ``---\n# Source: PATH\n<doc>\n``; the doc is kept exactly
    (whatever trailing newlines this helm version leaves), so reassembly reproduces it.
    """
    docs: dict[str, list[str]] = {}
    current: list[str] | None = None
    for chunk in out.split("---\n"):
        first, _, body = chunk.partition("\n")
        found = _SOURCE.match(first)
        if found is None:
            if current is not None and chunk:
                current[-1] += "---\n" + chunk  # a "---" inside a document's own text
            continue
        current = docs.setdefault(found[1], [])
        current.append(body)
    return {path: "\n---\n".join(d.removesuffix("\n") for d in parts) for path, parts in docs.items()}


def parse_lint_output(out: str) -> list[EngineMessage]:
    messages: list[EngineMessage] = []
    for line in out.splitlines():
        found = _LINT_LINE.match(line)
        if found:
            severity = Severity(found[1].lower())
            messages.append(EngineMessage(severity, found[2], found[3]))
        elif messages and line.strip() and not line.startswith("==>") and "chart(s) linted" not in line:
            last = messages[-1]  # a message that spans lines
            messages[-1] = EngineMessage(last.severity, last.path, last.message + "\n" + line)
    return messages
