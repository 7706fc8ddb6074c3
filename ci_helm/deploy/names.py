"""Memorable release names (``wonky-panda``), unique in the namespace.

Helm's own ``--generate-name`` gives ``chart-1712345678``; a name people can say aloud
and tell apart is friendlier. Names are valid DNS-1123 labels well under Helm's 53-char limit.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection

__all__ = ["RELEASE_NAME", "random_name", "valid_release_name"]

ADJECTIVES = (
    "agile", "amber", "bold", "brave", "bright", "calm", "clever", "cosmic", "crisp", "dapper",
    "eager", "fancy", "fluffy", "gentle", "giddy", "happy", "jolly", "keen", "lively", "lucky",
    "mellow", "merry", "nimble", "plucky", "proud", "quick", "quiet", "rapid", "shiny", "silly",
    "snappy", "sunny", "swift", "tidy", "vivid", "wacky", "witty", "wonky", "zany", "zesty",
)  # fmt: skip
ANIMALS = (
    "badger", "beaver", "bison", "camel", "cheetah", "condor", "coyote", "dingo", "dolphin", "eagle",
    "falcon", "ferret", "gecko", "gopher", "heron", "ibis", "jaguar", "koala", "lemur", "lynx",
    "marmot", "meerkat", "moose", "narwhal", "ocelot", "otter", "panda", "pelican", "puffin", "quokka",
    "rabbit", "raven", "salmon", "seal", "tapir", "toucan", "walrus", "wombat", "yak", "zebra",
)  # fmt: skip

# Helm's rule: a DNS-1123 subdomain-ish name of at most 53 characters.
RELEASE_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def valid_release_name(name: str) -> bool:
    return len(name) <= 53 and bool(RELEASE_NAME.match(name))


def random_name(taken: Collection[str]) -> str:
    """A name not in ``taken``; after many clashes a numeric suffix keeps it unique."""
    for attempt in range(200):
        name = f"{secrets.choice(ADJECTIVES)}-{secrets.choice(ANIMALS)}"
        if attempt >= 50:
            name += f"-{secrets.randbelow(10_000)}"
        if name not in taken:
            return name
    raise RuntimeError("could not find a free release name")  # 1600+ names and 10^4 suffixes
