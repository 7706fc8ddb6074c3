"""Where Helm keeps its cache, config and data during a ci-helm run.

By default every engine (embedded or CLI) gets ci-helm's own directories under
``$XDG_CACHE_HOME/ci-helm/helm`` (``~/.cache/ci-helm/helm``), so a run never reads the
user's repositories.yaml or registry credentials and never writes into ``~/.cache/helm``.
``--helm-home DIR`` picks another root; ``--helm-home user`` uses the user's own Helm set-up.

Go reads its environment once, from the block a process was *started* with: variables
added to ``os.environ`` afterwards are invisible to an already running process that loads
Helm's library. So the variables reach Helm by being in place before a process starts:
the helm CLI gets them in its ``env``, and the embedded engine's ``spawn`` workers are
started with them (:mod:`ci_helm.engine.isolated`). Where Helm's library runs in ci-helm's
own process (``--no-isolate``, release operations, chart downloads for deploy), it sees
what ci-helm was started with (the README says so).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["USER_HELM_HOME", "HelmHome"]

USER_HELM_HOME = "user"
# Helm allocates heavily while rendering and linting: with Go's default GC target (100) a
# third of its CPU goes to collecting. 800 cut Helm's CPU per render + lint by ~40% on the
# corpus, for ~0.3 GB per process at most. A GOGC the user sets wins.
GO_GC_PERCENT = "800"
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

    def process_env(self, base: Mapping[str, str]) -> dict[str, str]:
        """The whole environment a Helm process starts with: ``base`` plus Helm's homes and GC target."""
        env = {**base, **self.env()}
        env.setdefault("GOGC", GO_GC_PERCENT)
        return env

    def make_dirs(self) -> None:
        """Create the home directories, which Helm expects to exist."""
        for home in self.env().values():
            Path(home).mkdir(parents=True, exist_ok=True)
