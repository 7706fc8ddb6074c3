"""Carry out ``--output-dir`` writes the way Helm's ``writeToFile`` does.

Each write creates (truncating) or appends ``---\\n# Source: NAME\\n<doc>\\n`` to
``DIR/NAME`` and reports ``wrote DIR/NAME``. Every target is checked to stay inside the
output directory before the first byte is written, so a hostile template name can never
write elsewhere and a refused plan leaves nothing half-written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ci_helm.errors import RenderError
from ci_helm.render.template_output import FileWrite

__all__ = ["write_output_dir"]


def write_output_dir(writes: Sequence[FileWrite], output_dir: str) -> list[str]:
    """Perform the writes; returns Helm's ``wrote PATH`` lines (without newlines)."""
    root = Path(output_dir).resolve()
    for w in writes:
        _check_inside(root, Path(w.directory, w.name), w.name)
    lines = []
    for w in writes:
        target = f"{w.directory}{os.sep}{w.name}"
        Path(target).parent.mkdir(parents=True, exist_ok=True, mode=0o755)
        append = w.append or (w.check_existing and os.path.exists(target))
        with open(target, "a" if append else "w", encoding="utf-8", newline="") as out:
            out.write(f"---\n# Source: {w.name}\n{w.content}\n")
        lines.append(f"wrote {target}")
    return lines


def _check_inside(root: Path, target: Path, name: str) -> None:
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise RenderError("refusing to write outside the output directory", path=name)
