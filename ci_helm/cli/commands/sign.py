"""``ci-helm sign PACKAGE...``: write Helm ``.prov`` files, verified right after signing."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.signing import SIGN_SETTINGS, add_package_parser, expand_packages, report_each_package
from ci_helm.provenance import sign_package


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    add_package_parser(
        subparsers,
        parent,
        "sign",
        summary="sign chart packages (.prov, accepted by helm verify)",
        description="Clear-sign packaged charts the way `helm package --sign` does.",
        settings=SIGN_SETTINGS,
        handler=run,
    )


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.wiring import signing_keyring

    packages = expand_packages(ctx, args.packages)
    with signing_keyring(ctx.settings) as keyring:

        def sign(package: str) -> tuple[dict[str, Any], str]:
            result = sign_package(ctx.cwd / package, keyring)
            fields = {
                "provenance": str(result.provenance),
                "digest": result.digest,
                "fingerprint": result.fingerprint,
            }
            return fields, f"{result.provenance}  signed by {result.fingerprint}"

        return report_each_package(ctx, packages, sign, done="signed", usage_stops=True)
