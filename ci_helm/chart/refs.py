"""Chart references as users write them, resolved to a local chart.

A reference is one of: a chart directory, a ``.tgz`` archive, ``repo/name`` (a chart in a
configured repository), an ``https://`` (or ``http://``) URL of an archive, or an
``oci://`` reference. :func:`parse_chart_ref` classifies without I/O; :func:`resolve_chart`
turns a reference into a local path, asking a :class:`ChartFetcher` for the remote kinds.
Until a fetcher is wired in (the package/release work adds one), remote references end
with a clear UsageError instead of a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from ci_helm.chart.loader import load_chart
from ci_helm.chart.model import Chart
from ci_helm.errors import UsageError

__all__ = ["ChartFetcher", "ChartRef", "RefKind", "load_chart_ref", "parse_chart_ref", "resolve_chart"]

RefKind = Literal["dir", "archive", "repo", "url", "oci"]
_URL = re.compile(r"^https?://", re.IGNORECASE)
_REPO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class ChartRef:
    """A classified chart reference. ``version`` is a constraint (``--version``) or None."""

    kind: RefKind
    text: str
    version: str | None = None

    @property
    def is_remote(self) -> bool:
        return self.kind in ("repo", "url", "oci")

    @property
    def repo(self) -> str | None:
        return self.text.split("/", 1)[0] if self.kind == "repo" else None

    @property
    def chart_name(self) -> str | None:
        return self.text.split("/", 1)[1] if self.kind == "repo" else None


class ChartFetcher(Protocol):
    """Downloads a remote chart reference and returns the local archive or directory."""

    def fetch(self, ref: ChartRef, dest: Path) -> Path: ...


def parse_chart_ref(text: str, *, cwd: Path, version: str | None = None) -> ChartRef:
    """Classify ``text``. A path that exists locally always wins over ``repo/name``, as in Helm."""
    if not text.strip():
        raise UsageError("empty chart reference")
    if text.startswith("oci://"):
        return ChartRef("oci", text, version)
    if _URL.match(text):
        return ChartRef("url", text, version)
    path = Path(text).expanduser()
    path = path if path.is_absolute() else cwd / path
    if path.is_dir():
        return ChartRef("dir", str(path), version)
    if path.is_file():
        return ChartRef("archive", str(path), version)
    if _REPO_NAME.match(text) and not text.endswith((".tgz", ".tar.gz")):
        return ChartRef("repo", text, version)
    raise UsageError(f"chart {text!r} not found: not a directory, an archive, repo/name, https:// or oci://")


def resolve_chart(ref: ChartRef, *, fetcher: ChartFetcher | None = None, dest: Path | None = None) -> Path:
    """The local directory or archive for ``ref`` (remote ones downloaded into ``dest``)."""
    if not ref.is_remote:
        return Path(ref.text)
    if fetcher is None or dest is None:
        raise UsageError(
            f"chart {ref.text!r}: {ref.kind} chart references are not supported yet; "
            "download the chart (helm pull) and pass its path"
        )
    return fetcher.fetch(ref, dest)


def load_chart_ref(
    text: str, *, cwd: Path, fetcher: ChartFetcher | None = None, dest: Path | None = None
) -> Chart:
    """Parse, resolve and load in one step (what most commands want)."""
    return load_chart(resolve_chart(parse_chart_ref(text, cwd=cwd), fetcher=fetcher, dest=dest))
