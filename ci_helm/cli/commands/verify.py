"""``ci-helm verify PACKAGE...``: check packages against their ``.prov``; every failure explained."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.cli.signing import VERIFY_SETTINGS, add_package_parser, expand_packages, report_each_package
from ci_helm.provenance import verify_package


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    add_package_parser(
        subparsers,
        parent,
        "verify",
        summary="verify chart packages against their provenance files",
        description="Verify like `helm verify`: the signature, the signer, and the archive's hash.",
        settings=VERIFY_SETTINGS,
        handler=run,
    )


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.wiring import verifying_keyring

    with verifying_keyring(ctx.settings, ctx.environ) as keyring:

        def verify(package: str) -> tuple[dict[str, Any], str]:
            result = verify_package(ctx.cwd / package, keyring)
            fields = {"digest": result.digest, "signer": result.signer, "fingerprint": result.fingerprint}
            line = f"{package}: verified {result.digest}, signed by {result.signer} ({result.fingerprint})"
            return fields, line

        return report_each_package(ctx, expand_packages(ctx, args.packages), verify, done="verified")
