"""Subcommands of ``ci-helm repo`` contributed by modules of this package.

The ``repo`` group (``ci_helm/cli/commands/repo.py``) calls :func:`register_all`, which
adds every module here that defines ``register(sub, parent)``: ``serve``, ``reindex``,
``prune``. Adding a ``repo`` subcommand is adding a module, no edit of the group.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from typing import Any

__all__ = ["register_all"]


def register_all(sub: Any, parent: argparse.ArgumentParser) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}").register(sub, parent)
