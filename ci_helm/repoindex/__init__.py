"""Chart repository indexes: a fast loader and emitter, pure add/merge/sort, directory indexing."""

from ci_helm.repoindex.build import entry_for_package, index_directory, rfc3339
from ci_helm.repoindex.model import (
    Entry,
    IndexFile,
    add_entry,
    find_entry,
    load_index,
    merge_indexes,
    serialize_index,
    serialize_index_json,
    sort_entries,
)

__all__ = [
    "Entry",
    "IndexFile",
    "add_entry",
    "entry_for_package",
    "find_entry",
    "index_directory",
    "load_index",
    "merge_indexes",
    "rfc3339",
    "serialize_index",
    "serialize_index_json",
    "sort_entries",
]
