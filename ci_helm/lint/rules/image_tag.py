"""Container images are pinned: a tag other than ``latest``, or a digest.

An image without a tag means ``latest``; ``latest`` (or any tag listed in
``mutable-tags``) changes under you, so two installs of the same chart version run
different code and rollbacks do not roll back. A digest (``@sha256:...``) is the strongest
pin; ``require-digest`` demands one. An empty image is an error (the pod cannot start).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ci_helm.lint.model import Finding, RuleContext, Scope
from ci_helm.lint.rules._workloads import containers, finding, pod_specs
from ci_helm.model.results import Level

ID = "image-tag"
DEFAULT_LEVEL = Level.WARNING
SCOPE: Scope = "render"


@dataclass(frozen=True)
class Options:
    mutable_tags: tuple[str, ...] = ("latest",)
    require_digest: bool = False
    include_tests: bool = True


def image_tag(image: str) -> tuple[str | None, str | None]:
    """(tag, digest) of an image reference; a registry port is not a tag."""
    name, _, digest = image.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = last.rsplit(":", 1)[1] if ":" in last else None
    return tag or None, digest or None


def check(ctx: RuleContext, options: Options) -> Iterator[Finding]:
    for pod in pod_specs(ctx, include_tests=options.include_tests):
        for c in containers(pod):
            image = c.container.get("image")
            if not isinstance(image, str) or not image.strip():
                yield finding(
                    pod.doc, f"{c.describe()} has no image: set image.repository and image.tag", Level.ERROR
                )
                continue
            tag, digest = image_tag(image.strip())
            if digest:
                continue
            if tag is None:
                yield finding(
                    pod.doc,
                    f"{c.describe()}: image {image!r} has no tag (means latest): pin a version tag or digest",
                )
            elif tag in options.mutable_tags:
                yield finding(
                    pod.doc,
                    f"{c.describe()}: image {image!r} uses the mutable tag {tag!r}: pin a version tag "
                    "or digest",
                )
            elif options.require_digest:
                yield finding(
                    pod.doc, f"{c.describe()}: image {image!r} is not pinned by digest: append @sha256:..."
                )
