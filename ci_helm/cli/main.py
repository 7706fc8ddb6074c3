"""Entry point: parse, resolve settings, dispatch, and map errors to the one exit-code table."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import pkgutil
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import ci_helm
import ci_helm.cli.commands
from ci_helm.cli.common import GLOBAL_SETTINGS
from ci_helm.cli.context import Context, Output
from ci_helm.ctcompat import load_ct_config
from ci_helm.errors import CiHelmError, ConfigError, ExitCode, UsageError
from ci_helm.settings import REGISTRY, Setting, Settings, add_flags, resolve
from ci_helm.yamlio import read_yaml_file

__all__ = ["build_parser", "main"]

Handler = Callable[[argparse.Namespace, Context], int]
CONFIG_FILE = "ci-helm.yaml"


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors share the exit-code table."""

    def error(self, message: str) -> Any:
        raise UsageError(f"{self.prog}: {message}")


def _global_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    add_flags(parent, GLOBAL_SETTINGS)
    parent.add_argument(
        "--print-config",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print every setting with its value and source, then exit",
    )
    return parent


# Which module registers each command. Only the chosen command's module is imported, so
# `ci-helm template` does not pay for jinja2, jsonschema or the Kubernetes client at start-up.
# tests/test_cli_core.py checks this table against what the modules actually register.
COMMAND_MODULES: dict[str, str | tuple[str, ...]] = {
    "chart": ("chart", "deployment"),  # deployment adds `chart instances` to the chart group
    "ci-step": "ci_step",
    "config": "config",
    "create": "create",
    "dependency": "dependency",
    "deploy": "deploy",
    "upgrade": "deploy",
    "redeploy": "deploy",
    "deployment": "deployment",
    "list": "deployment",
    "history": "deployment",
    "uninstall": "deployment",
    "get": "deployment",
    "init-ci": "init_ci",
    "lint": "lint",
    "list-changed": "list_changed",
    "package": "package",
    "release": "release",
    "repo": "repo",
    "rollback": "rollback",
    "show": "show",
    "sign": "sign",
    "status": "status",
    "template": "template",
    "test": "test",
    "verify": "verify",
}
# `config print` shows every declared setting, so it needs every module.
_NEEDS_ALL_MODULES = {"config"}


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parent = _global_parent()
    parser = _Parser(
        prog="ci-helm",
        description="Lint, test, package, sign, release and deploy Helm charts in CI/CD.",
        parents=[parent],
    )
    parser.add_argument("--version", action="version", version=f"ci-helm {ci_helm.__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    subparsers.required = True
    modules = _command_modules(_command_token(argv))  # importing declares settings before parsers exist
    for module in modules:
        module.register(subparsers, parent)
    return parser


def _command_token(argv: Sequence[str] | None) -> str | None:
    """The subcommand named on the command line, skipping global options and their values."""
    takes_value = {f"--{s.name}" for s in GLOBAL_SETTINGS if s.kind != "bool"}
    args = list(sys.argv[1:] if argv is None else argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("-"):
            return arg
        i += 2 if arg in takes_value else 1
    return None


def _command_modules(command: str | None = None) -> list[Any]:
    if command in COMMAND_MODULES and command not in _NEEDS_ALL_MODULES:
        entry = COMMAND_MODULES[command]
        names = [entry] if isinstance(entry, str) else list(entry)
    else:
        names = sorted(
            m.name for m in pkgutil.iter_modules(ci_helm.cli.commands.__path__) if not m.name.startswith("_")
        )
    return [importlib.import_module(f"ci_helm.cli.commands.{name}") for name in names]


def load_config_file(
    flags: Mapping[str, Any], environ: Mapping[str, str], cwd: Path
) -> tuple[dict[str, Any], str]:
    """The config file named by --config / CI_HELM_CONFIG, else ./ci-helm.yaml when present."""
    named = flags.get("config") or environ.get("CI_HELM_CONFIG")
    path = Path(named) if named else cwd / CONFIG_FILE
    if not path.is_absolute():
        path = cwd / path
    if not path.exists():
        if named:
            raise ConfigError(f"config file not found: {named}")
        return {}, CONFIG_FILE
    data = read_yaml_file(path, duplicates="error")
    if data is None:
        return {}, str(path)
    if not isinstance(data, dict):
        raise ConfigError("config file must be a mapping of setting names to values", path=path)
    return data, str(path)


def _resolve(args: argparse.Namespace, environ: Mapping[str, str], cwd: Path) -> tuple[Settings, list[str]]:
    """Resolved settings, plus warnings about chart-testing keys ci-helm ignores."""
    flags = vars(args)
    file_data, file_name = load_config_file(flags, environ, cwd)
    declared: tuple[Setting, ...] = GLOBAL_SETTINGS + tuple(getattr(args, "settings", ()))
    if getattr(args, "all_settings", False):
        declared = tuple(REGISTRY.values())
    unique = {s.name: s for s in declared}
    ct_path = flags.get("ct_config") or environ.get("CI_HELM_CT_CONFIG") or file_data.get("ct-config")
    ct = load_ct_config(ct_path, environ, cwd, known=REGISTRY)
    settings = resolve(
        ct.with_aliases(unique.values()),
        flags=flags,
        environ=environ,
        file_data=ct.merged(file_data),
        file_name=file_name,
    )
    ct.relabel(settings, file_data)
    return settings, ct.notes()


def _output(settings: Settings, stream: Any) -> Output:
    mode = settings.get("color", "auto")
    tty = hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ
    return Output(color=mode == "always" or (mode == "auto" and tty), quiet=bool(settings.get("quiet")))


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    environ = dict(os.environ) if environ is None else dict(environ)
    debug = (
        "--debug" in (argv if argv is not None else sys.argv[1:]) or environ.get("CI_HELM_DEBUG") == "true"
    )
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    err = Output()
    try:
        args = build_parser(argv).parse_args(argv)
        cwd = Path.cwd()
        settings, notes = _resolve(args, environ, cwd)
        ctx = Context(settings=settings, out=_output(settings, sys.stdout), environ=environ, cwd=cwd)
        for note in notes:
            ctx.out.warn(note)
        if getattr(args, "print_config", False):
            return print_config(ctx)
        handler: Handler = args.handler
        return int(handler(args, ctx))
    except KeyboardInterrupt:
        err.error("interrupted")
        return ExitCode.INTERRUPTED
    except CiHelmError as exc:
        if debug:
            traceback.print_exc()
        err.error(str(exc))
        return exc.exit_code
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err.error(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug and report it)")
        return ExitCode.INTERNAL


def print_config(ctx: Context) -> int:
    rows = ctx.settings.rows()
    if ctx.format == "json":
        ctx.out.json(rows)
        return ExitCode.OK
    width = max((len(r["name"]) for r in rows), default=0)
    for r in rows:
        ctx.out.write(f"{r['name']:<{width}}  {r['value']!r:<30}  ({r['origin']})")
    return ExitCode.OK
