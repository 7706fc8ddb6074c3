"""Containers use a read-only root filesystem (opt-in).

``readOnlyRootFilesystem: true`` stops an intruder from dropping tools into the image and
catches applications writing to unexpected places. Off by default because many images need
a writable /tmp (mount an emptyDir there); enable it with ``lint.rules.read-only-root-fs``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import containers_without, finding
from ci_helm.model.results import Level

ID = "read-only-root-fs"
DEFAULT_LEVEL = Level.WARNING
DEFAULT_ENABLED = False
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    include_tests: bool = False


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for c in containers_without(ctx, "readOnlyRootFilesystem", True, include_tests=options.include_tests):
        yield finding(
            c.pod.doc,
            f"{c.describe()} has a writable root filesystem: set "
            "securityContext.readOnlyRootFilesystem: true",
        )
