"""The sandboxed Jinja2 environment one chart renders in.

- ``ImmutableSandboxedEnvironment``: no ``__class__``/``__globals__`` walks, no mutating
  ``dict.update``/``list.append`` on values, ``range`` capped by Jinja's sandbox.
- ``trim_blocks`` and ``lstrip_blocks``: block tags on their own line leave no trace in the YAML.
- ``StrictUndefined``: a missing value is an error naming it (``Values.image.tag is not set``),
  except under ``is defined`` / ``default``.
- The only loader is the chart's own ``templates/`` held in memory: ``{% include %}`` and
  ``{% import %}`` can reach the chart's partials and nothing on disk.
- A cooperative deadline: every attribute lookup, call and output chunk checks the clock,
  so a runaway loop ends with :class:`RenderTimeout` even in-process (the render worker adds
  a hard kill on top for untrusted charts).
"""

from __future__ import annotations

import operator
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ci_helm.chart.jinja.helpers import FILTERS, FUNCTIONS
from ci_helm.errors import RenderError, RenderTimeout

__all__ = ["MAX_OUTPUT_CHARS", "ChartEnvironment", "Params", "wrap"]

MAX_OUTPUT_CHARS = 64 * 1024 * 1024
MAX_VALUE_CHARS = 16 * 1024 * 1024  # one string or list built by an operator
_HUGE_FORMAT_WIDTH = re.compile(r"%[-+ #0]*\d{7,}")
_HUGE_BRACE_WIDTH = re.compile(r"\{[^{}]*:[^{}]*\d{7,}[^{}]*\}")


class Params(dict[str, Any]):
    """A read-only view of a values mapping that knows its dotted path, for error messages."""

    __slots__ = ("path",)

    def __init__(self, data: Mapping[str, Any], path: str) -> None:
        super().__init__(data)
        self.path = path


def wrap(value: Any, path: str) -> Any:
    """Values as :class:`Params` all the way down (the immutable sandbox already refuses list.append)."""
    if isinstance(value, Mapping):
        return Params({str(k): wrap(v, f"{path}.{k}") for k, v in value.items()}, path)
    if isinstance(value, list | tuple):
        return [wrap(v, f"{path}[{i}]") for i, v in enumerate(value)]
    return value


def _finalize(value: Any) -> Any:
    """Print values the way Go templates do: ``true``, not ``True``; nothing for null."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    return value


class _ChartLoader(jinja2.BaseLoader):
    """Templates by their name relative to ``templates/`` (``_helpers.j2``), from memory only."""

    def __init__(self, sources: Mapping[str, str], display_prefix: str) -> None:
        self.sources = dict(sources)
        self.prefix = display_prefix

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        name = template.removeprefix("templates/")
        if name not in self.sources:
            raise jinja2.TemplateNotFound(template)
        return self.sources[name], self.filename(name), lambda: True

    def filename(self, name: str) -> str:
        return f"{self.prefix}/templates/{name}"

    def list_templates(self) -> list[str]:
        return sorted(self.sources)


class ChartEnvironment(ImmutableSandboxedEnvironment):
    """One chart's environment: its templates, Helm's helpers, a deadline."""

    # Operators that can build a huge value in one step ('x' * 10**9): checked before they run.
    intercepted_binops = frozenset(["*", "**", "%"])

    def __init__(self, sources: Mapping[str, str], display_prefix: str, deadline: float | None) -> None:
        self.chart_loader = _ChartLoader(sources, display_prefix)
        super().__init__(
            loader=self.chart_loader,
            undefined=jinja2.StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,  # a `{% if %}` line leaves no blank line in the YAML
            lstrip_blocks=True,
            finalize=_finalize,
            auto_reload=False,
        )
        self.deadline = deadline
        self.output_chars = 0
        self.filters.update(FILTERS)
        self.globals.update(FUNCTIONS)
        self.globals["include"] = _include
        self.globals["tpl"] = _tpl
        self.filters["tpl"] = _tpl

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise RenderTimeout("render ran past its time limit (runaway loop?)")

    def getattr(self, obj: Any, attribute: str) -> Any:
        self.check_deadline()
        if isinstance(obj, Params):
            if attribute in obj:
                return obj[attribute]
            if not hasattr(dict, attribute):
                return self.undefined(hint=f"{obj.path}.{attribute} is not set", obj=obj, name=attribute)
        if isinstance(obj, str) and attribute in ("format", "format_map") and _HUGE_BRACE_WIDTH.search(obj):
            raise RenderError("refused: a format width of a million characters or more")
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        self.check_deadline()
        if isinstance(obj, Params) and argument not in obj:
            return self.undefined(hint=f"{obj.path}[{argument!r}] is not set", obj=obj, name=argument)
        return super().getitem(obj, argument)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        __self.check_deadline()
        _check_string_method(__obj, args, kwargs)
        return super().call(__context, __obj, *args, **kwargs)

    def call_binop(self, context: jinja2.runtime.Context, operator_name: str, left: Any, right: Any) -> Any:
        self.check_deadline()
        if operator_name == "*":
            _check_repeat(left, right)
            _check_repeat(right, left)
            return left * right
        if operator_name == "**":
            if isinstance(right, int) and isinstance(left, int) and abs(right) > 4096 and abs(left) > 1:
                raise RenderError(f"refused: {left} ** {right} is too large a number")
            return left**right
        if isinstance(left, str):
            check_format_width(left)
        return operator.mod(left, right)

    def generate(self, template: jinja2.Template, variables: Mapping[str, Any]) -> str:
        """Render chunk by chunk, checking the deadline and the output size as it grows."""
        parts: list[str] = []
        for chunk in template.generate(dict(variables)):
            self.output_chars += len(chunk)
            if self.output_chars > MAX_OUTPUT_CHARS:
                raise RenderError(f"rendered output is over {MAX_OUTPUT_CHARS} characters (runaway loop?)")
            self.check_deadline()
            parts.append(chunk)
        return "".join(parts)


def _env(context: jinja2.runtime.Context) -> ChartEnvironment:
    env = context.environment
    assert isinstance(env, ChartEnvironment)
    return env


@jinja2.pass_context
def _include(context: jinja2.runtime.Context, name: str, **scope: Any) -> str:
    """``include("_labels.j2")``: a partial rendered to a string, to pipe into ``nindent``."""
    env = _env(context)
    return env.generate(env.get_template(name), {**context.get_all(), **scope})


@jinja2.pass_context
def _tpl(context: jinja2.runtime.Context, text: Any, **scope: Any) -> str:
    """``tpl(Values.annotation)``: a value that is itself a template, rendered in this context."""
    env = _env(context)
    return env.generate(env.from_string(str(text)), {**context.get_all(), **scope})


def _check_repeat(sequence: Any, count: Any) -> None:
    sized = isinstance(sequence, str | list | tuple) and isinstance(count, int)
    if sized and len(sequence) * count > MAX_VALUE_CHARS:
        raise RenderError(f"refused: repeating a value {count} times would exceed {MAX_VALUE_CHARS} items")


def _check_string_method(obj: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``'x'.ljust(10**9)``: refuse before Python allocates it (``str.format`` is checked in getattr)."""
    owner = getattr(obj, "__self__", None)
    if not isinstance(owner, str):
        return
    sizes = [a for a in (*args, *kwargs.values()) if isinstance(a, int) and not isinstance(a, bool)]
    if any(size > MAX_VALUE_CHARS for size in sizes):
        raise RenderError(f"refused: a string of more than {MAX_VALUE_CHARS} characters")


def check_format_width(text: str) -> None:
    """For the ``format`` and ``center`` filters, which run outside the sandbox's call hook."""
    if _HUGE_FORMAT_WIDTH.search(text):
        raise RenderError("refused: a %-format width of a million characters or more")
