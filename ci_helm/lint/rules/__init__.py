"""Lint rules, one module per rule (see :mod:`ci_helm.lint.registry` for the contract)."""
