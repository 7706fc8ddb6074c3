"""Cluster settings shared by the deploy-stage commands, and ``--env`` environments.

``ci-helm.yaml`` may name environments, so a pipeline stage says ``--env staging``::

    environments:
      staging:
        kubeconfig: ~/.kube/staging.yaml
        context: staging
        namespace: shop
        values: [deploy/staging.yaml]

An explicit ``--kubeconfig``/``--kube-context``/``--namespace`` (or its CI_HELM_* variable)
wins over the environment's value; the environment's values files come before ``-f`` files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ci_helm.cli.context import Context
from ci_helm.engine.releases import ClusterTarget
from ci_helm.errors import ConfigError
from ci_helm.settings import Setting, Source, declare

__all__ = ["DEPLOY_SETTINGS", "KUBE_SETTINGS", "KubeTarget", "kube_target"]

KUBE_SETTINGS = declare(
    Setting("kubeconfig", "kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)"),
    Setting("kube-context", "kubeconfig context (default: the kubeconfig's current context)"),
    Setting("namespace", "namespace of the release", default="default"),
    Setting("env", "environment from ci-helm.yaml's environments: (kubeconfig, context, namespace, values)"),
    Setting(
        "environments",
        "named deploy environments: kubeconfig, context, namespace, values (config file only)",
        kind="mapping",
        default={},
        flag=False,
    ),
)

DEPLOY_SETTINGS = declare(
    Setting("wait", "wait until the release's resources are ready", kind="bool", default=True),
    Setting(
        "wait-timeout",
        "seconds to wait for readiness (and for each release operation)",
        kind="float",
        default=300.0,
    ),
)

_ENV_KEYS = {"kubeconfig", "context", "namespace", "values"}


@dataclass(frozen=True)
class KubeTarget:
    cluster: ClusterTarget
    value_files: tuple[str, ...] = ()
    env: str | None = None


def _environment(ctx: Context) -> tuple[str | None, dict[str, Any]]:
    name = ctx.settings.get("env")
    if not name:
        return None, {}
    environments = ctx.settings.get("environments") or {}
    if name not in environments:
        known = ", ".join(sorted(environments)) or "none defined"
        raise ConfigError(f"unknown environment {name!r} (environments in ci-helm.yaml: {known})")
    env = environments[name] or {}
    if not isinstance(env, dict) or set(env) - _ENV_KEYS:
        raise ConfigError(f"environment {name!r}: expected a mapping of {', '.join(sorted(_ENV_KEYS))}")
    return str(name), env


def _pick(ctx: Context, setting: str, env_value: Any) -> Any:
    """An explicit flag or variable wins; then the environment; then the default."""
    resolved = ctx.settings.values.get(setting)
    if resolved is not None and resolved.source > Source.DEFAULT:
        return resolved.value
    return env_value if env_value not in (None, "") else ctx.settings.get(setting)


def kube_target(ctx: Context, *, namespace: str | None = None) -> KubeTarget:
    name, env = _environment(ctx)
    kubeconfig = (
        _pick(ctx, "kubeconfig", env.get("kubeconfig"))
        or ctx.environ.get("KUBECONFIG", "").split(os.pathsep)[0]
    )
    if kubeconfig:
        kubeconfig = str(Path(os.path.expanduser(str(kubeconfig))))
        if not Path(kubeconfig).is_absolute():
            kubeconfig = str(ctx.cwd / kubeconfig)
    values = env.get("values") or []
    if isinstance(values, str):
        values = [values]
    cluster = ClusterTarget(
        kubeconfig=kubeconfig or None,
        context=_pick(ctx, "kube-context", env.get("context")) or None,
        namespace=namespace or _pick(ctx, "namespace", env.get("namespace")) or "default",
    )
    return KubeTarget(cluster, tuple(str(v) for v in values), name)
