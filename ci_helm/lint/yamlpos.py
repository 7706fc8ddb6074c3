"""Line numbers of keys in a YAML text, so findings point at the line to fix."""

from __future__ import annotations

from collections.abc import Sequence

import yaml

from ci_helm.yamlio import SafeLoader

__all__ = ["KeyLines"]

Key = str | int


class KeyLines:
    """Maps a key path (``("maintainers", 0, "email")``) to its 1-based line in the text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: dict[tuple[Key, ...], int] | None = None  # built on first use: most rules never ask

    def _index(self) -> dict[tuple[Key, ...], int]:
        if self._lines is None:
            self._lines = {}
            try:
                root = yaml.compose(self._text, Loader=SafeLoader)
            except yaml.YAMLError:
                root = None
            if root is not None:
                self._walk(root, ())
        return self._lines

    def line(self, path: Sequence[Key]) -> int | None:
        """The line of ``path``, else of its nearest ancestor that exists, else ``None``."""
        parts = tuple(path)
        lines = self._index()
        while parts:
            if parts in lines:
                return lines[parts]
            parts = parts[:-1]
        return None

    def _walk(self, node: yaml.Node, path: tuple[Key, ...]) -> None:
        assert self._lines is not None
        stack = [(node, path)]
        while stack:
            current, where = stack.pop()
            if isinstance(current, yaml.MappingNode):
                for key, value in current.value:
                    if isinstance(key, yaml.ScalarNode):
                        child = (*where, key.value)
                        self._lines.setdefault(child, key.start_mark.line + 1)
                        stack.append((value, child))
            elif isinstance(current, yaml.SequenceNode):
                for i, item in enumerate(current.value):
                    child = (*where, i)
                    self._lines.setdefault(child, item.start_mark.line + 1)
                    stack.append((item, child))
