"""``ci-helm repo serve``: a directory served as a Helm chart repository with a ChartMuseum-style API."""
