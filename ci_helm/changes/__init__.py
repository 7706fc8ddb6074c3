"""Change detection: which charts a change touches (``ci-helm list-changed``, ``lint --changed``).

Pure over a :class:`GitRepo` Protocol; ``ci_helm.adapters.git.GitCli`` is the real one.
"""

from ci_helm.changes.base import Base, ChangeOptions, resolve_base
from ci_helm.changes.detect import (
    ChangedChart,
    ChangeSet,
    base_versions,
    detect,
    versions_at,
)
from ci_helm.changes.repo import WORKTREE, FileChange, GitRepo

__all__ = [
    "WORKTREE",
    "Base",
    "ChangeOptions",
    "ChangeSet",
    "ChangedChart",
    "FileChange",
    "GitRepo",
    "base_versions",
    "detect",
    "resolve_base",
    "versions_at",
]
