"""From Helm's raw render map to what ``helm template`` prints or writes, byte for byte.

A port of helm/helm v4.2.3 ``pkg/action/action.go`` (``renderResources``) and
``pkg/cmd/template.go``:

1. every ``*NOTES.txt`` is dropped (``template`` never prints notes);
2. :func:`ci_helm.render.sorter.sort_manifests` splits hooks from manifests in install order;
3. stdout: with ``--include-crds`` the CRDs first, then manifests, each as
   ``---\\n# Source: PATH\\n<doc>\\n``; that block is whitespace-trimmed and ends with one
   newline; then the hooks (test hooks left out with ``--skip-tests``);
4. ``--show-only`` re-splits that text and keeps documents whose source path (without the
   chart name) matches one of the patterns, in pattern order; a pattern matching nothing is
   Helm's error ``could not find template PATH in chart``;
5. ``--output-dir`` plans the same documents as file writes (see :mod:`ci_helm.render.output_dir`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ci_helm.chart.gomatch import glob_matches
from ci_helm.errors import UsageError
from ci_helm.render.crds import Crd
from ci_helm.render.sorter import Hook, Manifest, sort_manifests
from ci_helm.render.split import go_trim_space, split_manifests

__all__ = [
    "NOTES_SUFFIX",
    "FileWrite",
    "Sorted",
    "TemplateOptions",
    "plan_writes",
    "select_shown",
    "sort_render",
    "stdout_text",
]

NOTES_SUFFIX = "NOTES.txt"
_SOURCE_NAME = re.compile(r"# Source: [^/]+/(.+)")


@dataclass(frozen=True)
class TemplateOptions:
    include_crds: bool = False
    skip_tests: bool = False
    show_only: tuple[str, ...] = ()
    release_name: str = "release-name"
    use_release_name: bool = False  # helm's --release-name: output-dir/<release>/...


@dataclass(frozen=True)
class Sorted:
    hooks: list[Hook]
    manifests: list[Manifest]
    crds: list[Crd] = field(default_factory=list)


@dataclass(frozen=True)
class FileWrite:
    """One ``writeToFile`` call: ``append`` is Helm's decision to open with O_APPEND."""

    directory: str  # the output dir (with the release name when asked), as the user spelled it
    name: str  # slash-separated path below it, also the "# Source:" path
    content: str
    append: bool
    check_existing: bool = False  # hooks: append when the file already exists on disk


def sort_render(rendered: Mapping[str, str], crds: Sequence[Crd] = ()) -> Sorted:
    files = {k: v for k, v in rendered.items() if not k.endswith(NOTES_SUFFIX)}
    hooks, manifests = sort_manifests(files)
    return Sorted(hooks, manifests, list(crds))


def _doc(path: str, content: str) -> str:
    return f"---\n# Source: {path}\n{content}\n"


def stdout_text(result: Sorted, opts: TemplateOptions) -> str:
    """Exactly what ``helm template`` (without ``--output-dir``) prints."""
    parts = [_doc(c.filename, c.text) for c in result.crds] if opts.include_crds else []
    parts += [_doc(m.path, m.content) for m in result.manifests]
    text = go_trim_space("".join(parts)) + "\n"
    text += "".join(_doc(h.path, h.content) for h in result.hooks if not (opts.skip_tests and h.is_test))
    return select_shown(text, opts.show_only) if opts.show_only else text


def select_shown(text: str, patterns: Sequence[str]) -> str:
    """Helm's ``--show-only``: documents whose template path matches, in pattern order."""
    docs = split_manifests(text)
    chosen: list[str] = []
    for pattern in patterns:
        missing = True
        for doc in docs:
            found = _SOURCE_NAME.search(doc)
            if found is None or not glob_matches(pattern, found[1]):
                continue
            chosen.append(doc)
            missing = False
        if missing:
            raise UsageError(f"could not find template {pattern} in chart")
    return "".join(f"---\n{doc}\n" for doc in chosen)


def plan_writes(result: Sorted, output_dir: str, opts: TemplateOptions) -> list[FileWrite]:
    """The ``writeToFile`` calls ``helm template --output-dir`` makes, in order."""
    writes: list[FileWrite] = []
    written: set[str] = set()
    if opts.include_crds:
        for crd in result.crds:  # CRDs go to the output dir itself, never under the release name
            writes.append(FileWrite(output_dir, crd.filename, crd.text, crd.filename in written))
            written.add(crd.filename)
    base = f"{output_dir}/{opts.release_name}" if opts.use_release_name else output_dir
    for m in result.manifests:
        writes.append(FileWrite(base, m.path, m.content, m.path in written))
        written.add(m.path)
    hooks_written: set[str] = set()  # template.go keeps its own map for hooks
    for h in result.hooks:
        if opts.skip_tests and h.is_test:
            continue
        writes.append(FileWrite(base, h.path, h.content, h.path in hooks_written, check_existing=True))
        hooks_written.add(h.path)
    return writes
