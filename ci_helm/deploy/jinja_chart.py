"""Deploying a Jinja2 (Deployment-Manager-style) chart: render it, then hand Helm a plain chart.

Helm cannot run Jinja2 templates, so the chart is rendered by ``ci_helm.chart.jinja`` for the
release's name, namespace and install/upgrade, and each rendered file becomes a template of a
generated chart whose Go-template delimiters are escaped. Helm then does the rest - hooks,
ordering, release records - so the release is an ordinary Helm release.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ci_helm.engine.base import ReleaseOptions

__all__ = ["JinjaChartCompiler", "escape_go_template"]


def escape_go_template(text: str) -> str:
    """Text that Go templates print verbatim (``{{`` becomes ``{{ "{{" }}``)."""
    return text.replace("{{", '{{ "{{" }}')


class JinjaChartCompiler:
    """Turns a Jinja2 chart into a plain Helm chart for one release; ``close()`` removes the output."""

    def __init__(self, chart: Any, chart_path: Path, values: Mapping[str, Any]) -> None:
        self.chart, self.chart_path, self.values = chart, chart_path, values
        self._tmp = Path(tempfile.mkdtemp(prefix="ci-helm-jinja-"))

    def __call__(self, name: str, namespace: str, is_upgrade: bool) -> Path:
        from ci_helm.chart.jinja import render_jinja_chart

        release = ReleaseOptions(
            name=name, namespace=namespace, is_install=not is_upgrade, is_upgrade=is_upgrade
        )
        rendered: dict[str, str] = render_jinja_chart(self.chart, self.values, release)
        root: Path = self._tmp / f"{name}-{'upgrade' if is_upgrade else 'install'}" / self.chart.name
        if root.exists():
            shutil.rmtree(root)
        (root / "templates").mkdir(parents=True)
        meta = yaml.safe_load((self.chart_path / "Chart.yaml").read_text(encoding="utf-8")) or {}
        meta.pop("dependencies", None)  # subcharts are rendered in already
        (root / "Chart.yaml").write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
        (root / "values.yaml").write_text("{}\n", encoding="utf-8")
        for index, (path, text) in enumerate(sorted(rendered.items())):
            base = Path(path).name.removesuffix(".j2")
            target = "NOTES.txt" if base == "NOTES.txt" else f"{index:03d}-{base}"
            (root / "templates" / target).write_text(escape_go_template(text), encoding="utf-8")
        return root

    def close(self) -> None:
        shutil.rmtree(self._tmp, ignore_errors=True)
