"""Where Helm keeps its cache, config and data during a ci-helm run.

By default every engine (embedded or CLI) gets ci-helm's own directories under
``$XDG_CACHE_HOME/ci-helm/helm`` (``~/.cache/ci-helm/helm``), so a run never reads the
user's repositories.yaml or registry credentials and never writes into ``~/.cache/helm``.
``--helm-home DIR`` picks another root; ``--helm-home user`` uses the user's own Helm set-up.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["USER_HELM_HOME", "HelmHome"]

USER_HELM_HOME = "user"
_VARS = ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME")


@dataclass(frozen=True)
class HelmHome:
    """The three HELM_*_HOME directories, or ``None`` to leave the user's Helm set-up alone."""

    root: Path | None

    @classmethod
    def resolve(cls, setting: str | None, environ: Mapping[str, str]) -> HelmHome:
        if setting == USER_HELM_HOME:
            return cls(None)
        if setting:
            return cls(Path(setting).expanduser().resolve())
        cache = environ.get("XDG_CACHE_HOME") or os.path.join(environ.get("HOME") or "~", ".cache")
        return cls(Path(cache).expanduser().resolve() / "ci-helm" / "helm")

    def env(self) -> dict[str, str]:
        """The variables to set for Helm (empty when the user's set-up is wanted)."""
        if self.root is None:
            return {}
        return {var: str(self.root / var.split("_")[1].lower()) for var in _VARS}

    def apply(self, environ: MutableMapping[str, str]) -> None:
        """Set the variables in ``environ`` (``os.environ`` before helm_python loads) and mkdir them."""
        for var, value in self.env().items():
            Path(value).mkdir(parents=True, exist_ok=True)
            environ[var] = value
