"""``ci-helm init-ci``: render CI pipeline files for a chart repository, filled with what can be detected."""
