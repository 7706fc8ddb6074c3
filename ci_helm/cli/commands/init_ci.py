"""``ci-helm init-ci``: write CI pipeline files and a ci-helm.yaml for one of the four workflows."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ci_helm.adapters.atomicfile import atomic_write_text
from ci_helm.cli.context import Context
from ci_helm.errors import ExitCode, UsageError
from ci_helm.initci.detect import detect
from ci_helm.initci.render import PlannedFile, plan_files
from ci_helm.initci.workflows import PROVIDERS, WORKFLOWS
from ci_helm.settings import Setting, add_flags, declare

SETTINGS = declare(
    Setting("action-repo", "GitHub action reference used in generated workflows", default="ci-helm/ci-helm"),
)


def register(subparsers: Any, parent: argparse.ArgumentParser) -> None:
    parser = subparsers.add_parser(
        "init-ci",
        help="write CI pipeline files (GitHub Actions, GitLab CI or Jenkins) for a chart repository",
        parents=[parent],
        description="Detects chart dirs, the default branch and an existing ct.yaml/cr.yaml, then writes "
        "the pipeline files and a ci-helm.yaml. Existing files are never overwritten without --force.",
    )
    parser.add_argument("--provider", required=True, choices=PROVIDERS)
    parser.add_argument("--workflow", required=True, choices=tuple(WORKFLOWS))
    parser.add_argument(
        "--dir", type=Path, default=Path(), help="repository root (default: current directory)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite existing files")
    add_flags(parser, SETTINGS)
    parser.set_defaults(handler=run, settings=SETTINGS)


def run(args: argparse.Namespace, ctx: Context) -> int:
    root = args.dir if args.dir.is_absolute() else ctx.cwd / args.dir
    if not root.is_dir():
        raise UsageError(f"not a directory: {root}")
    found = detect(root)
    files = plan_files(args.provider, args.workflow, found, action_repo=ctx.settings["action-repo"])
    existing = [f.path for f in files if (root / f.path).exists()]
    if existing and not args.force:
        raise UsageError(f"would overwrite {', '.join(existing)} (use --force)")
    for f in files:
        atomic_write_text(root / f.path, f.text)
    workflow = WORKFLOWS[args.workflow]
    if ctx.format == "json":
        ctx.out.json(
            {"written": [f.path for f in files], "secrets": list(workflow.secrets), "notes": found.notes}
        )
        return ExitCode.OK
    ctx.out.write(_summary(files, found.notes, workflow.secrets, args.provider))
    return ExitCode.OK


def _summary(files: list[PlannedFile], notes: list[str], secrets: tuple[str, ...], provider: str) -> str:
    lines = ["wrote:", *(f"  {f.path}" for f in files)]
    lines += [f"note: {n}" for n in notes]
    if secrets:
        where = {
            "github": "repository secrets",
            "gitlab": "masked CI/CD variables",
            "jenkins": "credentials",
        }[provider]
        lines.append(
            f"still to do: create these {where} (names only; ci-helm never needs their values here):"
        )
        lines += [f"  {s}" for s in secrets]
    lines.append("review ci-helm.yaml: targets marked CHANGE-ME must be set before the first release")
    return "\n".join(lines)
