"""Turn Helm's template → text map into Kubernetes objects tagged with their template."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ci_helm.errors import YamlError
from ci_helm.lint.model import Document
from ci_helm.yamlfast import load_documents

__all__ = ["SplitResult", "chart_relative", "split_manifests"]


@dataclass
class SplitResult:
    documents: list[Document] = field(default_factory=list)
    errors: list[tuple[str, str, int | None]] = field(default_factory=list)  # (template, message, line)


def chart_relative(template_key: str) -> str:
    """``mychart/templates/x.yaml`` → ``templates/x.yaml`` (Helm prefixes the chart name)."""
    return template_key.split("/", 1)[1] if "/" in template_key else template_key


def _is_manifest(path: str) -> bool:
    base = path.rsplit("/", 1)[-1]
    return not base.startswith("_") and base != "NOTES.txt"


def split_manifests(manifests: Mapping[str, str]) -> SplitResult:
    """Parse every rendered template; empty documents and partials are skipped."""
    out = SplitResult()
    for key in sorted(manifests):
        text = manifests[key]
        template = chart_relative(key)
        if not _is_manifest(template) or not text.strip():
            continue
        try:
            docs = load_documents(text, path=template)
        except YamlError as exc:
            out.errors.append((template, f"rendered output is not valid YAML: {exc.message}", exc.line))
            continue
        index = 0
        for doc in docs:
            if doc is None:
                continue
            if not isinstance(doc, Mapping):
                out.errors.append((template, f"rendered document {index} is not a mapping", None))
            else:
                out.documents.append(Document(doc, template, index))
            index += 1
    return out
