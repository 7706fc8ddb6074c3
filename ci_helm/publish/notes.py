"""Release notes for a chart version: ``artifacthub.io/changes``, else its CHANGELOG section. Pure."""

from __future__ import annotations

import re
from typing import Any

from ci_helm.errors import YamlError
from ci_helm.yamlio import load_yaml

__all__ = ["changelog_section", "release_notes"]


def release_notes(metadata: dict[str, Any], changelog: str | None) -> str:
    """Markdown notes; the chart description when the chart documents no changes."""
    version = str(metadata.get("version", ""))
    changes = _artifacthub_changes(metadata)
    if changes:
        return "\n".join(changes) + "\n"
    section = changelog_section(changelog, version) if changelog else None
    if section:
        return section
    return str(metadata.get("description") or f"{metadata.get('name')} {version}") + "\n"


def _artifacthub_changes(metadata: dict[str, Any]) -> list[str]:
    annotations = metadata.get("annotations") or {}
    raw = annotations.get("artifacthub.io/changes") if isinstance(annotations, dict) else None
    if not raw:
        return []
    try:
        items = load_yaml(str(raw), path="Chart.yaml: artifacthub.io/changes")
    except YamlError:
        return [f"- {line.strip()}" for line in str(raw).splitlines() if line.strip()]
    lines = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            kind = str(item.get("kind", "changed")).capitalize()
            lines.append(f"- **{kind}**: {item.get('description', '')}")
        else:
            lines.append(f"- {item}")
    return lines


def changelog_section(changelog: str, version: str) -> str | None:
    """The body under the heading naming ``version`` (``## 1.2.0``, ``## [1.2.0] - date``, ``## v1.2.0``)."""
    heading = re.compile(rf"^(#+)\s*\[?v?{re.escape(version)}\]?(\s|$)")
    lines = changelog.splitlines()
    for i, line in enumerate(lines):
        match = heading.match(line)
        if match:
            level = len(match.group(1))
            body = []
            for nxt in lines[i + 1 :]:
                if re.match(rf"^#{{1,{level}}}\s", nxt):
                    break
                body.append(nxt)
            text = "\n".join(body).strip()
            return text + "\n" if text else None
    return None
