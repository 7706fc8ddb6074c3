"""YAML written the way Helm writes it (sigs.k8s.io/yaml ``Marshal`` over go-yaml v2).

Map keys in go-yaml's "natural" order (digit runs compare as numbers, letters after
other characters), strings that would read back as another type (``"true"``, ``"1.1"``,
``"y"``) double-quoted, multi-line strings as literal blocks, sequences not indented
under their key. PyYAML's emitter is a port of the same libyaml code as go-yaml's, so
with these choices made up front the bytes match ``helm show chart``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import yaml

from ci_helm.chart.goyaml import go_resolve

__all__ = ["go_yaml_dump", "natural_key_less"]

_STR = "tag:yaml.org,2002:str"
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


def natural_key_less(a: str, b: str) -> bool:
    """go-yaml v2 ``keyList.Less`` for two string keys."""
    for i in range(min(len(a), len(b))):
        ca, cb = a[i], b[i]
        if ca == cb:
            continue
        la, lb = ca.isalpha(), cb.isalpha()
        if la and lb:
            return ca < cb
        if la or lb:
            return lb
        return _digit_run_less(a, b, i)
    return len(a) < len(b)


def _digit_run_less(a: str, b: str, i: int) -> bool:
    an = bn = 0
    if a[i] == "0" or b[i] == "0":
        j = i - 1
        while j >= 0 and a[j].isdigit():
            if a[j] != "0":
                an = bn = 1
                break
            j -= 1
    ai = i
    while ai < len(a) and a[ai].isdigit():
        an, ai = an * 10 + int(a[ai]), ai + 1
    bi = i
    while bi < len(b) and b[bi].isdigit():
        bn, bi = bn * 10 + int(b[bi]), bi + 1
    if an != bn:
        return an < bn
    if ai != bi:
        return ai < bi
    return a[i] < b[i]


def _compare(a: str, b: str) -> int:
    return -1 if natural_key_less(a, b) else (1 if natural_key_less(b, a) else 0)


class _GoDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    pass


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    if "\n" in text:
        style: str | None = "|"
    elif go_resolve(text)[0] != _STR or _BASE60.match(text):
        style = '"'
    else:
        style = None
    return dumper.represent_scalar(_STR, text, style=style)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.MappingNode:
    keys = sorted(data, key=functools.cmp_to_key(_compare))
    return dumper.represent_mapping("tag:yaml.org,2002:map", [(k, data[k]) for k in keys])


_GoDumper.add_representer(str, _represent_str)
_GoDumper.add_representer(dict, _represent_dict)


def go_yaml_dump(data: Any) -> str:
    """``yaml.Marshal`` of JSON-shaped data, as Helm prints it."""
    return str(
        yaml.dump(
            data,
            Dumper=_GoDumper,
            default_flow_style=False,
            allow_unicode=True,
            sort_keys=False,
            width=80,
            indent=2,
        )
    )
