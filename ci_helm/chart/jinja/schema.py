"""Parameter schemas of a Jinja2 chart, enforced with jsonschema before anything renders.

Two places, both optional, both JSON Schema:

- ``values.schema.json`` at the chart root, exactly as Helm uses it for Go-template charts;
- a Deployment-Manager-style schema beside a template, ``templates/<name>.j2.schema`` (or
  ``.jinja.schema``), in YAML or JSON. As in DM, its ``properties`` may carry ``default``\\ s,
  which fill missing parameters before validation; ``info`` and ``imports`` are ignored.

Every violation is reported (not just the first), each naming the parameter path
(``image.tag``, ``ports[0].port``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import jsonschema
from jsonschema import validators

from ci_helm.chart.jinja.detect import JINJA_SUFFIXES, SCHEMA_SUFFIX
from ci_helm.chart.model import Chart, ChartFile
from ci_helm.errors import ChartError, ValuesError, YamlError
from ci_helm.yamlio import load_yaml

__all__ = ["apply_defaults", "dm_schemas", "parameter_path", "validate_values"]


def dm_schemas(chart: Chart) -> list[ChartFile]:
    """The ``templates/*.j2.schema`` / ``*.jinja.schema`` files of a chart."""
    suffixes = tuple(s + SCHEMA_SUFFIX for s in JINJA_SUFFIXES)
    return sorted((f for f in chart.templates if f.name.endswith(suffixes)), key=lambda f: f.name)


def load_schema(file: ChartFile, display: str) -> dict[str, Any]:
    try:
        data = load_yaml(file.text, path=display)  # JSON is YAML: one reader for both spellings
    except YamlError as exc:
        raise ChartError(
            f"parameter schema is not valid YAML/JSON: {exc.message}", path=display, line=exc.line
        ) from None
    if not isinstance(data, dict):
        raise ChartError("parameter schema must be a mapping", path=display)
    return {k: v for k, v in data.items() if k not in ("info", "imports")}


def apply_defaults(schema: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """Fill missing keys from ``properties.*.default``, recursing into nested objects (DM style)."""
    out = dict(values)
    for key, sub in (schema.get("properties") or {}).items():
        if not isinstance(sub, Mapping):
            continue
        if key not in out and "default" in sub:
            out[key] = sub["default"]
        if isinstance(out.get(key), Mapping) and "properties" in sub:
            out[key] = apply_defaults(sub, out[key])
    return out


def parameter_path(parts: Iterable[Any]) -> str:
    """``["ports", 0, "port"]`` -> ``ports[0].port``."""
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _describe(error: jsonschema.ValidationError) -> str:
    path = parameter_path(error.absolute_path)
    if error.validator == "required" and isinstance(error.instance, Mapping):
        wanted: list[Any] = list(error.validator_value) if isinstance(error.validator_value, list) else []
        missing = [k for k in wanted if k not in error.instance]
        names = ", ".join(f"{path}.{k}" if path else str(k) for k in missing)
        return f"{names}: required parameter is missing"
    return f"{path or '(top level)'}: {error.message}"


def validate_values(schema: Mapping[str, Any], values: Mapping[str, Any], display: str) -> None:
    """Raise :class:`ValuesError` listing every violation of ``schema`` by ``values``."""
    schema = dict(schema)
    cls = validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise ChartError(f"invalid JSON schema: {exc.message}", path=display) from None
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
    plain = json.loads(json.dumps(values, default=str))  # tuples -> lists, as the schema expects
    errors = sorted(validator.iter_errors(plain), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        details = "; ".join(_describe(e) for e in errors)
        raise ValuesError(f"values do not match the parameter schema: {details}", path=display)
