"""Version history for the ``version-increment`` rule: the target branch (from change detection)
and, optionally, a published repository index."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ci_helm.changes import ChangeSet
from ci_helm.lint.model import ChartInput
from ci_helm.yamlio import load_yaml

__all__ = ["ChangeSetHistory", "index_versions"]


class ChangeSetHistory:
    """Previous versions from a :class:`ChangeSet`; published ones from an index's entries."""

    def __init__(
        self,
        changes: ChangeSet | None,
        repo_root: Path | None,
        published: Mapping[str, list[str]] | None = None,
    ) -> None:
        self._published = published or {}
        self._by_path: dict[str, Any] = {}
        if changes is not None and repo_root is not None:
            root = repo_root.resolve()
            self._by_path = {str((root / c.path).resolve()): c for c in changes.charts}
        self._has_changes = changes is not None

    def is_changed(self, chart: ChartInput) -> bool:
        """Without change data every chart counts as changed (explicit charts, --all)."""
        return not self._has_changes or _key(chart) in self._by_path

    def previous_version(self, chart: ChartInput) -> str | None:
        changed = self._by_path.get(_key(chart))
        if changed is None:
            return None
        # chart-testing compares with the tip of the target branch; fall back to the merge-base.
        return changed.target_version or changed.base_version  # type: ignore[no-any-return]

    def published_versions(self, chart: ChartInput) -> list[str]:
        return list(self._published.get(chart.name, []))


def _key(chart: ChartInput) -> str:
    return os.path.realpath(chart.directory)


def index_versions(text: str, source: str) -> dict[str, list[str]]:
    """Chart name → versions listed in a repository ``index.yaml``."""
    data = load_yaml(text, path=source)
    entries = data.get("entries") if isinstance(data, Mapping) else None
    out: dict[str, list[str]] = {}
    if isinstance(entries, Mapping):
        for name, versions in entries.items():
            if isinstance(versions, list):
                out[str(name)] = [
                    str(v["version"]) for v in versions if isinstance(v, Mapping) and "version" in v
                ]
    return out
