"""What a change is measured against: the merge-base of HEAD and the target (or ``--since``).

A shallow clone or a target branch that was never fetched is an error that names the exact
git command to run (or ``--fetch`` runs it), never a silently empty answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ci_helm.changes.repo import GitRepo
from ci_helm.errors import GitError

__all__ = ["Base", "ChangeOptions", "resolve_base", "target_ref"]

CHECKOUT_HINT = "in GitHub Actions: actions/checkout with `fetch-depth: 0`"


@dataclass(frozen=True)
class ChangeOptions:
    chart_dirs: tuple[str, ...] = (".",)
    excluded_charts: tuple[str, ...] = ()
    remote: str = "origin"
    target_branch: str = "main"
    since: str | None = None
    include_uncommitted: bool = False
    honor_helmignore: bool = False
    ignore_globs: tuple[str, ...] = ()
    fetch: bool = False


@dataclass(frozen=True)
class Base:
    """What we compare against: the merge-base commit, and the ref it was computed from."""

    commit: str
    ref: str  # "origin/main", "main" (no remote), or the --since ref
    ref_commit: str


def target_ref(repo: GitRepo, options: ChangeOptions) -> str:
    """``<remote>/<branch>`` when the remote is configured, else the local branch."""
    if repo.has_remote(options.remote):
        return f"{options.remote}/{options.target_branch}"
    return options.target_branch


def resolve_base(repo: GitRepo, options: ChangeOptions) -> Base:
    if repo.resolve("HEAD") is None:
        raise GitError("the repository has no commit yet: nothing to compare")
    ref = options.since or target_ref(repo, options)
    ref_commit = repo.resolve(ref)
    if ref_commit is None and options.fetch and not options.since and repo.has_remote(options.remote):
        repo.fetch(options.remote, options.target_branch, unshallow=repo.is_shallow())
        ref_commit = repo.resolve(ref)
    if ref_commit is None:
        raise GitError(_missing_ref_message(repo, options, ref))
    merge_base = repo.merge_base(ref, "HEAD")
    if merge_base is None and repo.is_shallow() and options.fetch and repo.has_remote(options.remote):
        repo.fetch(options.remote, options.target_branch, unshallow=True)
        merge_base = repo.merge_base(ref, "HEAD")
    if merge_base is None:
        raise GitError(_no_merge_base_message(repo, options, ref))
    return Base(merge_base, ref, ref_commit)


def _missing_ref_message(repo: GitRepo, options: ChangeOptions, ref: str) -> str:
    if options.since:
        return f"--since {ref}: no such revision here; fetch it (e.g. `git fetch {options.remote} {ref}`)"
    if repo.has_remote(options.remote):
        # The explicit refspec creates the remote-tracking branch even in a single-branch clone.
        unshallow = " --unshallow" if repo.is_shallow() else ""
        branch = options.target_branch
        fetch = f"git fetch{unshallow} {options.remote} {branch}:refs/remotes/{options.remote}/{branch}"
        return (
            f"target branch {ref} not found: run `{fetch}` ({CHECKOUT_HINT}), or pass --fetch; "
            f"set --target-branch if yours is not {branch!r}"
        )
    return (
        f"target branch {options.target_branch!r} not found and there is no remote {options.remote!r}: "
        "set --target-branch and --remote, or --since REF"
    )


def _no_merge_base_message(repo: GitRepo, options: ChangeOptions, ref: str) -> str:
    if repo.is_shallow():
        return (
            f"shallow clone: HEAD and {ref} share no commit in the fetched history, so the changes "
            f"cannot be known: run `git fetch --unshallow {options.remote}` ({CHECKOUT_HINT}), "
            "or pass --fetch"
        )
    return f"HEAD and {ref} have no common history: pick the right --target-branch or --since"
