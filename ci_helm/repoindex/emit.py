"""A YAML emitter for index files: Helm's layout (sorted keys, ``- `` at the parent's indent).

Generic PyYAML dumping costs seconds on a 4 MB index; this writes the known shapes
(mappings, sequences, strings, booleans) directly. A string is written plain only when
no YAML 1.1 or 1.2 reader could take it for anything but that string (bool, null,
number, timestamp, indicator, comment); everything else is double-quoted with JSON
escapes, which are valid YAML escapes.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

__all__ = ["emit_yaml", "scalar"]

_SPECIAL = (
    r"y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
    r"|~|null|Null|NULL"
    r"|[-+]?(?:0b[0-1_]+|0o?[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*(?::[0-5]?[0-9])*)"
    r"|[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt ].*)?"
)
# Plain only when safe: a safe first character, safe characters after, no ": " or " #", no trailing
# space or colon, and nothing a YAML 1.1/1.2 reader resolves to a bool, null, number or timestamp.
_PLAIN = re.compile(
    rf"(?!(?:{_SPECIAL})\Z)(?!.*(?:: | #))[A-Za-z0-9_./(\$^;][A-Za-z0-9 _./+()=~^$;<>:@,!%&*'-]*(?<![ :])\Z"
)
_UNSAFE_CHARS = re.compile("[\x80-\x9f\u2028\u2029\ufeff\ud800-\udfff]")


@lru_cache(maxsize=1 << 16)
def scalar(text: str) -> str:
    if _PLAIN.match(text):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNSAFE_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def emit_yaml(data: Any) -> str:
    out: list[str] = []
    if isinstance(data, dict) and data:
        _mapping(data, 0, out)
    else:
        out.append(_inline(data) + "\n")
    return "".join(out)


_CONSTANTS = {None: "null", True: "true", False: "false"}


def _inline(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return _CONSTANTS[value]
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return scalar(str(value))


def _mapping(data: dict[str, Any], indent: int, out: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for position, key in enumerate(sorted(data)):
        value = data[key]
        lead = first_prefix if (position == 0 and first_prefix is not None) else pad
        name = scalar(str(key))
        if isinstance(value, dict) and value:
            out.append(f"{lead}{name}:\n")
            _mapping(value, indent + 2, out)
        elif isinstance(value, list) and value:
            out.append(f"{lead}{name}:\n")
            _sequence(value, indent, out)
        else:
            out.append(f"{lead}{name}: {_inline(value)}\n")


def _sequence(items: list[Any], indent: int, out: list[str]) -> None:
    pad = " " * indent
    for item in items:
        if isinstance(item, dict) and item:
            _mapping(item, indent + 2, out, first_prefix=pad + "- ")
        elif isinstance(item, list) and item:
            out.append(f"{pad}-\n")
            _sequence(item, indent + 2, out)
        else:
            out.append(f"{pad}- {_inline(item)}\n")
