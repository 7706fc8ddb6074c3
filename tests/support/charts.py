"""Write small charts for tests from a ``{relative path: text}`` mapping."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["chart_yaml", "write_chart"]


def chart_yaml(name: str, *, extra: str = "") -> str:
    return f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n{extra}"


def write_chart(root: Path, name: str, files: Mapping[str, str], *, chart_extra: str = "") -> Path:
    """Create ``root/name`` with a Chart.yaml (unless given) and the files; returns the chart dir."""
    chart = root / name
    chart.mkdir(parents=True, exist_ok=True)
    if "Chart.yaml" not in files:
        (chart / "Chart.yaml").write_text(chart_yaml(name, extra=chart_extra), encoding="utf-8")
    for rel, text in files.items():
        target = chart / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return chart
