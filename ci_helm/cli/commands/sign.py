"""``ci-helm sign PACKAGE...``: write Helm ``.prov`` files, verified right after signing."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.signing import SIGN_SETTINGS, expand_packages
from ci_helm.errors import CiHelmError, ExitCode
from ci_helm.provenance import sign_package
from ci_helm.settings import add_flags


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "sign",
        help="sign chart packages (.prov, accepted by helm verify)",
        description="Clear-sign packaged charts the way `helm package --sign` does.",
        parents=[parent],
    )
    parser.add_argument(
        "packages", nargs="+", metavar="PACKAGE", help=".tgz chart archives, or directories holding them"
    )
    add_flags(parser, SIGN_SETTINGS)
    parser.set_defaults(handler=run, settings=SIGN_SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.wiring import signing_keyring

    packages = expand_packages(ctx, args.packages)
    rows: list[dict[str, Any]] = []
    with signing_keyring(ctx.settings) as keyring:
        for package in packages:
            try:
                result = sign_package(ctx.cwd / package, keyring)
            except CiHelmError as exc:
                if exc.exit_code == ExitCode.USAGE:
                    raise
                rows.append({"package": package, "signed": False, "error": str(exc)})
                if ctx.format != "json":
                    ctx.out.error(str(exc))
                continue
            rows.append(
                {
                    "package": package,
                    "signed": True,
                    "provenance": str(result.provenance),
                    "digest": result.digest,
                    "fingerprint": result.fingerprint,
                }
            )
            if ctx.format != "json":
                ctx.out.write(f"{result.provenance}  signed by {result.fingerprint}")
    if ctx.format == "json":
        ctx.out.json(rows)
    return ExitCode.CHECKS_FAILED if any(not r["signed"] for r in rows) else ExitCode.OK
