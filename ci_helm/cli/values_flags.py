"""The value flags every rendering command shares: ``-f``, ``--set`` and its family."""

from __future__ import annotations

import argparse

from ci_helm.chart.values import ValueOptions

__all__ = ["add_value_flags", "value_options"]

_FLAGS = (
    ("set", "--set", "set values on the command line (key1=val1,key2=val2; types inferred)"),
    ("set_string", "--set-string", "set STRING values on the command line (key1=val1,key2=val2)"),
    ("set_file", "--set-file", "set values from files (key1=path1,key2=path2)"),
    ("set_json", "--set-json", "set JSON values (key1=jsonval1,key2=jsonval2, or a JSON object)"),
    ("set_literal", "--set-literal", "set one literal STRING value (everything after '=' verbatim)"),
)


def add_value_flags(parser: argparse.ArgumentParser) -> None:
    """Add Helm's value flags, each repeatable; Helm's precedence applies, not the flag order."""
    group = parser.add_argument_group(
        "values (Helm's precedence: -f, --set-json, --set, --set-string, --set-file, --set-literal)"
    )
    group.add_argument(
        "-f",
        "--values",
        dest="value_files",
        action="append",
        default=[],
        metavar="FILE",
        help="values file (YAML); repeatable, later files win; '-' reads stdin",
    )
    for dest, flag, text in _FLAGS:
        group.add_argument(
            flag, dest=dest, action="append", default=[], metavar="EXPR", help=text + "; repeatable"
        )


def value_options(args: argparse.Namespace) -> ValueOptions:
    """The parsed flags as :class:`ValueOptions`."""
    return ValueOptions(
        value_files=tuple(getattr(args, "value_files", None) or ()),
        set=tuple(getattr(args, "set", None) or ()),
        set_string=tuple(getattr(args, "set_string", None) or ()),
        set_file=tuple(getattr(args, "set_file", None) or ()),
        set_json=tuple(getattr(args, "set_json", None) or ()),
        set_literal=tuple(getattr(args, "set_literal", None) or ()),
    )
