"""``ci-helm verify PACKAGE...``: check packages against their ``.prov``; every failure explained."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.signing import VERIFY_SETTINGS, expand_packages
from ci_helm.errors import CiHelmError, ExitCode
from ci_helm.provenance import verify_package
from ci_helm.settings import add_flags


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "verify",
        help="verify chart packages against their provenance files",
        description="Verify like `helm verify`: the signature, the signer, and the archive's hash.",
        parents=[parent],
    )
    parser.add_argument(
        "packages", nargs="+", metavar="PACKAGE", help=".tgz chart archives, or directories holding them"
    )
    add_flags(parser, VERIFY_SETTINGS)
    parser.set_defaults(handler=run, settings=VERIFY_SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.wiring import verifying_keyring

    rows: list[dict[str, Any]] = []
    with verifying_keyring(ctx.settings, ctx.environ) as keyring:
        for package in expand_packages(ctx, args.packages):
            try:
                result = verify_package(ctx.cwd / package, keyring)
            except CiHelmError as exc:
                rows.append({"package": package, "verified": False, "error": str(exc)})
                if ctx.format != "json":
                    ctx.out.error(str(exc))
                continue
            rows.append(
                {
                    "package": package,
                    "verified": True,
                    "digest": result.digest,
                    "signer": result.signer,
                    "fingerprint": result.fingerprint,
                }
            )
            if ctx.format != "json":
                ctx.out.write(
                    f"{package}: verified {result.digest}, signed by {result.signer} ({result.fingerprint})"
                )
    if ctx.format == "json":
        ctx.out.json(rows)
    return ExitCode.CHECKS_FAILED if any(not r["verified"] for r in rows) else ExitCode.OK
