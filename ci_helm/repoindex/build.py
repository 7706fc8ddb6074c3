"""Index entries for packaged charts, as ``helm repo index`` makes them."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from ci_helm.errors import ChartError
from ci_helm.package.chartfiles import load_chart_archive
from ci_helm.repoindex.model import Entry

__all__ = ["entry_for_package", "index_directory", "rfc3339"]


def rfc3339(moment: datetime) -> str:
    """Go's RFC3339Nano: fractional seconds without trailing zeros, ``Z`` for UTC."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += "." + f"{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def entry_for_package(data: bytes, *, source: str, url: str, created: str) -> Entry:
    """An index entry: the chart's metadata plus urls, created and the archive's sha256."""
    chart = load_chart_archive(data, source=source)
    entry: Entry = dict(chart.metadata)
    entry.update(urls=[url], created=created, digest=hashlib.sha256(data).hexdigest())
    return entry


def index_directory(directory: Path, *, base_url: str | None, created: str) -> tuple[list[Entry], list[str]]:
    """Entries for ``*.tgz`` and ``*/*.tgz`` under ``directory`` (Helm's depth), plus skipped files.

    URLs are relative to the index without ``base_url``. Archives that are not charts are
    skipped (and reported), as Helm skips them.
    """
    entries: list[Entry] = []
    skipped: list[str] = []
    for archive in sorted([*directory.glob("*.tgz"), *directory.glob("*/*.tgz")]):
        rel = archive.relative_to(directory).as_posix()
        url = f"{base_url.rstrip('/')}/{rel}" if base_url else rel
        try:
            entries.append(
                entry_for_package(archive.read_bytes(), source=str(archive), url=url, created=created)
            )
        except ChartError as exc:
            skipped.append(f"{rel}: {exc.message}")
    return entries, skipped
