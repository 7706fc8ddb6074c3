"""The Helm engine: one interface (``base.Engine``) for whatever needs Helm's own logic.

Adapters: ``helm_python_engine`` (embedded Helm SDK, default), ``isolated`` (the same in
killable ``spawn`` workers, for untrusted charts) and ``helm_cli`` (a ``helm`` binary).
Build one with ``ci_helm.wiring.engine_from_settings``; never import ``helm_python`` elsewhere.
"""

from ci_helm.engine.base import Engine, EngineMessage, ReleaseOptions, RenderResult, Severity

__all__ = ["Engine", "EngineMessage", "ReleaseOptions", "RenderResult", "Severity"]
