"""Every scenario's values (chart defaults coalesced with the ci values file) satisfy values.schema.json.

Helm stops at the first schema error with one long message; this rule lists every
violation with the values key and the line of the file that sets it (the scenario's
values file, else values.yaml). The schema's own ``$schema`` picks the JSON Schema draft
(draft-07 when it names none, as Helm does). A schema that is itself invalid is reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import referencing.exceptions

from ci_helm.chart.coalesce import coalesce_values
from ci_helm.chart.loader import load_chart
from ci_helm.chart.model import Chart, ChartMetadata
from ci_helm.errors import CiHelmError
from ci_helm.kube.schemas import json_path
from ci_helm.lint.model import Finding, RuleContext, Scope, YamlFile
from ci_helm.lint.yamlpos import KeyLines
from ci_helm.model.results import Level

ID = "values-schema"
DEFAULT_LEVEL = Level.ERROR
SCOPE: Scope = "render"
RUNS_ON_RENDER_ERROR = True


@dataclass(frozen=True)
class Options:
    max_errors: int = 50  # per scenario; a wrong schema can produce thousands


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    schema = dict(ctx.chart.values_schema) if ctx.chart.values_schema is not None else None
    rendered = ctx.rendered
    if schema is None or rendered is None:
        return
    validator = ctx.services.remember(f"values-schema:{ctx.chart.directory}", lambda: _compile(ctx, schema))
    if isinstance(validator, str):
        yield Finding(f"values.schema.json is not a valid JSON Schema: {validator}", "values.schema.json")
        return
    sources = _sources(ctx)
    try:
        errors = sorted(validator.iter_errors(_coalesced(ctx)), key=lambda e: list(map(str, e.absolute_path)))
    except referencing.exceptions.Unresolvable as exc:
        yield Finding(
            f"values.schema.json refers to {exc.ref!r}, which cannot be read offline (only files inside "
            "the chart are): values not validated",
            "values.schema.json",
            level=Level.WARNING,
        )
        return
    for error in errors[: options.max_errors]:
        key = list(error.absolute_path)
        path, line = _locate(sources, key)
        yield Finding(f"values {json_path(key)}: {error.message} (values.schema.json)", path, line)
    if len(errors) > options.max_errors:
        yield Finding(
            f"{len(errors) - options.max_errors} more schema violations not shown", "values.schema.json"
        )


def _coalesced(ctx: RuleContext) -> dict[str, Any]:
    """The values Helm validates: user values over chart defaults, subchart defaults and globals included."""
    assert ctx.rendered is not None
    user = dict(ctx.rendered.scenario.values)  # coalesce_values copies it
    chart = ctx.services.remember(f"chart-model:{ctx.chart.directory}", lambda: _load(ctx.chart.directory))
    if chart is None:  # the loader refused the chart (the render reports why): values.yaml as lint read it
        data = ctx.chart.values_yaml.data if ctx.chart.values_yaml is not None else None
        own = dict(data) if isinstance(data, Mapping) else {}
        chart = Chart(ChartMetadata(None, "", ""), Path(), values=own)
    return coalesce_values(chart, user)


def _load(directory: Path) -> Chart | None:
    try:
        return load_chart(directory)
    except CiHelmError:
        return None


def _compile(ctx: RuleContext, schema: dict[str, Any]) -> Any:
    """The chart's compiled validator (once per run), or why the schema is invalid."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft7Validator)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as exc:
        return exc.message
    return cls(schema, registry=_local_registry(ctx.chart.directory))


def _local_registry(chart_dir: Path) -> referencing.Registry[Any]:
    """Relative ``$ref`` s resolve to files inside the chart; nothing is fetched from the network."""
    root = chart_dir.resolve()

    def retrieve(uri: str) -> referencing.Resource[Any]:
        target = (root / uri.removeprefix("file://").lstrip("/")).resolve()
        if "://" in uri.removeprefix("file://") or not target.is_relative_to(root) or not target.is_file():
            raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]
        return referencing.Resource.from_contents(json.loads(target.read_text(encoding="utf-8")))

    return referencing.Registry(retrieve=retrieve)  # type: ignore[call-arg]


def _sources(ctx: RuleContext) -> list[tuple[YamlFile, KeyLines]]:
    files: list[YamlFile] = []
    scenario = ctx.rendered.scenario if ctx.rendered else None
    if scenario and scenario.values_path:
        files += [f for f in ctx.chart.ci_values if f.path == scenario.values_path]
    if ctx.chart.values_yaml is not None:
        files.append(ctx.chart.values_yaml)
    return [(f, KeyLines(f.text)) for f in files]


def _locate(sources: list[tuple[YamlFile, KeyLines]], key: list[Any]) -> tuple[str, int | None]:
    for f, lines in sources:
        if key and _has(f.data, key):
            return f.path, lines.line(key)
    if sources:
        return sources[0][0].path, sources[0][1].line(key)
    return "values.yaml", None


def _has(data: Any, key: list[Any]) -> bool:
    for part in key:
        if (isinstance(data, Mapping) and part in data) or (
            isinstance(data, list) and isinstance(part, int) and part < len(data)
        ):
            data = data[part]
        else:
            return False
    return True
