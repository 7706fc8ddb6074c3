"""``ci-helm repo index DIR``: index.yaml for the packages in DIR, merged without touching old entries."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ci_helm.adapters.atomicfile import atomic_write_bytes
from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode, YamlError
from ci_helm.repoindex import IndexFile, index_directory, load_index, merge_indexes, rfc3339
from ci_helm.repoindex.model import serialize_index, serialize_index_json


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "index",
        help="write DIR/index.yaml for the chart packages in DIR",
        description="Like `helm repo index`, but a merge keeps existing entries and their created dates.",
        parents=[parent],
    )
    parser.add_argument("directory", metavar="DIR", help="directory holding .tgz packages")
    parser.add_argument("--url", help="base URL of the packages (default: URLs relative to the index)")
    parser.add_argument("--merge", metavar="FILE", help="existing index to merge the new packages into")
    parser.add_argument("--json", action="store_true", help="also write index.json beside index.yaml")
    parser.set_defaults(handler=run, settings=())


def now(ctx: Context) -> str:
    epoch = ctx.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return rfc3339(moment)


def run(args: argparse.Namespace, ctx: Context) -> int:
    directory = ctx.cwd / args.directory
    if not directory.is_dir():
        raise YamlError("not a directory", path=directory)
    stamp = now(ctx)
    entries, skipped = index_directory(directory, base_url=args.url, created=stamp)
    for line in skipped:
        ctx.out.warn(f"skipped {line}")
    existing = _existing(ctx.cwd / args.merge) if args.merge else IndexFile(entries={})
    merged, clashes = merge_indexes(existing, entries, generated=stamp)
    for entry in clashes:
        ctx.out.warn(
            f"{entry['name']} {entry['version']}: already in the index with another digest; "
            "kept the existing entry"
        )
    target = directory / "index.yaml"
    atomic_write_bytes(target, serialize_index(merged))
    if args.json:
        atomic_write_bytes(directory / "index.json", serialize_index_json(merged))
    added = len(entries) - len(clashes) - sum(1 for e in entries if _kept(existing, e))
    report = {
        "index": str(target),
        "charts": len(merged.entries),
        "versions": merged.versions(),
        "added": added,
    }
    ctx.out.json(report) if ctx.format == "json" else ctx.out.write(
        f"{target}: {report['versions']} versions of {report['charts']} charts ({added} added)"
    )
    return ExitCode.OK


def _existing(path: Path) -> IndexFile:
    if not path.exists():
        return IndexFile(entries={})
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise YamlError(f"cannot read: {exc.strerror or exc}", path=path) from None
    return load_index(data, path=str(path))


def _kept(existing: IndexFile, entry: dict[str, Any]) -> bool:
    return any(
        e.get("version") == entry["version"] and e.get("digest") == entry.get("digest")
        for e in existing.entries.get(entry["name"], ())
    )
