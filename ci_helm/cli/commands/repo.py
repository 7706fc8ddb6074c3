"""``ci-helm repo ...``: chart repository commands. Each subcommand lives in ``ci_helm.cli.repo.<name>``.

A module there defines ``register(subparsers, parent)``; this group discovers and registers
them all, so new subcommands (serve, reindex, prune) are added without editing this file.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from typing import Any

import ci_helm.cli.repo


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("repo", help="chart repository commands (index, ...)", parents=[parent])
    sub = group.add_subparsers(metavar="ACTION", parser_class=type(group))
    sub.required = True
    names = sorted(
        m.name for m in pkgutil.iter_modules(ci_helm.cli.repo.__path__) if not m.name.startswith("_")
    )
    for name in names:
        importlib.import_module(f"ci_helm.cli.repo.{name}").register(sub, parent)
