"""Helm's everyday template functions, as Jinja2 filters and globals.

They follow Helm's (Sprig's) meaning, not Jinja's where the two differ, because chart authors
read Helm docs: ``indent`` indents every line (the first too), ``default`` replaces any empty
value (``""``, ``0``, ``false``, empty list or map, undefined), ``toYaml`` drops the final
newline. Argument order follows the pipe: ``Values.name | trunc(63) | trimSuffix("-")``.
``required`` and ``fail`` raise :class:`TemplateFailure`, which the renderer reports with the
template file and line.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
import yaml

from ci_helm.errors import YamlError
from ci_helm.yamlio import load_yaml

__all__ = ["FILTERS", "FUNCTIONS", "TemplateFailure", "plain", "to_yaml"]


class TemplateFailure(Exception):
    """``required`` / ``fail`` in a template: the chart author's own message."""


def plain(value: Any) -> Any:
    """Plain dicts and lists (the renderer wraps values in path-aware mappings)."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, jinja2.Undefined):
        return None
    return value


class _Dumper(yaml.SafeDumper):
    """Block style like Helm's toYaml (sigs.k8s.io/yaml): sorted keys, unindented lists."""


def to_yaml(value: Any) -> str:
    if isinstance(value, jinja2.Undefined):
        return "null"
    text = yaml.dump(
        plain(value),
        Dumper=_Dumper,
        sort_keys=True,
        default_flow_style=False,
        allow_unicode=True,
        width=1 << 16,
    )
    if text.endswith("\n...\n"):  # a bare scalar
        text = text[: -len("...\n")]
    return text.removesuffix("\n")


def to_json(value: Any) -> str:
    return json.dumps(plain(value), separators=(",", ":"), ensure_ascii=False)


def from_yaml(text: str) -> Any:
    """Like Helm: a parse error becomes ``{"Error": ...}`` instead of failing the render."""
    try:
        data = load_yaml(str(text), path="fromYaml")
    except YamlError as exc:
        return {"Error": str(exc)}
    return {} if data is None else data


def from_json(text: str) -> Any:
    try:
        return json.loads(str(text))
    except ValueError as exc:
        return {"Error": str(exc)}


def indent(text: Any, width: int = 4, first: bool = True, blank: bool = True) -> str:
    """Helm's ``indent``: every line, the first and blank ones too (Jinja's flags still work)."""
    pad = " " * min(int(width), 1024)  # an indent wider than a screen is a runaway, not a layout
    lines = str(text).split("\n")
    out = [line if (not blank and not line.strip()) else pad + line for line in lines]
    if not first:
        out[0] = lines[0]
    return "\n".join(out)


def nindent(text: Any, width: int = 4) -> str:
    return "\n" + indent(text, width)


def b64enc(text: Any) -> str:
    data = text if isinstance(text, bytes) else str(text).encode()
    return base64.b64encode(data).decode("ascii")


def b64dec(text: Any) -> str:
    try:
        return base64.b64decode(str(text), validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError) as exc:
        return f"illegal base64 data: {exc}"  # what Sprig returns instead of failing


def _go_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or isinstance(value, jinja2.Undefined):
        return ""
    return str(value)


def quote(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(quote(v) for v in value)
    return json.dumps(_go_string(value), ensure_ascii=False)


def squote(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(squote(v) for v in value)
    return "'" + _go_string(value) + "'"


def is_empty(value: Any) -> bool:
    if isinstance(value, jinja2.Undefined) or value is None:
        return True
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value == 0
    if isinstance(value, str | bytes | list | tuple | Mapping):
        return len(value) == 0
    return False


def default(value: Any, fallback: Any = "", boolean: bool = True) -> Any:
    """Helm's ``default``: any empty value takes the fallback (``boolean=False``: only undefined)."""
    if isinstance(value, jinja2.Undefined) or (boolean and is_empty(value)):
        return fallback
    return value


def required_filter(value: Any, message: str) -> Any:
    """``Values.x | required("x is required")``."""
    if isinstance(value, jinja2.Undefined) or value is None or value == "":
        raise TemplateFailure(message)
    return value


def required_function(message: str, value: Any) -> Any:
    """``required("x is required", Values.x)`` (Helm's argument order)."""
    return required_filter(value, message)


def fail(message: str) -> str:
    raise TemplateFailure(str(message))


def trunc(text: Any, length: int) -> str:
    """Sprig's ``trunc``: a negative length keeps the end."""
    s = _go_string(text)
    n = int(length)
    if n >= 0:
        return s[:n]
    return s[n:] if -n < len(s) else s


def trim_suffix(text: Any, suffix: str) -> str:
    return _go_string(text).removesuffix(suffix)


def trim_prefix(text: Any, prefix: str) -> str:
    return _go_string(text).removeprefix(prefix)


def sha256sum(text: Any) -> str:
    return hashlib.sha256(_go_string(text).encode()).hexdigest()


def ternary(condition: Any, true_value: Any, false_value: Any) -> Any:
    """``ternary(Values.tls, "https", "http")``."""
    return true_value if condition and not isinstance(condition, jinja2.Undefined) else false_value


def merge(*maps: Any) -> dict[str, Any]:
    """Sprig's ``merge``: a new deep-merged map, the first argument winning."""
    result: dict[str, Any] = {}
    for m in reversed(maps):
        result = _deep_merge(result, plain(m) or {})
    return result


def _deep_merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def lookup(*_args: Any) -> dict[str, Any]:
    """Like ``helm template``: no cluster, so every lookup finds nothing."""
    return {}


def format_filter(value: Any, *args: Any, **kwargs: Any) -> str:
    """Jinja's ``format`` filter (``"%s-%s" | format(a, b)``) without giant widths."""
    from ci_helm.chart.jinja.environment import check_format_width

    text = str(value)
    check_format_width(text)
    return text % (kwargs or args)


def center(value: Any, width: int = 80) -> str:
    return str(value).center(min(int(width), 1024))


def _contains(text: Any, part: Any) -> bool:
    return str(part) in _go_string(text)


FILTERS: dict[str, Callable[..., Any]] = {
    "toYaml": to_yaml,
    "toJson": to_json,
    "fromYaml": from_yaml,
    "fromJson": from_json,
    "indent": indent,
    "nindent": nindent,
    "b64enc": b64enc,
    "b64dec": b64dec,
    "quote": quote,
    "squote": squote,
    "default": default,
    "required": required_filter,
    "trunc": trunc,
    "trimSuffix": trim_suffix,
    "trimPrefix": trim_prefix,
    "sha256sum": sha256sum,
    "toString": _go_string,
    "contains": _contains,
    "format": format_filter,
    "center": center,
}

FUNCTIONS: dict[str, Callable[..., Any]] = {
    **{k: v for k, v in FILTERS.items() if k not in ("required", "contains", "format", "center")},
    "required": required_function,
    "fail": fail,
    "ternary": ternary,
    "merge": merge,
    "lookup": lookup,
    "empty": is_empty,
}
