"""``ci-helm repo serve DIR``: serve a directory as a Helm chart repository (ChartMuseum API uploads)."""

from __future__ import annotations

import argparse
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode, UsageError
from ci_helm.settings import Setting, add_flags, declare

SERVE_SETTINGS = declare(
    Setting("port", "TCP port (0 picks a free one)", kind="int", default=8879),
    Setting("address", "address to listen on", default="127.0.0.1"),
    Setting("upload-token", "accept ChartMuseum-API uploads carrying this bearer token", secret=True),
)


def register(sub: Any, parent: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("serve", help="serve a directory as a Helm chart repository", parents=[parent])
    parser.add_argument("directory", metavar="DIR", help="repository directory (index.yaml beside packages)")
    add_flags(parser, SERVE_SETTINGS)
    parser.set_defaults(handler=run, settings=SERVE_SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    from ci_helm.server.http import RepoServer

    root = (ctx.cwd / args.directory).resolve()
    if root.exists() and not root.is_dir():
        raise UsageError(f"{args.directory}: not a directory")
    try:
        server = RepoServer(
            root,
            host=ctx.settings["address"],
            port=ctx.settings["port"],
            upload_token=ctx.settings["upload-token"],
        )
    except OSError as exc:
        raise UsageError(
            f"cannot listen on {ctx.settings['address']}:{ctx.settings['port']}: {exc.strerror}"
        ) from None
    uploads = "uploads with bearer token" if ctx.settings["upload-token"] else "read-only"
    ctx.out.write(f"serving {root} at {server.url}/ ({uploads})")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop()
    return ExitCode.OK
