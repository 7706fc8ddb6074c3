"""OCI chart registries through helm_python (imported lazily: it is not fork-safe)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ci_helm.errors import CiHelmError

__all__ = ["HelmOciClient"]


class HelmOciClient:
    def tags(self, ref: str) -> list[str]:
        from helm_python import registry

        try:
            return list(registry.RegistryClient().tags(ref))
        except Exception as exc:  # helm_python raises its own error types
            raise CiHelmError(f"{ref}: cannot list tags: {exc}") from None

    def pull(self, ref: str, version: str) -> bytes:
        from helm_python import registry

        with tempfile.TemporaryDirectory(prefix="ci-helm-oci-") as tmp:
            try:
                registry.pull(ref, destination=tmp, version=version)
            except Exception as exc:
                raise CiHelmError(f"{ref}:{version}: cannot pull: {exc}") from None
            archives = sorted(Path(tmp).glob("*.tgz"))
            if len(archives) != 1:
                raise CiHelmError(f"{ref}:{version}: the registry returned no chart archive")
            return archives[0].read_bytes()
