"""One clear line for each way a release operation fails against a cluster.

Helm's errors are long Go chains ("cluster reachability check failed: kubernetes cluster
unreachable: Get ...: dial tcp ...: connection refused"); users need to know which of a
few things happened: cluster down, credentials refused, namespace missing, release
missing or busy, or the operation itself failed.
"""

from __future__ import annotations

import re
from typing import Any

from ci_helm.engine.errors import one_line
from ci_helm.errors import CiHelmError, ClusterError, ReleaseError

__all__ = ["translate_release_error", "translate_release_text"]

_NAMESPACE = re.compile(r'namespaces "([^"]+)" not found')
_DIAL = re.compile(r'Get "?(https?://[^/"\s]+)[^:]*"?: (?:dial tcp [^:]+:\d+: )?(?:connect: )?(.+)$')


def translate_release_error(exc: Exception, release: str, target: Any) -> CiHelmError:
    """A ``helm_python`` exception (matched by class name: helm_python is not imported here)."""
    return translate_release_text(str(exc), type(exc).__name__, release, target)


def translate_release_text(raw: str, kind: str, release: str, target: Any) -> CiHelmError:  # noqa: PLR0911
    """Helm's error text (from the SDK or the CLI's stderr) as one line of the right class."""
    text = one_line(raw)
    where = _where(target)
    if "provide credentials" in text or "Unauthorized" in text:
        return ClusterError(
            f"the cluster refused the credentials of {where} (401 Unauthorized: expired token?)"
        )
    if ("Forbidden" in text or "forbidden" in text) and "is being terminated" not in text:
        return ClusterError(f"{where}: permission denied: {_tail(text)}")
    if "cluster unreachable" in text or "connection refused" in text or "no such host" in text:
        return ClusterError(f"the cluster of {where} is unreachable: {_dial_reason(text)}")
    missing = _NAMESPACE.search(text)
    if missing:
        return ClusterError(f'namespace "{missing[1]}" does not exist (create it or pass --create-namespace)')
    if kind == "HelmNotFoundError" or "release: not found" in text:
        return ReleaseError(f'release "{release}" not found in namespace "{_namespace(target)}"')
    if "context canceled" in text or (kind == "HelmCancelledError" and "deadline exceeded" not in text):
        return ReleaseError(f'release "{release}": operation cancelled')
    if "another operation" in text:
        return ReleaseError(f'release "{release}" is busy: {_tail(text)}')
    return ReleaseError(f'release "{release}": {text}' if release else text)


def _where(target: Any) -> str:
    kubeconfig = getattr(target, "kubeconfig", None) or "the default kubeconfig"
    context = getattr(target, "context", None)
    return f"{kubeconfig}" + (f" (context {context})" if context else "")


def _namespace(target: Any) -> str:
    return str(getattr(target, "namespace", "default"))


def _dial_reason(text: str) -> str:
    found = _DIAL.search(text)
    return f"{found[1]}: {found[2]}" if found else _tail(text)


def _tail(text: str) -> str:
    return text.split(": ", 1)[-1] if ": " in text else text
