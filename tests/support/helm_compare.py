"""Compare ``ci-helm template`` output with the helm oracle, document by document.

Our engine is Helm SDK v4.2.3, the oracle binary v4.1.4, so three kinds of difference are
expected and each is recognised on its own, never by ignoring a whole file:

1. **random content** (``randAlphaNum``, ``genCA``, passwords, checksums of those): lines that
   differ between *two oracle runs* of the same input are volatile and may differ from ours;
2. **helm/helm#31952** (Helm 4.2): a template's last document keeps its trailing
   whitespace, so documents may differ in trailing whitespace only;
3. **narrow, documented changes** listed in :data:`KNOWN_4_2_CHANGES`: one exact line pair
   in one document of one chart, with the Helm change that explains it.

Anything else is returned as an unexplained difference and fails the test.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["KNOWN_4_2_CHANGES", "Difference", "KnownChange", "compare_outputs", "documents"]

_HEADER = re.compile(r"^---\n(?=# Source: )", re.MULTILINE)
_SOURCE = re.compile(r"^# Source: (.*)$", re.MULTILINE)


@dataclass(frozen=True)
class KnownChange:
    source: str  # the document's "# Source:" path
    oracle_line: str  # stripped line as Helm 4.1 prints it
    our_line: str  # stripped line as Helm 4.2 prints it
    why: str


KNOWN_4_2_CHANGES: tuple[KnownChange, ...] = (
    # helm/helm 00638773d "fix(values): do not copy chart-default nils into coalesced values"
    # (fixes helm#31919, helm#31971): kafka's values.yaml sets `zookeeper.resources: ~`, a
    # chart-default null that 4.1 copied over the subchart's `resources: {}` and 4.2 drops.
    KnownChange(
        "kafka/charts/zookeeper/templates/statefulset.yaml", "null", "{}", "helm#31919 chart-default nils"
    ),
)


@dataclass(frozen=True)
class Difference:
    key: str
    detail: str

    def __str__(self) -> str:
        return f"{self.key}: {self.detail}"


def documents(text: str) -> dict[str, str]:
    """``{"<source>#<n>": document}`` for each ``---\\n# Source:`` document, in order."""
    out: dict[str, str] = {}
    counts: dict[str, int] = {}
    for chunk in _HEADER.split(text):
        if not chunk.strip():
            continue
        found = _SOURCE.match(chunk)
        source = found[1] if found else "<no source>"
        counts[source] = counts.get(source, 0) + 1
        out[f"{source}#{counts[source]}"] = chunk
    return out


def compare_outputs(
    oracle: str, oracle_again: str, ours: str, known: Iterable[KnownChange] = KNOWN_4_2_CHANGES
) -> list[Difference]:
    """Unexplained differences between the oracle's output and ours (empty = equivalent)."""
    first, second, mine = documents(oracle), documents(oracle_again), documents(ours)
    diffs = [Difference(k, "document only in helm's output") for k in first if k not in mine]
    diffs += [Difference(k, "document only in ours") for k in mine if k not in first]
    allowed = tuple(known)
    for key in first:
        if key in mine:
            diffs += _compare_doc(key, first[key], second.get(key, first[key]), mine[key], allowed)
    return diffs


def _compare_doc(
    key: str, oracle: str, oracle_again: str, ours: str, known: tuple[KnownChange, ...]
) -> list[Difference]:
    if oracle.rstrip() == ours.rstrip():  # identical, or trailing whitespace kept by helm#31952
        return []
    a, b = oracle.rstrip().split("\n"), ours.rstrip().split("\n")
    volatile = _volatile_lines(a, oracle_again.rstrip().split("\n"))
    source = key.rsplit("#", 1)[0]
    out: list[Difference] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if tag == "replace" and i2 - i1 == j2 - j1:
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                if i not in volatile and not _known(source, a[i], b[j], known):
                    out.append(Difference(key, f"line {i + 1}: helm {a[i]!r} != ours {b[j]!r}"))
            continue
        out.append(Difference(key, f"{tag} helm lines {i1 + 1}-{i2} {a[i1:i2]!r} vs ours {b[j1:j2]!r}"))
    return out


def _volatile_lines(a: list[str], again: list[str]) -> set[int]:
    """Line numbers of ``a`` whose content changed in a second oracle run (random content)."""
    volatile: set[int] = set()
    for tag, i1, i2, _, _ in difflib.SequenceMatcher(None, a, again, autojunk=False).get_opcodes():
        if tag != "equal":
            volatile.update(range(i1, i2))
    return volatile


def _known(source: str, helm_line: str, our_line: str, known: tuple[KnownChange, ...]) -> bool:
    return any(
        k.source == source and k.oracle_line == helm_line.strip() and k.our_line == our_line.strip()
        for k in known
    )
