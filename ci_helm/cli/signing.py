"""Signing settings shared by ``package --sign`` and ``sign`` (declared once, here), and what
``sign`` and ``verify`` share: the PACKAGE arguments and one report row per package."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.errors import CiHelmError, ExitCode, UsageError
from ci_helm.settings import Setting, add_flags, declare

__all__ = [
    "SIGN_SETTINGS",
    "VERIFY_SETTINGS",
    "PackageAction",
    "add_package_parser",
    "expand_packages",
    "report_each_package",
]

# One package's report fields and the line shown for it; raises CiHelmError when it fails.
PackageAction = Callable[[str], tuple[dict[str, Any], str]]

SIGN_SETTINGS = declare(
    Setting("sign-key", "ASCII-armored private key (a CI secret)", secret=True),
    Setting("sign-key-file", "file holding the private key: ASCII-armored or a binary keyring"),
    Setting(
        "sign-gnupghome",
        "use this existing GNUPGHOME (GnuPG 2 .kbx included) instead of a throwaway one",
    ),
    Setting("sign-passphrase", "passphrase of the signing key", secret=True),
    Setting("sign-passphrase-file", "file whose first line is the passphrase of the signing key"),
    Setting("sign-key-id", "signing key to use: fingerprint, key id or a uid substring"),
)

VERIFY_SETTINGS = declare(
    Setting("keyring", "public keyring (binary or ASCII-armored) to verify against"),
    Setting("verify-gnupghome", "GNUPGHOME whose public keys verify when no --keyring is given"),
)


def expand_packages(ctx: Context, given: Sequence[str]) -> list[str]:
    """Package paths as given; a directory stands for the ``*.tgz`` in it (a CI package folder)."""
    out: list[str] = []
    for item in given:
        path = ctx.cwd / item
        if path.is_dir():
            found = sorted(p.name for p in path.glob("*.tgz"))
            if not found:
                raise UsageError(f"{item}: no .tgz packages in this directory")
            out.extend(str(Path(item) / name) for name in found)
        else:
            out.append(item)
    return out


def add_package_parser(
    subparsers: Any,
    parent: argparse.ArgumentParser,
    name: str,
    *,
    summary: str,
    description: str,
    settings: tuple[Setting, ...],
    handler: Callable[[argparse.Namespace, Context], int],
) -> None:
    """A subcommand taking ``PACKAGE...`` (archives, or directories holding them) and ``settings``."""
    parser = subparsers.add_parser(name, help=summary, description=description, parents=[parent])
    parser.add_argument(
        "packages", nargs="+", metavar="PACKAGE", help=".tgz chart archives, or directories holding them"
    )
    add_flags(parser, settings)
    parser.set_defaults(handler=handler, settings=settings)


def report_each_package(
    ctx: Context, packages: Iterable[str], action: PackageAction, *, done: str, usage_stops: bool = False
) -> int:
    """Run ``action`` on every package; each gives a row ``{"package", done: bool, ...}``.

    A failure is reported and the run goes on (exit 1 at the end); with ``usage_stops`` a
    usage error (exit 2) stops it instead.
    """
    rows: list[dict[str, Any]] = []
    for package in packages:
        try:
            fields, line = action(package)
        except CiHelmError as exc:
            if usage_stops and exc.exit_code == ExitCode.USAGE:
                raise
            rows.append({"package": package, done: False, "error": str(exc)})
            if ctx.format != "json":
                ctx.out.error(str(exc))
            continue
        rows.append({"package": package, done: True, **fields})
        if ctx.format != "json":
            ctx.out.write(line)
    if ctx.format == "json":
        ctx.out.json(rows)
    return ExitCode.CHECKS_FAILED if any(not r[done] for r in rows) else ExitCode.OK
