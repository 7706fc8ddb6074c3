"""A RunReport with every shape reporters must handle (levels, skips, missing files, hostile text)."""

from __future__ import annotations

from ci_helm.model.results import ChartReport, CheckResult, Level, Problem, RunReport

RULE_DOCS = {
    "chart-schema": (
        "Chart.yaml follows the Helm chart schema.\n\nName, SemVer 2 version and apiVersion are required."
    ),
    "image-tag": "Images are pinned to a tag that is not ``latest``.",
    "deprecated-api": "Manifests use no API removed in the target Kubernetes version.",
}


def sample_report() -> RunReport:
    failing = ChartReport(
        chart="charts/web,app",
        name="web",
        version="1.2.0",
        checks=[
            CheckResult(
                "chart-schema",
                [
                    Problem(
                        "chart-schema",
                        Level.ERROR,
                        "version '1.2' is not SemVer 2: use 1.2.0",
                        "Chart.yaml",
                        3,
                        10,
                    )
                ],
                duration_s=0.01,
            ),
            CheckResult(
                "helm-lint",
                [
                    Problem(
                        "image-tag",
                        Level.WARNING,
                        "image nginx:latest uses 'latest'\n100% mutable: pin a version",
                        "templates/deploy.yaml",
                        21,
                        scenario="ci/prod-values.yaml",
                    ),
                    Problem(
                        "deprecated-api",
                        Level.ERROR,
                        "extensions/v1beta1 Ingress: use networking.k8s.io/v1",
                        None,
                    ),
                ],
                duration_s=0.5,
            ),
            CheckResult("kubeconform", skipped="no --kube-version given"),
        ],
    )
    passing = ChartReport(
        chart="charts/db",
        name="db",
        version="0.1.0",
        checks=[
            CheckResult("chart-schema"),
            CheckResult(
                "helm-lint",
                [Problem("chart-info", Level.INFO, "icon is recommended", "charts/db/Chart.yaml", 1)],
            ),
        ],
    )
    return RunReport(command="lint", charts=[failing, passing], duration_s=1.25)
