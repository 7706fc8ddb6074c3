"""``ci-helm config print``: every setting, its value and where it came from (secrets redacted)."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.common import GLOBAL_SETTINGS
from ci_helm.cli.context import Context
from ci_helm.settings import REGISTRY, add_flags


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    group = subparsers.add_parser("config", help="show configuration", parents=[parent])
    sub = group.add_subparsers(metavar="ACTION", parser_class=type(group))
    sub.required = True
    printer = sub.add_parser("print", help="print every setting with its value and source", parents=[parent])
    # Every command module is imported before any registers, so REGISTRY holds every declaration.
    add_flags(printer, [s for s in REGISTRY.values() if s not in GLOBAL_SETTINGS])
    # Every declared setting, not only the global ones (resolved after all commands registered).
    printer.set_defaults(handler=run, all_settings=True)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.cli.main import print_config

    return print_config(ctx)
