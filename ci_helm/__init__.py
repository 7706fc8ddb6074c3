"""ci-helm: lint, test, package, sign, release and deploy Helm charts in CI/CD."""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["__version__"]
