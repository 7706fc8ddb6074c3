"""Charts from elsewhere for ``deploy``: ``oci://`` references, ``https://`` archive URLs, and
``--repo URL NAME`` (Helm's ``--repo``), downloaded by the embedded Helm SDK.

The archive then goes through the same safe loader as a local ``.tgz`` before Helm sees it.
"""

from __future__ import annotations

from pathlib import Path

from ci_helm.engine.errors import one_line
from ci_helm.engine.helm_home import HelmHome
from ci_helm.errors import ChartError

__all__ = ["HelmPythonChartFetcher", "is_remote"]


def is_remote(ref: str) -> bool:
    return ref.startswith(("oci://", "https://", "http://"))


class HelmPythonChartFetcher:
    def __init__(self, home: HelmHome, *, plain_http: bool = False) -> None:
        self._home = home
        self._plain_http = plain_http  # local OCI registries only

    def fetch(self, ref: str, dest: Path, *, repo_url: str | None = None, version: str | None = None) -> Path:
        """Download ``ref`` (with ``repo_url``: a chart name in that repository) into ``dest``."""
        from ci_helm.engine.helm_python_engine import load_helm_python

        helm, _ = load_helm_python(self._home)
        dest.mkdir(parents=True, exist_ok=True)
        try:
            helm.pull(ref, destination=dest, version=version, repo_url=repo_url, plain_http=self._plain_http)
        except helm.HelmError as exc:
            where = f"{ref} from {repo_url}" if repo_url else ref
            raise ChartError(f"cannot download chart {where}: {one_line(str(exc))}") from None
        archives = sorted(dest.glob("*.tgz"))
        if len(archives) != 1:
            raise ChartError(f"downloading {ref} gave {len(archives)} archives, expected one")
        return archives[0]
