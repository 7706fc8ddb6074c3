"""``ci-helm repo``: chart repository maintenance. Subcommands live in :mod:`ci_helm.cli.repo`."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.repo import register_all


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser(
        "repo", help="serve, reindex and prune chart repositories", parents=[parent]
    )
    sub = group.add_subparsers(metavar="ACTION", parser_class=type(group))
    sub.required = True
    register_all(sub, parent)
