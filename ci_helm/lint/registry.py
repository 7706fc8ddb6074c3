"""Lint rules are plug-ins: every module in ``ci_helm.lint.rules`` is one rule.

A rule module defines ``ID``, ``DEFAULT_LEVEL``, ``SCOPE`` (``"chart"``: once per chart;
``"render"``: once per rendered scenario), an ``Options`` dataclass (its fields are the
rule's options in ``ci-helm.yaml``), a ``check(ctx, options)`` function yielding
:class:`~ci_helm.lint.model.Finding` objects, and a module docstring that is the rule's
documentation (``ci-helm lint --list-rules``). ``DEFAULT_ENABLED = False`` makes a rule
opt-in; ``RUNS_ON_RENDER_ERROR = True`` runs a render-scope rule even when the
scenario did not render (Helm's linter, the values schema).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from types import ModuleType
from typing import Any

import ci_helm.lint.rules
from ci_helm.errors import InternalError
from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.model.results import Level

__all__ = ["Rule", "all_rules", "rule_by_id"]

CheckFn = Callable[[RuleContext, Any], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    id: str
    default_level: Level
    scope: Scope
    options_type: type
    check: CheckFn
    doc: str
    enabled_by_default: bool = True
    runs_on_render_error: bool = False  # render scope: also run when the render failed

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""

    def option_defaults(self) -> dict[str, Any]:
        default = self.options_type()
        return {f.name.replace("_", "-"): getattr(default, f.name) for f in fields(default)}


def _rule_from(module: ModuleType) -> Rule:
    missing = [a for a in ("ID", "DEFAULT_LEVEL", "SCOPE", "Options", "check") if not hasattr(module, a)]
    if missing or not module.__doc__:
        raise InternalError(f"lint rule module {module.__name__} lacks {', '.join(missing) or 'a docstring'}")
    if not (isinstance(module.Options, type) and is_dataclass(module.Options)):
        raise InternalError(f"{module.__name__}.Options must be a dataclass")
    return Rule(
        id=module.ID,
        default_level=Level(module.DEFAULT_LEVEL),
        scope=module.SCOPE,
        options_type=module.Options,
        check=module.check,
        doc=module.__doc__,
        enabled_by_default=getattr(module, "DEFAULT_ENABLED", True),
        runs_on_render_error=getattr(module, "RUNS_ON_RENDER_ERROR", False),
    )


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, in id order."""
    names = sorted(
        m.name for m in pkgutil.iter_modules(ci_helm.lint.rules.__path__) if not m.name.startswith("_")
    )
    rules = [_rule_from(importlib.import_module(f"ci_helm.lint.rules.{n}")) for n in names]
    ids = [r.id for r in rules]
    if len(set(ids)) != len(ids):
        raise InternalError(f"duplicate lint rule ids: {sorted(ids)}")
    return tuple(sorted(rules, key=lambda r: r.id))


def rule_by_id(rule_id: str) -> Rule | None:
    return next((r for r in all_rules() if r.id == rule_id), None)
